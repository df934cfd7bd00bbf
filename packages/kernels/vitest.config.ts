import { defineConfig } from 'vitest/config';

// Tests import what users import: workspace packages resolve to their TypeScript sources.
// The global setup assembles the WASM kernels (src/generated) so `npx vitest run` works on a fresh checkout.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, globalSetup: ['./vitest.global-setup.ts'] },
});
