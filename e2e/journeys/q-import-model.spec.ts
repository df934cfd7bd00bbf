import { writeFileSync } from 'node:fs';
import { lceInt8Bnn } from '../../packages/exporters/src/tflite/import/lce-fixtures.js';
import { expect, test } from '../fixtures/studio.js';
import { trainMnistTinyOnServer } from './helpers.js';

// Journey (q, issue #16 item 2): a Larq-style .tflite comes in through the "Import model" button. The file is the
// studio's own LCE-layout export of a briefly trained MNIST tiny (the same layout LCE's converter writes); the
// imported run shows its packed size, runs in the playground, exports an STM32L4 bundle with its flash/RAM/latency
// estimates, and — since its layers map onto studio layers — opens in the composer.
test('an imported .tflite runs, exports and opens in the composer', async ({ page, api }, testInfo) => {
  // A .tflite to import: MNIST tiny, trained for one short epoch on the server, exported for Arm (LCE ops).
  const sourceId = await trainMnistTinyOnServer(page, api, { seed: 4, name: 'tflite source' });
  const exported = await api.post(`/api/runs/${sourceId}/exports`, { data: { target: 'tflite-arm' } });
  expect(exported.status(), await exported.text()).toBeLessThan(300);
  const artifactId = (await exported.json()).artifact.id as string;
  const file = await api.get(`/api/artifacts/${artifactId}/download`);
  expect(file.status()).toBe(200);
  const tflite = testInfo.outputPath('larq-mnist-tiny.tflite');
  writeFileSync(tflite, await file.body());

  // Import it with the button on the dashboard: the run page opens.
  await page.goto('/experiments');
  await page.getByTestId('import-model-file').setInputFiles(tflite);
  await page.waitForURL(/\/experiments\/run\?id=run_/, { timeout: 60_000 });
  const runId = new URL(page.url()).searchParams.get('id')!;
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByText(/imported from larq-mnist-tiny\.tflite/)).toBeVisible();
  await expect(page.locator('dt:has-text("Packed size") + dd')).toHaveText(/\d+(\.\d+)? (B|KB|KiB|MB|MiB)/);
  await expect(page.getByTestId('imported-note')).toContainText('map onto studio layers');

  // It runs in the playground on the packed kernels.
  await page.getByRole('link', { name: 'Try it in the playground' }).click();
  await expect(page.getByTestId('playground-status')).toContainText('Ready: imported model', {
    timeout: 60_000,
  });
  const pad = page.getByTestId('drawpad');
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.85, { steps: 12 });
  await page.mouse.up();
  await expect(page.getByTestId('packed-prediction-top')).toHaveText(/^\d$/);

  // It exports an STM32L4 bundle, with the flash/RAM and latency estimates.
  await page.goto(`/experiments/run?id=${runId}`);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Export STM32L4 bundle and download/ }).click();
  const bundle = await download;
  expect(bundle.suggestedFilename()).toMatch(/\.zip$/);
  await expect(page.getByTestId('export-downloaded-stm32l4')).toHaveText('Built and downloaded.');
  await expect(page.getByTestId('memory-report').first()).toBeVisible();
  await expect(page.getByTestId('latency-report').first()).toContainText('per inference');
  await page.screenshot({ path: testInfo.outputPath('q-imported-run.png'), fullPage: true });

  // Its layers map onto studio layers: it opens in the composer, binary convolutions and all, without errors.
  await page.getByTestId('open-in-composer').click();
  await expect(page.getByTestId('composer')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
  expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(5);
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  await page.screenshot({ path: testInfo.outputPath('q-imported-in-composer.png'), fullPage: true });
});

// An LCE-layout int8 BNN whose int8 stem's weights are off the studio's per-channel grid: it imports and runs, but
// its run page says it does not open in the composer, naming the op and why.
test('an imported .tflite that does not map onto studio layers says why', async ({ page }, testInfo) => {
  const tflite = testInfo.outputPath('lce-int8-bnn.tflite');
  writeFileSync(tflite, lceInt8Bnn(7, false).bytes);
  await page.goto('/experiments');
  await page.getByTestId('import-model-file').setInputFiles(tflite);
  await page.waitForURL(/\/experiments\/run\?id=run_/, { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  const note = page.getByTestId('imported-note');
  await expect(note).toContainText('does not map onto studio layers');
  await expect(note).toContainText('deploy op 1 (int8_conv2d');
  await expect(note).toContainText("studio's grid");
  await expect(page.getByTestId('open-in-composer')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Try it in the playground' })).toBeVisible();
});
