import { expect, test } from '../fixtures/studio.js';
import { openPresetForTraining } from './helpers.js';

// The WebGL training path of the production build. There is no GPU here, so "Automatic" trains on wasm (software
// WebGL is slower); choosing WebGL explicitly trains in the worker on Chromium's SwiftShader WebGL2 — the same
// tfjs-backend-webgl shaders a GPU runs (their parity with cpu is tested in apps/web's webgl.chromium.test.ts).
test('train a preset with the WebGL backend in the browser', async ({ page, api }, testInfo) => {
  await openPresetForTraining(page, /^Open MNIST tiny/, 'MNIST tiny');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples (browser, 0 = all)').fill('300');
  await page.getByLabel('Browser backend').selectOption('webgl');
  await page.getByRole('button', { name: 'Train in browser' }).click();
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  await expect(page.getByText('· backend webgl')).toBeVisible();
  await expect(page.getByTestId('training-log')).toContainText('TensorFlow.js backend: webgl');
  await page.screenshot({ path: testInfo.outputPath('h-webgl-trained.png'), fullPage: true });

  const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
  const runId = new URL(href!, 'http://x').searchParams.get('id')!;
  const run = (await (await api.get(`/api/runs/${runId}`)).json()).run;
  expect(run).toMatchObject({ status: 'completed', location: 'browser', epochsDone: 1, hasWeights: true });
  testInfo.annotations.push({
    type: 'test accuracy (webgl, 1 epoch, 300 samples)',
    description: String(run.finalAccuracy),
  });
  expect(run.finalAccuracy).toBeGreaterThan(0.15);
});
