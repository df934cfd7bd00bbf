/** Debian's headless Chromium with an esbuild bundle of one entry: used by the Chromium test and the bench. */
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Bundles `entry` (a file URL) for the page as an IIFE, resolving workspace packages to their sources. */
export async function bundleForBrowser(entry: URL): Promise<string> {
  const out = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    conditions: ['source'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** An HTML page running `script` inline. */
export function pageWithScript(script: string): string {
  return `<!doctype html><html><body><script>${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`;
}

/**
 * A route response serving `script` in a cross-origin isolated page (COOP/COEP): SharedArrayBuffer is available
 * and performance.now() keeps its fine resolution.
 */
export function isolatedPage(script: string) {
  return {
    status: 200,
    contentType: 'text/html',
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
    body: pageWithScript(script),
  };
}
