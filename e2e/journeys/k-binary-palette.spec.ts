import { expect, test } from '../fixtures/studio.js';
import { node, openComposer } from './helpers.js';

// Journey (k, issue #18 item 3): layers from the Binary heading start binary (ste_sign on input and kernel,
// weight_clip, one-padding), Larq's defaults are one click away, a binary-heading layer whose MACs are all float
// is flagged on the node, and so is a QuantDense feeding the output without a BatchNorm.
test('binary palette layers start binary; float MACs and a missing output BatchNorm are flagged', async ({
  page,
}, testInfo) => {
  await openComposer(page);
  await node(page, 'input').click();
  await page.getByRole('button', { name: 'Flatten', exact: true }).press('Enter');
  await page.getByRole('button', { name: 'Quant Dense', exact: true }).press('Enter');
  const dense = node(page, 'quant_dense_1');
  await expect(dense).toBeVisible();
  // Binary from the start: 1-bit arithmetic, binarised input and kernel.
  await expect(dense.locator('.bits')).toHaveText('1-bit');
  const props = page.getByTestId('properties');
  await expect(props.locator('[data-param="input_quantizer"] select').first()).toHaveValue('ste_sign');
  await expect(props.locator('[data-param="kernel_quantizer"] select').first()).toHaveValue('ste_sign');
  // It is the output layer and has no BatchNorm after it: the node warns, with the fix.
  await expect(dense.getByTestId('node-issues')).toContainText('without a BatchNormalization');
  await page.screenshot({ path: testInfo.outputPath('k-binary-default.png'), fullPage: true });

  // Larq's defaults (no quantizers): the MACs turn float and the node says so.
  await page.getByRole('button', { name: 'Larq defaults (no quantizers)' }).click();
  await expect(dense.locator('.bits')).toHaveText('32-bit');
  await expect(props.getByRole('list', { name: 'Problems with this layer' })).toContainText(
    'MACs run in float',
  );
  await page.screenshot({ path: testInfo.outputPath('k-larq-defaults.png'), fullPage: true });
  await page.getByRole('button', { name: 'Fully binary' }).click();
  await expect(dense.locator('.bits')).toHaveText('1-bit');
  await expect(props.getByRole('list', { name: 'Problems with this layer' })).not.toContainText(
    'MACs run in float',
  );

  // A BatchNorm after the dense output clears the warning.
  await page.getByRole('button', { name: 'BatchNormalization', exact: true }).press('Enter');
  await expect(node(page, 'batch_normalization_1')).toBeVisible();
  await expect(dense.getByTestId('node-issues')).toHaveCount(0);

  // A conv dropped on the canvas (not after the Input) starts fully binary with one-padding.
  await page.getByRole('button', { name: 'Quant Conv2D', exact: true }).dragTo(page.getByTestId('canvas'), {
    targetPosition: { x: 600, y: 120 },
  });
  await expect(node(page, 'quant_conv2d_1')).toBeVisible();
  await expect(props.locator('[data-param="input_quantizer"] select').first()).toHaveValue('ste_sign');
  await expect(props.locator('[data-param="pad_values"] select')).toHaveValue('1');
  await page.screenshot({ path: testInfo.outputPath('k-dropped-conv.png'), fullPage: true });
});
