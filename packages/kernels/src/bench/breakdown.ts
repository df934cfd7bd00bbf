// `npx tsx --conditions=source src/bench/breakdown.ts`: time of each stage of the binary conv (pack, im2col, GEMM).
import type { BConv2DOp } from '@bnn-studio/bnn-core';
import { Rng } from '../test-support/random.js';
import { WasmBConv } from '../wasm/standalone.js';

function best(fn: () => void, reps: number, rounds = 40): number {
  let b = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) fn();
    b = Math.min(b, (performance.now() - t) / reps);
  }
  return b;
}
const rng = new Rng(1);
for (const [h, c, batch] of [
  [32, 64, 1],
  [16, 128, 1],
  [8, 256, 1],
  [4, 512, 1],
] as const) {
  const op: BConv2DOp = {
    op: 'bconv2d',
    sourceNode: 'n',
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
      multiplier: rng.floats(c),
      bias: rng.floats(c),
      activation: 'none',
    },
  };
  const wb = await WasmBConv.create(op, [h, h, c], batch);
  wb.setFloatInput(rng.floats(batch * h * h * c));
  for (let i = 0; i < 300; i++) wb.step();
  const tPack = best(() => wb.packOnly(), 10);
  const tCol = best(() => wb.im2colOnly(), 10);
  const tGemm = best(() => wb.gemmOnly(), 5);
  const tAll = best(() => wb.step(), 5);
  const ops = 2 * batch * h * h * c * c * 9;
  console.log(
    `${h}x${h}x${c} b${batch}: pack ${(tPack * 1000).toFixed(1)}us im2col ${(tCol * 1000).toFixed(1)}us gemm ${(tGemm * 1000).toFixed(1)}us (${(ops / tGemm / 1e6).toFixed(0)} G) total ${(tAll * 1000).toFixed(1)}us (${(ops / tAll / 1e6).toFixed(0)} G)`,
  );
}
{
  const m = 1024;
  const op: import('@bnn-studio/bnn-core').BDenseOp = {
    op: 'bdense',
    sourceNode: 'g',
    inputs: ['x'],
    outputs: ['y'],
    filter: rng.packed(m, m),
    inChannels: m,
    outChannels: m,
    transform: {
      kind: 'float',
      clamp: 'none',
      activation: 'none',
      multiplier: rng.floats(m),
      bias: rng.floats(m),
    },
  };
  const g = await WasmBConv.create(op, [m], m);
  g.setFloatInput(rng.floats(m * m));
  g.step();
  const t = best(() => g.gemmOnly(), 1, 20);
  console.log(`gemm 1024^3: ${t.toFixed(2)} ms (${((2 * m ** 3) / t / 1e6).toFixed(0)} G)`);
}
