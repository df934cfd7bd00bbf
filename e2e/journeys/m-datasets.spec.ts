import { threeClassZip } from '../fixtures/datasets.js';
import { expect, test } from '../fixtures/studio.js';

// Journey (m, issue #18 item 5): a dataset page with class counts, the train/test split per class and a seeded
// split-ratio control, a sample grid per class; and camera capture into a new dataset (Chromium's fake camera).
test.use({
  permissions: ['camera'],
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  },
});

test('dataset page: counts, split control, samples per class', async ({ page, api }, testInfo) => {
  const up = await api.post('/api/datasets', {
    multipart: {
      name: 'three digits (m)',
      kind: 'zip',
      file: { name: 'digits.zip', mimeType: 'application/zip', buffer: threeClassZip(40) },
    },
  });
  expect(up.status()).toBe(201);
  const id = (await up.json()).dataset.id as string;

  await page.goto('/datasets');
  await page.getByTestId('dataset-list').getByRole('link', { name: 'three digits (m)' }).click();
  await expect(page.getByRole('heading', { name: 'three digits (m)', level: 1 })).toBeVisible();
  const table = page.getByTestId('class-counts');
  await expect(table.getByRole('row', { name: /^zero 40 32 8$/ })).toBeVisible({ timeout: 60_000 });
  await expect(table.getByRole('row', { name: /^one 40 32 8$/ })).toBeVisible();
  await expect(page.getByTestId('samples-two').getByRole('img')).toHaveCount(8);
  await page.screenshot({ path: testInfo.outputPath('m-dataset.png'), fullPage: true });

  // A 50 % split with seed 3: previewed, then saved for later runs.
  await page.getByLabel('Test fraction (per class)').fill('0.5');
  await page.getByLabel('Split seed').fill('3');
  await expect(table.getByRole('row', { name: /^zero 40 20 20$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Save split' }).click();
  await expect(page.getByTestId('split-saved')).toContainText('50 % of each class for testing, seed 3');
  const saved = (await (await api.get(`/api/datasets/${id}`)).json()).dataset;
  expect(saved.options.split).toEqual({ testFraction: 0.5, seed: 3 });
  await page.screenshot({ path: testInfo.outputPath('m-split.png'), fullPage: true });
});

test('camera capture: two classes from the fake camera become an uploaded dataset', async ({
  page,
}, testInfo) => {
  await page.goto('/datasets');
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect(page.getByRole('button', { name: 'Camera on' })).toBeDisabled();
  await page.getByLabel('Class 1 name').fill('thumbs_up');
  await page.getByLabel('Class 2 name').fill('thumbs_down');
  for (const [k, name] of [
    [0, 'thumbs_up'],
    [1, 'thumbs_down'],
  ] as const)
    for (let i = 1; i <= 3; i++) {
      await page.getByRole('button', { name: `Capture ${name}` }).click();
      await expect(page.getByTestId(`capture-count-${k}`)).toHaveText(`${i} image(s)`);
    }
  await page.getByLabel('Dataset name', { exact: true }).fill('camera (m)');
  await page.screenshot({ path: testInfo.outputPath('m-camera.png'), fullPage: true });
  await page.getByRole('button', { name: 'Upload as a dataset' }).click();
  await expect(page.getByTestId('camera-upload-confirmation')).toContainText(
    'Uploaded “camera (m)”: 6 samples in 2 classes',
  );
  await page.getByTestId('camera-upload-confirmation').getByRole('link', { name: 'See its samples' }).click();
  await expect(page.getByTestId('samples-thumbs_up').getByRole('img')).toHaveCount(3, { timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath('m-camera-dataset.png'), fullPage: true });
});
