// Seeded fuzzing: the WASM SIMD kernels must equal the TypeScript reference bit for bit. A failing case
// reports its seed; add it to REGRESSION_SEEDS so it is checked first forever after.
import type { BConv2DOp, BDenseOp, DeployGraph, DeployOp, OutputTransform } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the WAT generator is plain JavaScript without type declarations
import { GEMM_VARIANTS as WAT_GEMM_VARIANTS } from '../../wasm/kernels.wat.mjs';
import { packedWords } from '../bitpack.js';
import { createEngine } from '../engine/engine.js';
import { convGeometry } from '../geometry.js';
import { bconv2dReference, bdenseReference } from '../reference/binary.js';
import { conv3x3Op } from '../test-support/ops.js';
import { Rng } from '../test-support/random.js';
import { GEMM_ROWS, GEMM_VARIANTS, type GemmChoice, gemmFits } from './binary-ops.js';
import { WasmBConv } from './standalone.js';

const REGRESSION_SEEDS: number[] = [];
const BCONV_CASES = 2500;
/**
 * Cases run again with each other micro-kernel forced (bgemm runs the BCONV_CASES; rows are padded to whole
 * unrolled iterations).
 */
const UNROLLED_CASES = 400;
const UNROLLED = GEMM_VARIANTS.filter((v) => v !== 'bgemm' && !GEMM_ROWS[v].exact);
/** Micro-kernels that take one row length only (rows up to it are padded to it; longer ones are refused). */
const EXACT = GEMM_VARIANTS.filter((v) => GEMM_ROWS[v].exact);

function randomTransform(rng: Rng, cout: number, k: number, kind: 'float' | 'bitpacked'): OutputTransform {
  if (kind === 'bitpacked') {
    const thresholds = Int32Array.from({ length: cout }, () => {
      const r = rng.next();
      if (r < 0.05) return -(2 ** 31);
      if (r < 0.1) return 2 ** 31 - 1;
      return rng.int(-2, k + 2);
    });
    return { kind: 'bitpacked', thresholds };
  }
  return {
    kind: 'float',
    clamp: rng.dotClamp(),
    activation: rng.pick(['none', 'relu'] as const),
    multiplier: rng.floats(cout, 2),
    bias: rng.floats(cout, 3),
  };
}

/** A random valid bconv2d case: odd sizes, channels around multiples of 32, strides/dilations, all paddings. */
function bconvCase(seed: number) {
  const rng = new Rng(seed);
  for (;;) {
    const h = rng.int(1, 11);
    const w = rng.int(1, 11);
    const cin = rng.pick([1, 3, 31, 32, 33, 63, 64, 65, 96, 100, 128, 130, rng.int(1, 300)]);
    const cout = rng.pick([1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 40, 64, rng.int(1, 70)]);
    const k = rng.pick([1, 3, 5]);
    const kernel: [number, number] = rng.next() < 0.85 ? [k, k] : [rng.int(1, 5), rng.int(1, 5)];
    const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
    const dilations: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
    const padding = rng.pick(['valid', 'same'] as const);
    const padValue = padding === 'same' ? rng.pick([0, 1] as const) : 1;
    const g = convGeometry(h, w, kernel, strides, dilations, padding);
    if (g.outH < 1 || g.outW < 1) continue;
    const kind = padValue === 0 ? 'float' : rng.pick(['float', 'bitpacked'] as const);
    const batch = rng.pick([1, 1, 2, 3]);
    const op: BConv2DOp = {
      op: 'bconv2d',
      sourceNode: `fuzz${seed}`,
      inputs: ['x'],
      outputs: ['y'],
      filter: rng.packed(cout * kernel[0] * kernel[1], cin),
      inChannels: cin,
      outChannels: cout,
      kernel,
      strides,
      dilations,
      padding,
      padValue,
      transform: randomTransform(rng, cout, kernel[0] * kernel[1] * cin, kind),
    };
    return { op, h, w, batch, input: rng.packed(batch * h * w, cin) };
  }
}

function expectSame(got: Float32Array | Int32Array, want: Float32Array | Int32Array, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      expect.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]}`);
    }
  }
}

async function checkBConvSeed(seed: number, gemm: GemmChoice = 'bgemm'): Promise<void> {
  const { op, h, w, batch, input } = bconvCase(seed);
  const wasm = await WasmBConv.create(op, [h, w, op.inChannels], batch, { gemm });
  const got = wasm.runPacked(input);
  const inWords = h * w * packedWords(op.inChannels);
  const parts = [];
  for (let b = 0; b < batch; b++)
    parts.push(bconv2dReference(input.subarray(b * inWords, (b + 1) * inWords), h, w, op));
  const want = op.transform.kind === 'float' ? new Float32Array(got.length) : new Int32Array(got.length);
  parts.forEach((p, b) => {
    want.set(p, b * p.length);
  });
  const { filter: _f, transform: _t, ...shape } = op;
  expectSame(
    got,
    want,
    `bconv2d seed ${seed} ${gemm} ${JSON.stringify({ h, w, batch, kind: op.transform.kind, ...shape })}`,
  );
}

describe('WASM binary kernels equal the reference bit for bit', () => {
  it('regression seeds', async () => {
    for (const seed of REGRESSION_SEEDS) await checkBConvSeed(seed);
  });

  it(`bconv2d on ${BCONV_CASES} random cases (both output kinds, all paddings, strides, dilations)`, async () => {
    for (let seed = 1; seed <= BCONV_CASES; seed++) await checkBConvSeed(seed);
  });

  it(`bconv2d on ${UNROLLED_CASES} random cases with each unrolled micro-kernel forced`, async () => {
    for (const gemm of UNROLLED) {
      for (let seed = 1; seed <= UNROLLED_CASES; seed++) await checkBConvSeed(seed, gemm);
    }
  });

  it(`bconv2d with each exact-row micro-kernel forced, on random cases whose rows fit (up to ${UNROLLED_CASES})`, async () => {
    for (const gemm of EXACT) {
      let run = 0;
      for (let seed = 1; run < UNROLLED_CASES && seed <= BCONV_CASES; seed++) {
        const { op } = bconvCase(seed);
        const steps = Math.ceil((op.kernel[0] * op.kernel[1] * packedWords(op.inChannels)) / 2);
        if (steps > GEMM_ROWS[gemm].unroll) continue;
        await checkBConvSeed(seed, gemm);
        run++;
      }
      expect(run, gemm).toBe(UNROLLED_CASES);
    }
  });

  it('refuses to force an exact-row micro-kernel on longer rows, naming the fix', async () => {
    const rng = new Rng(9);
    const op = conv3x3Op(rng, 128, 8, randomTransform(rng, 8, 9 * 128, 'float'));
    for (const gemm of EXACT)
      await expect(WasmBConv.create(op, [4, 4, 128], 1, { gemm })).rejects.toThrow(
        /at most \d+ steps.*'auto'/s,
      );
  });

  it("the runtime's row table matches the micro-kernels the WAT source builds", () => {
    expect(
      Object.fromEntries(
        WAT_GEMM_VARIANTS.map((v: { name: string; unroll: number; exact?: boolean }) => [
          v.name,
          { unroll: v.unroll, exact: v.exact === true },
        ]),
      ),
    ).toEqual(GEMM_ROWS);
  });

  it("'auto' times every fitting micro-kernel after a warm-up, settles on one, and every call is exact", async () => {
    for (const seed of [11, 12, 13]) {
      const rng = new Rng(seed);
      const [h, cin, cout] = [6, 64 * seed - 640, 36];
      const op = conv3x3Op(
        rng,
        cin,
        cout,
        randomTransform(rng, cout, 9 * cin, seed === 12 ? 'bitpacked' : 'float'),
      );
      const input = rng.packed(h * h, cin);
      const want = bconv2dReference(input, h, h, op);
      const wasm = await WasmBConv.create(op, [h, h, cin], 1, { gemm: 'auto' });
      const used = new Set<string>();
      const start = performance.now();
      // well past the warm-up (40 ms) and the timed rounds
      for (let call = 0; performance.now() - start < 300 || call < 200; call++) {
        expectSame(wasm.runPacked(input), want, `auto seed ${seed} call ${call}`);
        used.add(wasm.gemmKernel.replace(/_[fb]$/, ''));
      }
      const steps = (9 * cin) / 64;
      const eligible = GEMM_VARIANTS.filter((v) => gemmFits(v, steps));
      expect([...used].sort()).toEqual([...eligible].sort());
      // settled: the same kernel from now on
      const settled = wasm.gemmKernel;
      expect(eligible).toContain(settled.replace(/_[fb]$/, ''));
      for (let call = 0; call < 20; call++) {
        expectSame(wasm.runPacked(input), want, `auto seed ${seed} settled call ${call}`);
        expect(wasm.gemmKernel).toBe(settled);
      }
    }
  });

  it('bconv2d on long rows, both micro-kernels', async () => {
    for (const [cin, k, h] of [
      [384, 3, 3],
      [512, 3, 4],
      [2048, 3, 2],
      [5000, 1, 2],
    ] as const) {
      const rng = new Rng(cin + k);
      const cout = 9;
      for (const kind of ['float', 'bitpacked'] as const) {
        const op: BConv2DOp = {
          op: 'bconv2d',
          sourceNode: 'long',
          inputs: ['x'],
          outputs: ['y'],
          filter: rng.packed(cout * k * k, cin),
          inChannels: cin,
          outChannels: cout,
          kernel: [k, k],
          strides: [1, 1],
          dilations: [1, 1],
          padding: 'same',
          padValue: 1,
          transform: randomTransform(rng, cout, k * k * cin, kind),
        };
        const input = rng.packed(h * h, cin);
        for (const gemm of GEMM_VARIANTS.filter((v) => !GEMM_ROWS[v].exact)) {
          const wasm = await WasmBConv.create(op, [h, h, cin], 1, { gemm });
          expectSame(
            wasm.runPacked(input),
            bconv2dReference(input, h, h, op),
            `long rows cin ${cin} ${kind} ${gemm}`,
          );
        }
      }
    }
  });

  it('bdense on 300 random cases', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(10_000 + seed);
      const cin = rng.int(1, 1100);
      const cout = rng.int(1, 70);
      const batch = rng.int(1, 5);
      const kind = rng.pick(['float', 'bitpacked'] as const);
      const op: BDenseOp = {
        op: 'bdense',
        sourceNode: 'd',
        inputs: ['x'],
        outputs: ['y'],
        filter: rng.packed(cout, cin),
        inChannels: cin,
        outChannels: cout,
        transform: randomTransform(rng, cout, cin, kind),
      };
      const input = rng.packed(batch, cin);
      const wasm = await WasmBConv.create(op, [cin], batch);
      const got = wasm.runPacked(input);
      const words = packedWords(cin);
      const want = kind === 'float' ? new Float32Array(got.length) : new Int32Array(got.length);
      for (let b = 0; b < batch; b++) {
        const r = bdenseReference(input.subarray(b * words, (b + 1) * words), op);
        want.set(r, b * r.length);
      }
      expectSame(got, want, `bdense seed ${seed}`);
    }
  });

  it('bdepthwise_conv2d, bmaxpool2d, quantize and dequantize through both engine backends (300 graphs)', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(20_000 + seed);
      const h = rng.int(1, 9);
      const w = rng.int(1, 9);
      const c = rng.pick([1, 7, 32, 33, 64, 70, 130, 200]);
      const k = rng.pick([1, 3, 5]);
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const dilations: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const padding = rng.pick(['valid', 'same'] as const);
      const dw = convGeometry(h, w, [k, k], strides, dilations, padding);
      const pool: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const poolPadding = rng.pick(['valid', 'same'] as const);
      const mp = convGeometry(h, w, pool, strides, [1, 1], poolPadding);
      if (dw.outH < 1 || dw.outW < 1 || mp.outH < 1 || mp.outW < 1) continue;
      const ops: DeployOp[] = [
        { op: 'quantize', sourceNode: 'q', inputs: ['x'], outputs: ['xb'] },
        {
          op: 'bdepthwise_conv2d',
          sourceNode: 'dw',
          inputs: ['xb'],
          outputs: ['dw'],
          filter: rng.packed(k * k, c),
          channels: c,
          kernel: [k, k],
          strides,
          dilations,
          padding,
          padValue: padding === 'same' ? rng.pick([0, 1] as const) : 1,
          transform: randomTransform(rng, c, k * k, 'float') as Extract<OutputTransform, { kind: 'float' }>,
        },
        {
          op: 'bmaxpool2d',
          sourceNode: 'mp',
          inputs: ['xb'],
          outputs: ['mp'],
          pool,
          strides,
          padding: poolPadding,
        },
        { op: 'dequantize', sourceNode: 'dq', inputs: ['mp'], outputs: ['mpf'] },
      ];
      const graph: DeployGraph = {
        format: 'bnn-studio.deploy',
        version: 1,
        name: `fuzz${seed}`,
        input: 'x',
        outputs: ['dw', 'mpf', 'mp'],
        tensors: [
          { id: 'x', shape: [h, w, c], kind: 'float32' },
          { id: 'xb', shape: [h, w, c], kind: 'bitpacked' },
          { id: 'dw', shape: [dw.outH, dw.outW, c], kind: 'float32' },
          { id: 'mp', shape: [mp.outH, mp.outW, c], kind: 'bitpacked' },
          { id: 'mpf', shape: [mp.outH, mp.outW, c], kind: 'float32' },
        ],
        ops,
      };
      const batch = rng.int(1, 3);
      const input = rng.floats(batch * h * w * c);
      if (seed % 7 === 0) input[0] = 0;
      const ref = await createEngine(graph, { backend: 'reference' });
      const wasm = await createEngine(graph, { backend: 'wasm' });
      const want = ref.run(input, batch);
      const got = wasm.run(input, batch);
      want.forEach((t, i) => {
        expectSame(got[i]!, t, `graph seed ${seed} output ${graph.outputs[i]}`);
      });
      wasm.dispose();
    }
  });

  it('float conv2d (first layers) on 200 random graphs equals the float32-ordered reference exactly', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new Rng(30_000 + seed);
      const h = rng.int(1, 12);
      const w = rng.int(1, 12);
      const cin = rng.pick([1, 2, 3, 4, 8]);
      // 32 channels at a time, then 16, 4, 1: counts that use each pass and their mixes
      const cout = rng.pick([1, 3, 4, 8, 13, 16, 20, 32, 37, 53, 64]);
      const kernel: [number, number] = [rng.pick([1, 3, 5]), rng.pick([1, 3, 5])];
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const dilations: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const padding = rng.pick(['valid', 'same'] as const);
      const g = convGeometry(h, w, kernel, strides, dilations, padding);
      if (g.outH < 1 || g.outW < 1) continue;
      const graph: DeployGraph = {
        format: 'bnn-studio.deploy',
        version: 1,
        name: 'conv',
        input: 'x',
        outputs: ['y'],
        tensors: [
          { id: 'x', shape: [h, w, cin], kind: 'float32' },
          { id: 'y', shape: [g.outH, g.outW, cout], kind: 'float32' },
        ],
        ops: [
          {
            op: 'conv2d',
            sourceNode: 'c',
            inputs: ['x'],
            outputs: ['y'],
            filter: rng.floats(kernel[0] * kernel[1] * cin * cout),
            bias: rng.next() < 0.5 ? null : rng.floats(cout),
            inChannels: cin,
            outChannels: cout,
            kernel,
            strides,
            dilations,
            padding,
            activation: rng.pick(['none', 'relu'] as const),
          },
        ],
      };
      const batch = rng.int(1, 3);
      const x = rng.floats(batch * h * w * cin, 3);
      const want = (await createEngine(graph, { backend: 'reference' })).run(x, batch)[0]!;
      const got = (await createEngine(graph)).run(x, batch)[0]!;
      expectSame(got, want, `conv2d seed ${seed}`);
    }
  });
});
