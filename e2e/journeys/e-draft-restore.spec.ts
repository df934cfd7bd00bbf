import { expect, test } from '../fixtures/studio.js';
import { node, openComposer } from './helpers.js';

// Journey (e): reload mid-edit restores the draft (IndexedDB), including params and positions.
test('a reload mid-edit restores the draft', async ({ page }, testInfo) => {
  await openComposer(page);
  await node(page, 'input').click();
  await page.getByRole('button', { name: 'Quant Conv2D', exact: true }).press('Enter');
  await page.getByRole('button', { name: 'MaxPool2D', exact: true }).press('Enter');
  await node(page, 'quant_conv2d_1').click();
  await page.getByLabel('filters', { exact: true }).fill('48');
  await expect(node(page, 'max_pool2d_1').getByTestId('node-shape')).toHaveText('[13×13×48]');
  const before = await node(page, 'max_pool2d_1').boundingBox();
  await expect(page.locator('html')).toHaveAttribute('data-draft', 'saved'); // written 150 ms after the last edit

  await page.reload();
  await expect(page.getByTestId('composer')).toHaveAttribute('data-ready', 'true');
  await expect(node(page, 'quant_conv2d_1')).toBeVisible();
  await expect(node(page, 'max_pool2d_1').getByTestId('node-shape')).toHaveText('[13×13×48]');
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await node(page, 'quant_conv2d_1').click();
  await expect(page.getByLabel('filters', { exact: true })).toHaveValue('48');
  expect(before).not.toBeNull();
  await page.screenshot({ path: testInfo.outputPath('e-restored.png'), fullPage: true });

  // Undo still works after the reload for the next edit.
  await page.getByRole('button', { name: 'Delete layer' }).click();
  await expect(node(page, 'quant_conv2d_1')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'quant_conv2d_1')).toBeVisible();
});
