/**
 * The Chromium leg of `npm run bench`: the same 3×3 binary conv cases run in headless Chromium (Debian's
 * /usr/bin/chromium, the browser the studio's client-side engine runs in), ours vs tfjs-backend-wasm float32
 * in the same page. The page is bundled with esbuild and served, with tfjs-backend-wasm's own .wasm files,
 * from an intercepted localhost origin (nothing is fetched from the network).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundleForBrowser, CHROMIUM, isolatedPage, launchChromium } from '../test-support/chromium.js';
import type { BrowserConvResult } from './browser-entry.js';
import type { BenchCase } from './index.js';

const ORIGIN = 'http://localhost:9';

export async function browserConvCases(
  shapes: [number, number][],
  batches: number[],
  quick: boolean,
): Promise<BenchCase[]> {
  if (!existsSync(CHROMIUM)) {
    console.error(
      `Chromium leg skipped: ${CHROMIUM} not found (npm test installs Debian's chromium as root).`,
    );
    return [];
  }
  const require = createRequire(import.meta.url);
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
  const script = await bundleForBrowser(new URL('./browser-entry.ts', import.meta.url));
  const browser = await launchChromium();
  try {
    const version = browser.version();
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path.startsWith('/tfjs/') && path.endsWith('.wasm')) {
        const file = join(wasmDir, path.slice('/tfjs/'.length).replace(/[^\w.-]/g, ''));
        return route.fulfill({ status: 200, contentType: 'application/wasm', body: readFileSync(file) });
      }
      // cross-origin isolated, so performance.now() has its fine resolution (the 'auto' kernel choice times calls)
      return route.fulfill(isolatedPage(script));
    });
    await page.goto(`${ORIGIN}/index.html`);
    const cases: [number, number, number][] = batches.flatMap((b) =>
      shapes.map(([h, c]) => [h, c, b] as [number, number, number]),
    );
    const results = (await page.evaluate(
      ([c, q]) =>
        (
          globalThis as unknown as {
            benchConvInPage: (c: unknown, p: string, q: boolean) => Promise<unknown>;
          }
        ).benchConvInPage(c, '/tfjs/', q),
      [cases, quick] as const,
    )) as BrowserConvResult[];
    return results.flatMap((r) => {
      const label = `bconv 3x3 ${r.h}x${r.h}x${r.c}->${r.c} batch ${r.batch}, in Chromium ${version}`;
      console.error(
        `${label}: ${r.oursMs.toFixed(3)} ms [${r.gemmKernel}] vs tfjs-wasm ${r.tfjsMs.toFixed(3)} ms (${(r.tfjsMs / r.oursMs).toFixed(1)}x)`,
      );
      return [
        {
          case: label,
          metric: 'ms per call, 1 thread (lower is better)',
          value: r.oursMs,
          unit: 'ms',
          baseline: 'tfjs-backend-wasm float32 conv2d (XNNPACK, SIMD, 1 thread) in the same page',
          baselineValue: r.tfjsMs,
          ratio: r.oursMs / r.tfjsMs,
        },
        {
          case: label,
          metric: `speed-up over tfjs-wasm float32 (higher is better; micro-kernel ${r.gemmKernel})`,
          value: r.tfjsMs / r.oursMs,
          unit: 'x',
          baseline: null,
          baselineValue: null,
          ratio: null,
        },
      ];
    });
  } finally {
    await browser.close();
  }
}
