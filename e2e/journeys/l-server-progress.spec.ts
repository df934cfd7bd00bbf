import { expect, test } from '../fixtures/studio.js';
import { openPresetForTraining } from './helpers.js';

// Journey (l, issue #18 item 4): a server run streams per-batch progress (batch N of M, loss) and an ETA over
// SSE from the first batch on; the Train page shows the finished run again after navigating away and back.
test('server run shows batch progress with an ETA; the finished run is still shown after coming back', async ({
  page,
}, testInfo) => {
  await openPresetForTraining(page, /^Open MNIST tiny/, 'MNIST tiny');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Training samples (browser, 0 = all)').fill('4000');
  await page.getByRole('button', { name: 'Train on server' }).click();
  const progress = page.getByTestId('batch-progress');
  // While it trains: batch N of M, the loss and the time left.
  await expect(progress).toContainText(
    /Epoch [12] of 2, batch \d+ of \d+ · loss \d+\.\d{4} · about .+ left/,
    {
      timeout: 120_000,
    },
  );
  await page.screenshot({ path: testInfo.outputPath('l-progress.png'), fullPage: true });
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  const runLink = await page.getByRole('link', { name: /^run_/ }).first().textContent();

  // Away and back: the finished run's view is still there.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Composer' }).click();
  await expect(page.getByTestId('composer')).toHaveAttribute('data-ready', 'true');
  await nav.getByRole('link', { name: 'Train' }).click();
  await expect(page.getByTestId('training-phase')).toHaveText('done');
  await expect(page.getByRole('link', { name: /^run_/ }).first()).toHaveText(runLink!);
  await expect(page.getByTestId('training-result')).toContainText('Test accuracy');
  await expect(page.getByTestId('live-chart-loss')).toHaveAttribute('data-epoch-points', /^[1-9]/);
  await page.screenshot({ path: testInfo.outputPath('l-back.png'), fullPage: true });
});
