import { expect, test } from '../fixtures/studio.js';
import { node, openComposer } from './helpers.js';

// Journey (n, issue #18 item 6): kernel_size as one integer; a node with an error stays clear of the node below;
// the Larq layer table opens wide, uncut; the Train page's model picker; projects in the UI; the dashboard's size
// axis fitted to the runs with the far budget as an edge marker.
test('composer: kernel_size 5, an error never covers the next node, the layer table opens wide', async ({
  page,
}, testInfo) => {
  await openComposer(page);
  await node(page, 'input').click();
  await page.getByRole('button', { name: 'Quant Conv2D', exact: true }).press('Enter');
  const kernel = page.getByLabel('kernel_size', { exact: true });
  await kernel.fill('5');
  await expect(page.locator('[data-param="kernel_size"] .field-error')).toHaveCount(0);
  await expect(node(page, 'quant_conv2d_1').getByTestId('node-shape')).toHaveText('[24×24×32]');
  // Its only problem is the missing classifier head, not the kernel size.
  await expect(node(page, 'quant_conv2d_1').getByTestId('node-issues')).not.toContainText('kernel_size');
  await expect(node(page, 'quant_conv2d_1').getByTestId('node-issues')).toContainText('no output head');

  // A preset with an error in a middle layer: the erroring node ends above the next one.
  await page.getByRole('button', { name: 'Presets' }).click();
  // A documented accuracy says which first/last layers it was measured with (issue 14: presets ship them int8).
  await expect(page.getByTestId('preset-accuracy-larq-mnist')).toContainText('same graph as shipped');
  await expect(page.getByTestId('preset-accuracy-xnornet-small')).toContainText(
    'measured with float32 first/last layers, not the int8 first/last layers this preset ships with',
  );
  await expect(page.getByTestId('preset-accuracy-quicknet-96')).toContainText(
    'measured with the int8 first/last layers it ships with; float32 first/last version 98.25% (+0.10 points)',
  );
  await page.getByRole('button', { name: /^Open Larq MNIST/ }).click();
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  const first = page.locator('.react-flow__node').filter({ hasText: 'QuantConv2D' }).first();
  await first.click();
  await page.getByLabel('kernel_size', { exact: true }).fill('40');
  await expect(first.locator('.layer-node')).toHaveClass(/has-error/);
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return {
        top: r.top,
        bottom: r.bottom,
        left: r.left,
        right: r.right,
        error: !!e.querySelector('.has-error'),
      };
    }),
  );
  for (const a of boxes.filter((b) => b.error))
    for (const b of boxes)
      if (b !== a && b.left < a.right && a.left < b.right && b.top > a.top)
        expect(a.bottom, 'an erroring node overlaps the node below it').toBeLessThanOrEqual(b.top);
  await page.screenshot({ path: testInfo.outputPath('n-node-error.png'), fullPage: true });
  await page.getByRole('button', { name: 'Undo' }).click();

  await page.getByText('Layer table (Larq-style)').click();
  await page.getByRole('button', { name: 'Open the layer table wide' }).click();
  const wide = page.getByTestId('larq-summary-wide');
  await expect(wide).toBeVisible();
  const fits = await wide.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
  expect(fits, 'the layer table is cut off').toBe(true);
  await page.screenshot({ path: testInfo.outputPath('n-layer-table.png') });
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
});

test('train page model picker, projects, and the dashboard size axis', async ({ page, api }, testInfo) => {
  // Projects: create one in the UI; the train form files runs under it.
  await page.goto('/projects');
  await page.getByLabel('New project name').fill('Digits (n)');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByTestId('project-list').getByRole('heading', { name: 'Digits (n)' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('n-projects.png'), fullPage: true });
  const project = (await (await api.get('/api/projects')).json()).projects.find(
    (p: { name: string }) => p.name === 'Digits (n)',
  );

  // Model picker: presets (and saved architectures) without going through the composer.
  await page.goto('/train');
  await page.getByLabel('Model to train').selectOption({ label: 'MNIST tiny (< 16 KiB)' });
  await expect(page.getByTestId('train-model-name')).toHaveText('MNIST tiny');
  await expect(page.getByText('· preset ·')).toBeVisible();
  await page.getByLabel('Project').selectOption({ label: 'Digits (n)' });
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples (browser, 0 = all)').fill('300');
  await page.getByRole('button', { name: 'Train on server' }).click();
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  await page.screenshot({ path: testInfo.outputPath('n-picker.png'), fullPage: true });
  const runs = (await (await api.get(`/api/runs?projectId=${project.id}`)).json()).runs;
  expect(runs).toHaveLength(1);

  // Dashboard: a ~15 KiB run against the 2 MiB flash budget → the axis fits the run, the budget is an edge marker.
  await page.goto('/experiments');
  const scatter = page.getByTestId('runs-scatter');
  await expect(scatter.locator('figcaption')).toHaveAttribute('data-budget-edge', 'right');
  await expect(scatter).toContainText('flash budget 2.00 MiB →');
  await page.screenshot({ path: testInfo.outputPath('n-dashboard.png'), fullPage: true });
});
