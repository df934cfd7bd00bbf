// The same package in headless Chromium (real browser, WASM SIMD, Workers + SharedArrayBuffer when
// cross-origin isolated) gives exactly the results it gives in Node.
import { describe, expect, it } from 'vitest';
import { type BrowserCheckResult, browserCheck } from '../test-support/browser-entry.js';
import { bundleForBrowser, isolatedPage, launchChromium } from '../test-support/chromium.js';

describe('runs in Chromium with the same results as in Node', () => {
  it('engine (1 and 2 threads) and fuzzed bconv2d match Node exactly', async () => {
    const script = await bundleForBrowser(new URL('../test-support/browser-entry.ts', import.meta.url));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // Served with COOP/COEP from a localhost origin, so the page is cross-origin isolated (SharedArrayBuffer).
      await page.route('http://localhost:9/**', (route) => route.fulfill(isolatedPage(script)));
      await page.goto('http://localhost:9/index.html');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      for (const threads of [1, 2] as const) {
        const inBrowser = (await page.evaluate(
          ([s, t]) => (globalThis as unknown as { browserCheck: typeof browserCheck }).browserCheck(s, t),
          [7, threads] as const,
        )) as BrowserCheckResult;
        const inNode = await browserCheck(7, threads);
        expect(inBrowser.threads).toBe(threads);
        expect(inBrowser.bconvMismatches).toBe(0);
        expect(inBrowser.wasm).toEqual(inNode.wasm);
        expect(inBrowser.reference).toEqual(inNode.wasm);
      }
    } finally {
      await browser.close();
    }
  });
});
