import { expect, test } from '../fixtures/studio.js';
import { node, openComposer } from './helpers.js';

// Journey (c): an invalid connection and an invalid param show their errors on the node; a refused connection
// says why. Uses the keyboard path (palette buttons add a layer after the selected one).
test('invalid connections and params show their error and fix on the node', async ({ page }, testInfo) => {
  await openComposer(page);
  await node(page, 'input').click();
  await page.getByRole('button', { name: 'Flatten', exact: true }).press('Enter');
  await expect(node(page, 'flatten_1')).toBeVisible();
  // A 2-D convolution after Flatten gets a 1-D input: accepted, but the node shows the error and its fix.
  await page.getByRole('button', { name: 'Conv2D', exact: true }).press('Enter');
  const conv = node(page, 'conv2d_1');
  await expect(conv).toBeVisible();
  await expect(conv.locator('.layer-node')).toHaveClass(/has-error/);
  await expect(conv.getByTestId('node-issues')).toContainText('Error');
  await expect(conv.getByTestId('node-issues')).toContainText('Fix:');

  // Rewire the conv to the Input: the shape error goes away.
  await page.getByRole('button', { name: /Remove connection flatten_1 to conv2d_1/ }).click();
  await page.getByLabel('Connect input from').selectOption('input');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(conv.locator('.layer-node')).not.toHaveClass(/has-error/);

  // An invalid param: zero filters.
  const filters = page.getByLabel('filters', { exact: true });
  await filters.fill('0');
  await expect(page.locator('[data-param="filters"] .field-error')).toContainText(
    'must be between 1 and 4096',
  );
  await expect(conv.locator('.layer-node')).toHaveClass(/has-error/);
  await expect(conv.getByTestId('node-issues')).toContainText(/filters/i);
  await page.screenshot({ path: testInfo.outputPath('c-invalid-param.png'), fullPage: true });

  // A refused connection says why: conv2d_1 → input would feed the model input.
  await filters.fill('8');
  await expect(conv.locator('.layer-node')).not.toHaveClass(/has-error/);
  await node(page, 'flatten_1').click();
  await page.getByLabel('Connect input from').selectOption('conv2d_1');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByTestId('composer-status')).toContainText('takes one input');
  await page.screenshot({ path: testInfo.outputPath('c-refused.png'), fullPage: true });
});
