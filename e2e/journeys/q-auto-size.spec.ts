import { expect, test } from '../fixtures/studio.js';

// Journey (q): start a small auto-size search in the page, watch candidates arrive over SSE, open the best one and
// export it (the best candidate is an ordinary run).
test('auto-size: start a small search, watch candidates, open the best, export it', async ({
  page,
  api,
}, testInfo) => {
  await page.goto('/autosize');
  await expect(page.getByRole('heading', { name: 'Auto-size' })).toBeVisible();
  // The architecture family is a visible choice: each family brings its own presets to start from.
  const family = page.getByLabel('Family');
  await expect(family).toHaveValue('mnist-trunk');
  await family.selectOption('quicknet');
  await expect(page.getByTestId('family-summary')).toContainText('quicknet-28');
  await expect(page.getByLabel('Start from').locator('option', { hasText: 'quicknet-28' })).toHaveCount(1);
  await family.selectOption('mnist-trunk');
  await expect(page.getByTestId('family-summary')).toContainText('mnist-tiny');
  await page.getByLabel('Weights (KiB)').fill('4');
  await page.getByLabel('Candidates').check();
  await page.getByLabel('Limit', { exact: true }).fill('2');
  await page.getByLabel('Samples per candidate').fill('256');
  await page.getByText('Search space (editable)').click();
  await page.getByLabel('Search space', { exact: true }).fill(
    JSON.stringify({
      widths: [[0.25], [0.25, 0.5], [0.25], [0.25]],
      depths: [1],
      hidden: [0],
      firstLayer: ['float'],
      quantizers: ['ste_sign'],
      maxEpochs: 1,
    }),
  );
  await page.getByRole('button', { name: 'Start search' }).click();

  const view = page.getByTestId('search-view');
  await expect(view).toBeVisible();
  // Candidates arrive live (SSE) while the search runs.
  await expect(page.getByTestId('candidate-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('search-status')).toHaveText('completed', { timeout: 170_000 });
  await expect(page.getByTestId('candidate-row')).toHaveCount(2);
  await expect(page.getByTestId('search-chart')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('q-search.png'), fullPage: true });

  const best = page.getByTestId('search-best').getByRole('link', { name: /^run run_/ });
  const href = await best.getAttribute('href');
  const runId = new URL(href!, 'http://x').searchParams.get('id')!;
  await best.click();
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await page.getByRole('button', { name: 'Export STM32L4 bundle' }).click();
  const result = page.getByTestId('export-result-stm32l4');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('memory-report')).toBeVisible();

  const searches = (await (await api.get('/api/searches')).json()).searches;
  expect(searches[0].best.runId).toBe(runId);
  expect(searches[0].best.packedBytes).toBeLessThanOrEqual(4096);
});
