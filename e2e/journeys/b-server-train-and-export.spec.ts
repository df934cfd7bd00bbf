import { unzipSync } from 'fflate';
import { expect, test } from '../fixtures/studio.js';
import { openComposer } from './helpers.js';

// Journey (b): train a preset on the server, watch the live curve, export the STM32L4 bundle; the downloaded zip
// holds a manifest that matches the run.
test('train a preset on the server, export the STM32L4 bundle', async ({ page, api }, testInfo) => {
  await openComposer(page);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  await page.getByRole('button', { name: 'Save architecture' }).click();
  await expect(page.getByTestId('composer-status')).toHaveText(/Saved .* as version 1/);
  await page.getByRole('link', { name: 'Train version 1' }).click();

  await expect(page.getByTestId('train-model-name')).toHaveText('MNIST tiny');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Training samples (browser, 0 = all)').fill('1000');
  await page.getByRole('button', { name: 'Train on server' }).click();
  // The live view fills from the server's SSE stream: a curve appears, then the run completes.
  await expect(page.getByTestId('live-chart-loss')).toHaveAttribute('data-epoch-points', /^[1-9]/, {
    timeout: 150_000,
  });
  await page.screenshot({ path: testInfo.outputPath('b-live.png'), fullPage: true });
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });

  const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
  const runId = new URL(href!, 'http://x').searchParams.get('id')!;
  await page.goto(`/experiments/run?id=${runId}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('metric-charts').locator('.recharts-line-dot').first()).toBeVisible();

  await page.getByRole('button', { name: 'Export STM32L4 bundle' }).click();
  const result = page.getByTestId('export-result-stm32l4');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('memory-report')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('b-export.png'), fullPage: true });

  const downloadPromise = page.waitForEvent('download');
  await result.getByRole('link', { name: /^Download / }).click();
  const download = await downloadPromise;
  const path = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(path);
  const { readFileSync } = await import('node:fs');
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const manifestName = Object.keys(files).find((f) => f === 'manifest.json' || f.endsWith('/manifest.json'));
  expect(manifestName, `zip holds ${Object.keys(files).join(', ')}`).toBeTruthy();
  const manifest = JSON.parse(new TextDecoder().decode(files[manifestName!]));

  const run = (await (await api.get(`/api/runs/${runId}`)).json()).run;
  expect(manifest.provenance.runId).toBe(runId);
  expect(manifest.provenance.dataset).toBe(run.datasetId);
  expect(manifest.provenance.accuracy).toBeCloseTo(run.finalAccuracy, 6);
  expect(manifest.model.input.shape).toEqual([28, 28, 1]);
  expect(manifest.model.outputs[0].shape).toEqual([10]);
  expect(manifest.memory.flashBytes).toBeLessThanOrEqual(manifest.memory.flashLimitBytes);
});
