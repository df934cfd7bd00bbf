import { expect, test } from '../fixtures/studio.js';
import { openComposer, trainDraftInBrowser } from './helpers.js';

// Journey (d): the playground predicts a drawn digit with the packed model (WASM kernels) and the tfjs float
// model beside it.
test('the playground predicts a drawn digit', async ({ page }, testInfo) => {
  await openComposer(page);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  const runId = await trainDraftInBrowser(page, 3000);

  await page.goto(`/playground?run=${runId}`);
  await expect(page.getByTestId('playground-status')).toContainText('Ready', { timeout: 60_000 });
  // Draw a "1": one vertical stroke.
  const pad = page.getByTestId('drawpad');
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.85, { steps: 12 });
  await page.mouse.up();

  const packed = page.getByTestId('packed-prediction-top');
  await expect(packed).toHaveText(/^\d$/);
  await expect(page.getByTestId('packed-prediction-latency')).toContainText('per inference');
  await expect(page.getByTestId('float-prediction-top')).toHaveText(/^\d$/, { timeout: 60_000 });
  // The packed engine and the float model binarise the same way: they agree on the class.
  await expect(page.getByTestId('agreement')).toHaveText(/agree\./);
  testInfo.annotations.push({ type: 'prediction', description: `packed=${await packed.textContent()}` });
  await page.screenshot({ path: testInfo.outputPath('d-playground.png'), fullPage: true });
});
