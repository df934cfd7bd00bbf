// `npx tsx --conditions=source src/bench/int8-ratio.ts [--quick]`: the int8 op cases of the benchmark only (WASM
// kernels vs the TS reference and tfjs-backend-wasm float32, alternating rounds) — for quick iteration.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { int8Cases } from './int8.js';
import { timeSideBySide } from './timing.js';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
const useTf = async (backend: 'wasm' | 'cpu') => {
  await tf.setBackend(backend);
  await tf.ready();
};
const quick = process.argv.includes('--quick');
const cases = await int8Cases({ timeSideBySide, useTf, quick });
console.table(
  cases.map(({ case: c, baseline, value, baselineValue, ratio }) => ({
    c,
    baseline,
    value,
    baselineValue,
    ratio,
  })),
);
process.exit(0);
