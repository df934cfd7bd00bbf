import { expect, test } from '../fixtures/studio.js';
import {
  connectHandles,
  dragLayer,
  longFrames,
  longTasks,
  node,
  openComposer,
  trainDraftInBrowser,
} from './helpers.js';

// Journey (a): a new user builds a small BNN from the palette by drag-and-drop, trains it in the browser for one
// epoch on MNIST, and finds the run in the dashboard.
test.use({ viewport: { width: 1600, height: 1000 } });

test('build a BNN by drag-and-drop, train it in the browser, find the run', async ({ page }, testInfo) => {
  await openComposer(page);
  await expect(node(page, 'input')).toBeVisible();

  // The Input sits at the canvas' top-left; drop the layers in a 2 × 2 grid to its right.
  await dragLayer(page, 'Flatten', 440, 80);
  await dragLayer(page, 'Quant Dense', 440, 360);
  await dragLayer(page, 'BatchNormalization', 780, 80);
  await dragLayer(page, 'Softmax', 780, 360);
  for (const id of ['flatten_1', 'quant_dense_1', 'batch_normalization_1', 'softmax_1'])
    await expect(node(page, id)).toBeVisible();

  await connectHandles(page, 'input', 'flatten_1');
  await connectHandles(page, 'flatten_1', 'quant_dense_1');
  await connectHandles(page, 'quant_dense_1', 'batch_normalization_1');
  await connectHandles(page, 'batch_normalization_1', 'softmax_1');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  // Live analysis: the dense head outputs 10 classes, binary weights, no errors left.
  await expect(node(page, 'quant_dense_1').getByTestId('node-shape')).toHaveText('[10]');
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.screenshot({ path: testInfo.outputPath('a-composed.png'), fullPage: true });

  const runId = await trainDraftInBrowser(page, 1000);
  // Training runs in a Web Worker: record the page's long tasks (> 50 ms) while it trained.
  const tasks = await longTasks(page);
  testInfo.annotations.push({
    type: 'main-thread long tasks while training (ms)',
    description: JSON.stringify(tasks),
  });
  testInfo.annotations.push({
    type: 'long animation frames on the training page',
    description: JSON.stringify({
      trainStart: await page.evaluate(() =>
        Math.round((window as unknown as { __trainStart: number }).__trainStart),
      ),
      frames: await longFrames(page),
    }),
  });
  // Issue 7: the page stays responsive — no main-thread task over 50 ms while training (every 'longtask' entry
  // is one, so there must be none).
  expect(tasks, 'main-thread tasks over 50 ms while training').toEqual([]);
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  // The live charts drew the epoch and the per-batch loss.
  await expect(page.getByTestId('live-chart-loss')).toHaveAttribute('data-epoch-points', /^[1-9]/);
  await expect(page.getByTestId('live-chart-loss')).toHaveAttribute('data-batch-points', /^[1-9]/);
  await expect(page.getByTestId('live-chart-accuracy')).toHaveAttribute('data-epoch-points', /^[1-9]/);
  await page.screenshot({ path: testInfo.outputPath('a-trained.png'), fullPage: true });

  await page.goto('/experiments');
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('completed');
  await expect(row).toContainText('%');
  await page.screenshot({ path: testInfo.outputPath('a-dashboard.png'), fullPage: true });
  await row.getByRole('link').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  // The run page's final view charts the epoch with recharts.
  await expect(page.getByTestId('metric-charts').locator('.recharts-line-dot').first()).toBeVisible();
});
