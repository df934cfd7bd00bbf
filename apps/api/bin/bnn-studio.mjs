#!/usr/bin/env node
// Runs the built CLI (apps/api/dist). Build first: npm run build (or npm run build -w @bnn-studio/api).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('bnn-studio: apps/api is not built. Run: npm run build -w @bnn-studio/api');
  process.exit(1);
}
await import(main.href);
