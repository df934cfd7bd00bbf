/**
 * `npm run bench`: binary kernels vs TensorFlow.js (wasm/XNNPACK and cpu) on the same shapes, side by side in
 * one run, plus achieved binary ops/s against a WASM popcount roofline measured here, two-thread speed-up and
 * whole-model latency of the presets, and the int8 ops (WASM vs their TS reference and tfjs-wasm float32, int8.ts). Writes <repo>/bench-results/kernels.json and prints a table.
 * Binary ops are counted as 2·M·N·K (LCE / daBNN convention). The timed binary conv includes packing its
 * float input and the output transform. The 3×3 conv cases also run in headless Chromium (browser.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BDenseOp } from '@bnn-studio/bnn-core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// @ts-expect-error: the WAT generator is plain JavaScript without type declarations
import { ROOFLINES as ROOFLINE_LOOPS } from '../../wasm/kernels.wat.mjs';
import { Rng } from '../test-support/random.js';
import { WasmBConv } from '../wasm/standalone.js';
import { browserConvCases } from './browser.js';
import { benchConvOp, CONV_SHAPES } from './cases.js';
import { int8Cases } from './int8.js';
import * as timing from './timing.js';
import { wholeModelCases } from './whole-model.js';

export interface BenchCase {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
const quick = process.argv.includes('--quick');

/** Best per-call time (ms) of `fn` (fewer, shorter rounds with --quick). */
export function timeMs(fn: () => void, rounds = quick ? 3 : 7, roundMs = quick ? 20 : 60): number {
  return timing.timeMs(fn, rounds, roundMs);
}

/** Best per-call times (ms) of several functions measured in alternating rounds. */
export function timeSideBySide(
  fns: (() => void)[],
  rounds = quick ? 5 : 25,
  roundMs = quick ? 20 : 30,
): number[] {
  return timing.timeSideBySide(fns, rounds, roundMs);
}

export async function useTf(backend: 'wasm' | 'cpu'): Promise<void> {
  if (backend === 'wasm' && !tf.findBackend('wasm')) {
    const require = createRequire(import.meta.url);
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  }
  await tf.setBackend(backend);
  await tf.ready();
}

/**
 * The roofline loops (register-only XOR → popcount → add chains, ROOFLINES in the WAT source), one call of
 * `iters` iterations each, to time beside the case; `best` turns their times into the best rate (G binary ops/s).
 */
function rooflines(k: WasmBConv, iters: number) {
  return {
    calls: ROOFLINES.map((r) => () => void k.exports[r.name](iters, 0x9e3779b97f4a7c15n)),
    best: (ms: number[]) => Math.max(...ROOFLINES.map((r, i) => (iters * r.bits * 2) / (ms[i]! * 1e6))),
  };
}

async function tfConvMs(backend: 'wasm' | 'cpu', n: number, h: number, c: number): Promise<number> {
  await useTf(backend);
  const x = tf.randomNormal([n, h, h, c]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
  const ms = timeMs(
    () => tf.conv2d(x, w, 1, 'same').dispose(),
    backend === 'cpu' ? 2 : undefined,
    backend === 'cpu' ? 1 : undefined,
  );
  x.dispose();
  w.dispose();
  return ms;
}

async function tfMatMulMs(backend: 'wasm' | 'cpu', m: number): Promise<number> {
  await useTf(backend);
  const a = tf.randomNormal([m, m]) as tf.Tensor2D;
  const b = tf.randomNormal([m, m]) as tf.Tensor2D;
  const ms = timeMs(
    () => tf.matMul(a, b).dispose(),
    backend === 'cpu' ? 1 : undefined,
    backend === 'cpu' ? 1 : undefined,
  );
  a.dispose();
  b.dispose();
  return ms;
}

type RooflineName = 'roofline_6x2' | 'roofline_4x4' | 'roofline_8x0';
const ROOFLINES = ROOFLINE_LOOPS as { name: RooflineName; i64s: number; v128s: number; bits: number }[];

const r2 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const cases: BenchCase[] = [];
  const push = (c: BenchCase) => {
    cases.push({
      ...c,
      value: r2(c.value),
      baselineValue: c.baselineValue === null ? null : r2(c.baselineValue),
      ratio: c.ratio === null ? null : r2(c.ratio),
    });
  };
  const rng = new Rng(2024);
  const probe = await WasmBConv.create(benchConvOp(32, rng), [4, 4, 32], 1);
  let roofMax = 0;

  const shapes = CONV_SHAPES;
  for (const batch of [1, 8]) {
    for (const [h, c] of shapes) {
      const label = `bconv 3x3 ${h}x${h}x${c}->${c} batch ${batch}`;
      const op = benchConvOp(c, rng);
      const conv = await WasmBConv.create(op, [h, h, c], batch);
      conv.setFloatInput(rng.floats(batch * h * h * c));
      const two = await WasmBConv.create(op, [h, h, c], batch, { threads: 2 });
      two.setFloatInput(rng.floats(batch * h * h * c));
      await useTf('wasm');
      const x = tf.randomNormal([batch, h, h, c]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
      const roof = rooflines(probe, 200_000);
      const [ours, wasmMs, twoMs, ...roofMs] = timeSideBySide([
        () => conv.step(),
        () => tf.conv2d(x, w, 1, 'same').dispose(),
        () => two.step(),
        ...roof.calls,
      ]) as [number, number, number, ...number[]];
      const caseRoof = roof.best(roofMs);
      roofMax = Math.max(roofMax, caseRoof);
      const ours2 = two.threads === 2 ? twoMs : null;
      two.dispose();
      x.dispose();
      w.dispose();
      const cpuMs = quick && batch > 1 ? null : await tfConvMs('cpu', batch, h, c);
      const ops = 2 * batch * h * h * c * c * 9;
      push({
        case: label,
        metric: 'ms per call, 1 thread (lower is better)',
        value: ours,
        unit: 'ms',
        baseline: 'tfjs-backend-wasm float32 conv2d (XNNPACK, 1 thread)',
        baselineValue: wasmMs,
        ratio: ours / wasmMs,
      });
      if (cpuMs !== null) {
        push({
          case: label,
          metric: 'ms per call, 1 thread (lower is better)',
          value: ours,
          unit: 'ms',
          baseline: 'tfjs-backend-cpu float32 conv2d',
          baselineValue: cpuMs,
          ratio: ours / cpuMs,
        });
      }
      push({
        case: label,
        metric: 'speed-up over tfjs-wasm float32 (higher is better)',
        value: wasmMs / ours,
        unit: 'x',
        baseline: null,
        baselineValue: null,
        ratio: null,
      });
      push({
        case: label,
        metric: 'achieved binary ops/s (higher is better)',
        value: ops / ours / 1e6,
        unit: 'Gop/s',
        baseline: 'WASM popcount roofline (measured side by side)',
        baselineValue: caseRoof,
        ratio: ops / ours / 1e6 / caseRoof,
      });
      if (ours2 !== null) {
        push({
          case: label,
          metric: 'ms per call, 2 threads (lower is better)',
          value: ours2,
          unit: 'ms',
          baseline: 'ours, 1 thread',
          baselineValue: ours,
          ratio: ours2 / ours,
        });
      }
      console.error(
        `${label}: ${ours.toFixed(3)} ms (2 threads ${ours2?.toFixed(3) ?? '-'}) vs tfjs-wasm ${wasmMs.toFixed(3)} ms (${(wasmMs / ours).toFixed(1)}x), tfjs-cpu ${cpuMs?.toFixed(1) ?? '-'} ms`,
      );
    }
  }

  // The same conv cases in Chromium (the studio's client-side engine runs there; its V8 is newer than Node's and
  // prefers other micro-kernels, which the 'auto' choice finds).
  for (const c of await browserConvCases(shapes, [1, 8], quick)) push(c);

  // Binary GEMM 1024³: bdense with 1024 rows; operands packed beforehand, output transform included.
  {
    const m = 1024;
    const op: BDenseOp = {
      op: 'bdense',
      sourceNode: 'gemm',
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
    const gemm = await WasmBConv.create(op, [m], m);
    gemm.setFloatInput(rng.floats(m * m));
    gemm.step();
    gemm.im2colOnly();
    const two = await WasmBConv.create(op, [m], m, { threads: 2 });
    two.setFloatInput(rng.floats(m * m));
    two.step();
    await useTf('wasm');
    const a = tf.randomNormal([m, m]) as tf.Tensor2D;
    const b = tf.randomNormal([m, m]) as tf.Tensor2D;
    const roofs = rooflines(probe, 1_000_000);
    const [ours, wasmMs, twoMs, ...roofMs] = timeSideBySide(
      [() => gemm.gemmOnly(), () => tf.matMul(a, b).dispose(), () => two.gemmOnly(), ...roofs.calls],
      quick ? 3 : 7,
      60,
    ) as [number, number, number, ...number[]];
    a.dispose();
    b.dispose();
    const roof = roofs.best(roofMs);
    roofMax = Math.max(roofMax, roof);
    const ours2 = two.threads === 2 ? twoMs : null;
    two.dispose();
    const cpuMs = quick ? null : await tfMatMulMs('cpu', m);
    const label = 'binary GEMM 1024x1024x1024';
    const ops = 2 * m * m * m;
    push({
      case: label,
      metric: 'ms per call, 1 thread (lower is better)',
      value: ours,
      unit: 'ms',
      baseline: 'tfjs-backend-wasm float32 matMul (XNNPACK, 1 thread)',
      baselineValue: wasmMs,
      ratio: ours / wasmMs,
    });
    if (cpuMs !== null)
      push({
        case: label,
        metric: 'ms per call, 1 thread (lower is better)',
        value: ours,
        unit: 'ms',
        baseline: 'tfjs-backend-cpu float32 matMul',
        baselineValue: cpuMs,
        ratio: ours / cpuMs,
      });
    push({
      case: label,
      metric: 'achieved binary ops/s (higher is better)',
      value: ops / ours / 1e6,
      unit: 'Gop/s',
      baseline: 'WASM popcount roofline (measured side by side)',
      baselineValue: roof,
      ratio: ops / ours / 1e6 / roof,
    });
    if (ours2 !== null)
      push({
        case: label,
        metric: 'ms per call, 2 threads (lower is better)',
        value: ours2,
        unit: 'ms',
        baseline: 'ours, 1 thread',
        baselineValue: ours,
        ratio: ours2 / ours,
      });
    console.error(
      `${label}: ${ours.toFixed(3)} ms vs tfjs-wasm ${wasmMs.toFixed(3)} ms, cpu ${cpuMs?.toFixed(1) ?? '-'} ms`,
    );
  }

  for (const c of await int8Cases({ timeSideBySide, useTf, quick })) push(c);
  for (const c of await wholeModelCases({ timeSideBySide, useTf, quick })) push(c);
  push({
    case: `popcount roofline (register-only XOR+popcount+add; best of ${ROOFLINES.map((r) => `${r.i64s} i64 + ${r.v128s} v128`).join(', ')} chains)`,
    metric: 'G binary-ops/s, best in this run (higher is better)',
    value: roofMax,
    unit: 'Gop/s',
    baseline: null,
    baselineValue: null,
    ratio: null,
  });

  const result = {
    package: '@bnn-studio/kernels',
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    cases,
  };
  const outDir = join(repoRoot, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'kernels.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.table(
    cases.map((c) => ({
      case: c.case,
      metric: c.metric,
      value: c.value,
      baseline: c.baseline,
      baselineValue: c.baselineValue,
      ratio: c.ratio,
    })),
  );
  console.log(`wrote ${join(outDir, 'kernels.json')}`);
}

await main();
process.exit(0);
