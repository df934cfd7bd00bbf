import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from '../fixtures/studio.js';
import { trainMnistTinyOnServer } from './helpers.js';

// Journey (j, issue #18 item 2): export is one click (build + download; the Download link stays for re-downloads),
// and the STM32L4 bundle carries a flashing guide for NUCLEO-L4R5ZI and STM32L4R9I-DISCO with `make flash`. MNIST
// tiny max-pools bit-packed data, which xcore-opt cannot lower, so its xcore.ai export is refused with the fix (the
// xcore.ai bundle's `make run` / `make flash` are checked by packages/exporters' xcore-flash test).
test('one-click exports carry board flashing guides and make flash', async ({ page, api }, testInfo) => {
  const runId = await trainMnistTinyOnServer(page, api, { seed: 2, name: 'deploy journey' });

  await page.goto(`/experiments/run?id=${runId}`);
  const unzipDownload = async (button: RegExp) => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: button }).click();
    const file = await download;
    const path = testInfo.outputPath(file.suggestedFilename());
    await file.saveAs(path);
    const files = unzipSync(new Uint8Array(readFileSync(path)));
    return (name: string) => strFromU8(files[Object.keys(files).find((f) => f.endsWith(`/${name}`))!]!);
  };

  const stm32 = await unzipDownload(/^Export STM32L4 bundle and download/);
  const readme = stm32('README.md');
  for (const text of [
    'NUCLEO-L4R5ZI',
    'STM32L4R9I-DISCO',
    'make flash BOARD=nucleo-l4r5zi',
    'LPUART1: TX = PG7, RX = PG8',
    'USART2: TX = PA2, RX = PA3',
    'STM32_Programmer_CLI',
  ])
    expect(readme).toContain(text);
  expect(stm32('Makefile')).toMatch(/^flash: /m);
  expect(stm32('retarget.c')).toContain('BNN_BOARD_NUCLEO_L4R5ZI');
  // The Download link stays for re-downloads.
  await expect(
    page.getByTestId('export-result-stm32l4').getByRole('link', { name: /^Download / }),
  ).toBeVisible();
  await expect(page.getByTestId('export-downloaded-stm32l4')).toHaveText('Built and downloaded.');
  await page.screenshot({ path: testInfo.outputPath('j-stm32-exported.png'), fullPage: true });

  // A target that cannot express the model never starts a download: it says why, how to fix it, and where.
  await page.getByRole('button', { name: /^Export xcore\.ai bundle and download/ }).click();
  const refused = page.getByTestId('export-refused-xcore');
  await expect(refused).toContainText('Export refused');
  await expect(refused).toContainText('Fix:');
  await expect(refused.getByRole('link', { name: /^Open layer .+ in the composer$/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('j-xcore-refused.png'), fullPage: true });
});
