import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/studio.js';
import { openComposer } from './helpers.js';

// elkjs (the composer's auto-layout, ~1.5 MB of JavaScript) is an async chunk, downloaded only when the composer
// lays out a graph: not by other pages, and not by their prefetches of the composer route.

/** Records every JavaScript chunk the page downloads that holds elkjs (recognised by its Java package names). */
function watchElk(page: Page): { urls: string[]; settled(): Promise<void> } {
  const urls: string[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (r) => {
    if (!/\/_next\/static\/chunks\/.*\.js$/.test(new URL(r.url()).pathname)) return;
    pending.push(
      r.text().then(
        (text) => {
          if (text.includes('org.eclipse.elk')) urls.push(r.url());
        },
        () => undefined,
      ),
    );
  });
  return { urls, settled: async () => void (await Promise.all(pending)) };
}

test('elkjs loads only when the composer lays out a graph', async ({ page }) => {
  const elk = watchElk(page);
  for (const path of ['/', '/train', '/experiments', '/playground']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    // Hovering the nav link to the composer makes Next prefetch the composer route.
    await page.getByRole('link', { name: 'Composer', exact: true }).first().hover();
    await page.waitForLoadState('networkidle');
  }
  await elk.settled();
  expect(elk.urls).toEqual([]);

  // The composer itself does not need elkjs to open an empty draft …
  await openComposer(page);
  await page.waitForLoadState('networkidle');
  await elk.settled();
  expect(elk.urls).toEqual([]);

  // … but a preset has no canvas positions: the composer lays it out, fetching elkjs then.
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  const input = page.locator('.react-flow__node[data-id^="input"]');
  const head = page.locator('.react-flow__node[data-id^="softmax"]');
  await expect(head).toBeVisible();
  await expect
    .poll(async () => {
      await elk.settled();
      return elk.urls.length;
    })
    .toBe(1);
  // The nodes were placed top to bottom by the layered layout.
  await expect
    .poll(async () => {
      const top = await input.boundingBox();
      const bottom = await head.boundingBox();
      return top && bottom ? bottom.y - top.y : 0;
    })
    .toBeGreaterThan(200);
});
