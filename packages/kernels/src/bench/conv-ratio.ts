// `npx tsx --conditions=source src/bench/conv-ratio.ts [h,c,batch ...]`: the 3×3 conv cases of the benchmark
// only (ours, 1 thread, vs tfjs-backend-wasm float32, alternating rounds) — for quick iteration on the kernels.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BConv2DOp } from '@bnn-studio/bnn-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../test-support/random.js';
import { WasmBConv } from '../wasm/standalone.js';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
await tf.setBackend('wasm');
await tf.ready();

function sideBySide(fns: (() => void)[], rounds = 25, roundMs = 30): number[] {
  const reps = fns.map((fn) => {
    fn();
    let n = 1;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      const dt = performance.now() - t;
      if (dt >= roundMs / 4) return Math.max(1, Math.round((n * roundMs) / dt));
      n *= 2;
    }
  });
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++)
    fns.forEach((fn, i) => {
      const t = performance.now();
      for (let k = 0; k < reps[i]!; k++) fn();
      best[i] = Math.min(best[i]!, (performance.now() - t) / reps[i]!);
    });
  return best;
}

const rng = new Rng(2024);
const args = process.argv.slice(2);
const cases = args.length
  ? args.map((a) => a.split(',').map(Number) as [number, number, number])
  : ([
      [32, 64, 1],
      [16, 128, 1],
      [8, 256, 1],
      [4, 512, 1],
      [32, 64, 8],
      [16, 128, 8],
      [8, 256, 8],
      [4, 512, 8],
    ] as [number, number, number][]);
for (const [h, c, batch] of cases) {
  const op: BConv2DOp = {
    op: 'bconv2d',
    sourceNode: 'bench',
    inputs: ['x'],
    outputs: ['y'],
    filter: rng.packed(c * 9, c),
    inChannels: c,
    outChannels: c,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'same',
    padValue: 1,
    transform: {
      kind: 'float',
      clamp: 'none',
      activation: 'none',
      multiplier: rng.floats(c),
      bias: rng.floats(c),
    },
  };
  const conv = await WasmBConv.create(op, [h, h, c], batch);
  conv.setFloatInput(rng.floats(batch * h * h * c));
  const x = tf.randomNormal([batch, h, h, c]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
  const [ours, theirs, pack, col, gemm] = sideBySide([
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
