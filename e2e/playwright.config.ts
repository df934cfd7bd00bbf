import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

// The journeys run against the production build served exactly as `npm start` serves it (web + API on one
// origin), on a free port with a throw-away data directory. The runner evaluates this file first and its workers
// inherit the environment, so the port, data directory and token are chosen once.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

process.env.BNN_E2E_PORT ??= String(await freePort());
process.env.BNN_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'bnn-e2e-'));
process.env.BNN_E2E_TOKEN ??= `e2e-${Math.random().toString(36).slice(2)}`;
const port = Number(process.env.BNN_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: '.',
  testMatch: ['foundation/**/*.spec.ts', 'journeys/**/*.spec.ts'],
  outputDir: 'test-results/artifacts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  globalTeardown: './fixtures/global-teardown.ts',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: 'node apps/api/bin/bnn-studio.mjs serve --web apps/web',
    cwd: repoRoot,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      BNN_STUDIO_DATA: process.env.BNN_E2E_DATA,
      BNN_STUDIO_TOKEN: process.env.BNN_E2E_TOKEN,
      NEXT_TELEMETRY_DISABLED: '1',
      // Warnings and errors only: the per-request log would bury the test output.
      BNN_STUDIO_LOG_LEVEL: 'warn',
    },
  },
});
