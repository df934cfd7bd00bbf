import { defineConfig } from 'vitest/config';

// Tests import what users import: workspace packages resolve to their TypeScript sources.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // SQLite files and the shared Postgres are per-file; run files one at a time to keep 2 cores usable.
    fileParallelism: false,
  },
});
