import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { threeClassZip } from '../fixtures/datasets.js';
import { expect, test } from '../fixtures/studio.js';
import { RAW_ERROR_TEXT, watchConsole } from './helpers.js';

// Journey (o, issue #18 "done when"): a first-time user, going by the README alone, uploads a small 3-class
// image-folder zip, opens a preset, fixes the class mismatch with the offered action, trains on the server watching
// per-batch progress, and exports the STM32L4 bundle with one click — with no raw library error text on screen and
// no console errors.
test('first time: upload, preset, class fix, server training with progress, one-click STM32L4 export', async ({
  page,
}, testInfo) => {
  const consoleErrors = watchConsole(page);
  const zipPath = testInfo.outputPath('my-digits.zip');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(zipPath, threeClassZip(40));

  // The README: "serves the studio at http://localhost:<port>". Start on the home page.
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click();
  await expect(page.getByRole('heading', { name: 'Train', level: 1 })).toBeVisible();

  // 1. Upload the zip: the page confirms what arrived.
  await page.getByText('Upload a dataset').click();
  await page.getByLabel('Format').selectOption('zip');
  await page.getByLabel('Dataset name').fill('my digits');
  await page.getByLabel(/^Files/).setInputFiles(zipPath);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const confirmation = page.getByTestId('upload-confirmation');
  await expect(confirmation).toContainText('Uploaded “my digits”: 120 samples in 3 classes');
  await page.screenshot({ path: testInfo.outputPath('o-1-uploaded.png'), fullPage: true });

  // 2. Open a preset in the composer: it checks the output against the new dataset and offers the fix.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Composer' }).click();
  await expect(page.getByTestId('composer')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  const check = page.getByTestId('composer-class-check');
  await expect(check.getByRole('alert')).toContainText('“my digits” has 3 classes');
  await page.screenshot({ path: testInfo.outputPath('o-2-mismatch.png'), fullPage: true });

  // 3. The offered action sets the output layer's units.
  await check.getByRole('button', { name: 'Set the output to 3 classes' }).click();
  await expect(check).toContainText('Output matches: 3 classes');
  await expect(page.locator('html')).toHaveAttribute('data-draft', 'saved');

  // 4. Train on the server, watching per-batch progress.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click();
  await expect(page.getByTestId('train-model-name')).toHaveText('MNIST tiny');
  await expect(page.getByLabel('Train on')).toHaveValue(/.+/);
  await expect(page.getByLabel('Train on').locator('option:checked')).toHaveText(/my digits/);
  await expect(page.getByTestId('class-mismatch')).toHaveCount(0);
  await page.getByLabel('Epochs', { exact: true }).fill('3');
  await page.getByLabel('Batch size').fill('8');
  await page.getByRole('button', { name: 'Train on server' }).click();
  const progress = page.getByTestId('batch-progress');
  await expect(progress).toContainText(/Epoch \d+ of 3, batch \d+ of \d+ · loss \d/, { timeout: 150_000 });
  await page.screenshot({ path: testInfo.outputPath('o-4-progress.png'), fullPage: true });
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  await page.screenshot({ path: testInfo.outputPath('o-4-done.png'), fullPage: true });

  // 5. Export the STM32L4 bundle: one click builds and downloads it.
  await page.getByRole('link', { name: 'Open the run (exports, playground)' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export STM32L4 bundle and download' }).click();
  const file = await download;
  const path = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(path);
  await expect(page.getByTestId('export-downloaded-stm32l4')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('o-5-exported.png'), fullPage: true });
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const readme = new TextDecoder().decode(files[Object.keys(files).find((f) => f.endsWith('/README.md'))!]);
  expect(readme).toContain('NUCLEO-L4R5ZI');
  const manifest = JSON.parse(
    new TextDecoder().decode(files[Object.keys(files).find((f) => f.endsWith('/manifest.json'))!]),
  );
  expect(manifest.model.outputs[0].shape).toEqual([3]);

  // Nothing raw on screen, nothing in the console.
  await expect(page.locator('body')).not.toContainText(RAW_ERROR_TEXT);
  expect(consoleErrors).toEqual([]);
});
