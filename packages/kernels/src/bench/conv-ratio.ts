// `npx tsx --conditions=source src/bench/conv-ratio.ts [h,c,batch ...]`: the 3×3 conv cases of the benchmark
// only (ours, 1 thread, vs tfjs-backend-wasm float32, alternating rounds) — for quick iteration on the kernels.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../test-support/random.js';
import { WasmBConv } from '../wasm/standalone.js';
import { benchConvOp, CONV_SHAPES } from './cases.js';
import { timeSideBySide } from './timing.js';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
await tf.setBackend('wasm');
await tf.ready();

const rng = new Rng(2024);
const args = process.argv.slice(2);
const cases = args.length
  ? args.map((a) => a.split(',').map(Number) as [number, number, number])
  : [1, 8].flatMap((batch) => CONV_SHAPES.map(([h, c]) => [h, c, batch] as [number, number, number]));
for (const [h, c, batch] of cases) {
  const op = benchConvOp(c, rng);
  const conv = await WasmBConv.create(op, [h, h, c], batch);
  conv.setFloatInput(rng.floats(batch * h * h * c));
  const x = tf.randomNormal([batch, h, h, c]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
  const [ours, theirs, pack, col, gemm] = timeSideBySide([
    () => conv.step(),
    () => tf.conv2d(x, w, 1, 'same').dispose(),
    () => conv.packOnly(),
    () => conv.im2colOnly(),
    () => conv.gemmOnly(),
  ]) as [number, number, number, number, number];
  const ops = 2 * batch * h * h * c * c * 9;
  console.log(
    `${h}x${h}x${c} b${batch}: ours ${(ours * 1000).toFixed(0)} us (pack ${(pack * 1000).toFixed(0)}, im2col ${(col * 1000).toFixed(0)}, gemm ${(gemm * 1000).toFixed(0)} = ${(ops / gemm / 1e6).toFixed(0)} G) | tfjs-wasm ${(theirs * 1000).toFixed(0)} us (${((ops / theirs) * 1e-6).toFixed(1)} GFLOP/s) | ${(theirs / ours).toFixed(1)}x [${conv.gemmKernel}]`,
  );
  x.dispose();
  w.dispose();
  conv.dispose();
}
process.exit(0);
