import { threeClassZip } from '../fixtures/datasets.js';
import { expect, test } from '../fixtures/studio.js';
import { openComposer } from './helpers.js';

// Journey (i, issue #18 item 1): an MNIST preset (10 outputs) against a 3-class upload is caught before training —
// in the composer, in the train form and by the API (422 with the fix) — and fixed in one click; a browser run that
// stops in the page is recorded as failed with its real reason at once (not "running", then "abandoned").
test('class mismatch caught in composer, train form and API; one-click fix; browser failure reported', async ({
  page,
  api,
}, testInfo) => {
  const up = await api.post('/api/datasets', {
    multipart: {
      name: 'three digits (i)',
      kind: 'zip',
      file: { name: 'digits.zip', mimeType: 'application/zip', buffer: threeClassZip(30) },
    },
  });
  expect(up.status()).toBe(201);
  const dataset = (await up.json()).dataset as { id: string; numClasses: number };
  expect(dataset.numClasses).toBe(3);

  // Composer: the preset's 10 outputs against the newest upload's 3 classes.
  await openComposer(page);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  await page.getByLabel('Check the output against a dataset').selectOption(dataset.id);
  const check = page.getByTestId('composer-class-check');
  await expect(check.getByRole('alert')).toContainText('outputs 10 class scores');
  await expect(check.getByRole('button', { name: 'Set the output to 3 classes' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('i-composer-mismatch.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save architecture' }).click();
  await expect(page.getByTestId('composer-status')).toHaveText(/Saved .* as version 1/);
  const trainHref = await page.getByRole('link', { name: 'Train version 1' }).getAttribute('href');
  const versionId = new URL(trainHref!, 'http://x').searchParams.get('version')!;

  // API: 422 class_mismatch naming the layer and the value, nothing queued.
  const refused = await api.post('/api/runs', {
    data: {
      architectureVersionId: versionId,
      datasetId: dataset.id,
      config: { epochs: 1, batchSize: 16, seed: 1, optimizer: { id: 'adam' } },
      location: 'server',
    },
  });
  expect(refused.status()).toBe(422);
  const body = (await refused.json()).error;
  expect(body.code).toBe('class_mismatch');
  expect(body.fix).toMatch(/Set units of '.+' to 3/);

  // Train form: the same check, training disabled until the one-click fix.
  await page.goto(trainHref!);
  await expect(page.getByTestId('train-model-name')).toHaveText('MNIST tiny');
  await page.getByLabel('Train on').selectOption(dataset.id);
  const mismatch = page.getByTestId('class-mismatch');
  await expect(mismatch).toContainText('outputs 10 class scores');
  await expect(mismatch).toContainText('has 3 classes');
  await expect(page.getByRole('button', { name: 'Train on server' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Train in browser' })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('i-train-mismatch.png'), fullPage: true });
  await mismatch.getByRole('button', { name: 'Set the output to 3 classes' }).click();
  await expect(mismatch).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Train in browser' })).toBeEnabled();
  await expect(page.getByText('changed here, not saved')).toBeVisible();

  // A browser run left mid-training is failed at once with the reason the page gives.
  await page.getByLabel('Epochs', { exact: true }).fill('200');
  await page.getByRole('button', { name: 'Train in browser' }).click();
  await expect(page.getByTestId('batch-progress')).toBeVisible({ timeout: 120_000 });
  const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
  const runId = new URL(href!, 'http://x').searchParams.get('id')!;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Experiments' }).click();
  await expect
    .poll(async () => (await (await api.get(`/api/runs/${runId}`)).json()).run.status, { timeout: 15_000 })
    .toBe('failed');
  const run = (await (await api.get(`/api/runs/${runId}`)).json()).run;
  expect(run.error).toMatch(/^browser: Training stopped: the Train page was left/);
  expect(run.error).not.toMatch(/abandoned/);
  await page.goto(`/experiments/run?id=${runId}`);
  await expect(page.getByTestId('run-status')).toHaveText('failed');
  await page.screenshot({ path: testInfo.outputPath('i-run-failed.png'), fullPage: true });
});
