import { defineConfig } from 'vitest/config';

// Tests import what users import: workspace packages resolve to their TypeScript sources.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
