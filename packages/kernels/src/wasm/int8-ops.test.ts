// Seeded fuzzing of the int8 WASM kernels: the wasm engine must equal the reference engine (src/reference/int8.ts,
// itself fuzzed against bnn-core's oracle in int8.test.ts) on every tensor, bit for bit, per op over random
// shapes (channel counts off multiples of 4 / 16 / 32, strides, dilations, both paddings, depth multipliers,
// batches) and wide quantization parameters: multipliers from 2^−20 to 2^4 (negative and positive shifts),
// zero points at −128 / 127, saturating and ReLU-clamped outputs, QUANTIZE inputs on rounding ties, ±0, huge
// magnitudes and non-finite values. A failing case names its seed; add it to REGRESSION_SEEDS.
import {
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type Int8Quant,
  randomInt8DeployGraph,
} from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.js';
import { KernelError } from '../errors.js';
import { convGeometry } from '../geometry.js';
import { Rng } from '../test-support/random.js';

const CASES = 120;
/** Seeds (of any op below) that once failed; each runs before the random ones. */
const REGRESSION_SEEDS: number[] = [];
const seeds = (base: number) => [...REGRESSION_SEEDS, ...Array.from({ length: CASES }, (_, i) => base + i)];

const f32 = Math.fround;

/** A quantization with a scale over many octaves and zero points at the ends now and then. */
function quant(rng: Rng, scale: number): Int8Quant {
  return {
    scale: f32(scale * 2 ** (rng.next() * 6 - 3)),
    zeroPoint: rng.next() < 0.2 ? rng.pick([-128, 127, -127, 0]) : rng.int(-60, 60),
  };
}

/** Float inputs: mostly in ±(range), some exact rounding ties of `tieScale`, ±0, huge and tiny values. */
function floats(rng: Rng, n: number, range: number, tieScale: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const r = rng.next();
    if (r < 0.1) return f32((rng.int(-300, 300) + 0.5) * tieScale);
    if (r < 0.14) return rng.pick([0, -0, 1e-30, -1e-30, 3e38, -3e38, 1e9, -1e9]);
    return f32((rng.next() * 2 - 1) * range);
  });
}

const int8s = (rng: Rng, n: number, lo = -127) =>
  Int8Array.from({ length: n }, () => (rng.next() < 0.1 ? rng.pick([lo, 127, 0]) : rng.int(lo, 127)));

interface Built {
  graph: DeployGraph;
  /** Input scale for the float input (used to draw values). */
  range: number;
  tieScale: number;
}

/**
 * x float [h, w, c] → int8_quantize (qx) → `body` ops; every tensor is a graph output. `extra` tensors are
 * declared by the body.
 */
function graph(
  h: number,
  w: number,
  c: number,
  qx: Int8Quant,
  ops: DeployOp[],
  extra: DeployTensor[],
): DeployGraph {
  const tensors: DeployTensor[] = [
    { id: 'x', shape: [h, w, c], kind: 'float32' },
    { id: 'q', shape: [h, w, c], kind: 'int8', quant: qx },
    ...extra,
  ];
  return {
    format: 'bnn-studio.deploy',
    version: 1,
    name: 'int8-op',
    input: 'x',
    outputs: tensors.filter((t) => t.id !== 'x').map((t) => t.id),
    tensors,
    ops: [{ op: 'int8_quantize', sourceNode: 'quantize', inputs: ['x'], outputs: ['q'] }, ...ops],
  };
}

async function expectSameBackends(b: Built, rng: Rng, label: string): Promise<void> {
  const { graph: g } = b;
  const ref = await createEngine(g, { backend: 'reference' });
  const wasm = await createEngine(g);
  const batch = rng.pick([1, 1, 2, 3]);
  const [h, w, c] = g.tensors[0]!.shape as [number, number, number];
  const x = floats(rng, batch * h * w * c, b.range, b.tieScale);
  const want = ref.run(x, batch);
  const got = wasm.run(x, batch);
  wasm.dispose();
  ref.dispose();
  g.outputs.forEach((id, t) => {
    const a = got[t]!;
    const e = want[t]!;
    expect(a.length, `${label}: ${id}`).toBe(e.length);
    for (let i = 0; i < e.length; i++) {
      if (!Object.is(a[i], e[i])) expect.fail(`${label}: tensor ${id}[${i}] is ${a[i]}, reference ${e[i]}`);
    }
  });
}

/** Filter scales and an output quantization putting the requantization multiplier at ~2^(−20 … 4). */
function stage(rng: Rng, qx: Int8Quant, n: number, taps: number) {
  const filterScales = Float32Array.from({ length: n }, () => f32(0.01 * 2 ** (rng.next() * 4 - 2)));
  const spread = qx.scale * 0.01 * 60 * Math.sqrt(taps);
  const outScale = rng.next() < 0.15 ? spread * 2 ** rng.int(-8, -4) : spread * 2 ** (rng.next() * 4 - 2);
  const out = quant(rng, rng.next() < 0.1 ? spread * 2 ** 16 : outScale);
  const bias =
    rng.next() < 0.8
      ? Int32Array.from({ length: n }, () => (rng.next() < 0.05 ? rng.int(-2e6, 2e6) : rng.int(-5000, 5000)))
      : null;
  return { filterScales, out, bias, activation: rng.pick(['none', 'relu'] as const) };
}

function windowed(rng: Rng, h: number, w: number, maxK: number) {
  for (;;) {
    const kernel: [number, number] = [rng.int(1, maxK), rng.int(1, maxK)];
    const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const dilations: [number, number] = rng.next() < 0.2 ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    const padding = rng.pick(['valid', 'same'] as const);
    const g = convGeometry(h, w, kernel, strides, dilations, padding);
    if (g.outH >= 1 && g.outW >= 1) return { kernel, strides, dilations, padding, g };
  }
}

describe('int8 WASM kernels equal the reference kernels bit for bit', () => {
  it(`int8_quantize / dequantize / bitpack on ${CASES} random shapes`, async () => {
    for (const seed of seeds(7000)) {
      const rng = new Rng(seed);
      const [h, w, c] = [rng.int(1, 5), rng.int(1, 5), rng.pick([rng.int(1, 40), rng.int(60, 70)])];
      const qx = quant(rng, 0.05);
      const ops: DeployOp[] = [
        { op: 'int8_dequantize', sourceNode: 'dq', inputs: ['q'], outputs: ['dq'] },
        { op: 'int8_bitpack', sourceNode: 'bp', inputs: ['q'], outputs: ['bp'] },
      ];
      const extra: DeployTensor[] = [
        { id: 'dq', shape: [h, w, c], kind: 'float32' },
        { id: 'bp', shape: [h, w, c], kind: 'bitpacked' },
      ];
      await expectSameBackends(
        { graph: graph(h, w, c, qx, ops, extra), range: qx.scale * 200, tieScale: qx.scale },
        rng,
        `seed ${seed} [${h},${w},${c}]`,
      );
    }
  });

  it('int8_quantize refuses NaN and ±∞ on both backends, naming the node', async () => {
    const qx = { scale: f32(0.1), zeroPoint: 3 };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const backend of ['reference', 'wasm'] as const) {
        const e = await createEngine(graph(1, 1, 3, qx, [], []), { backend });
        let err: unknown;
        try {
          e.run(Float32Array.from([1, bad, 2]));
        } catch (x) {
          err = x;
        }
        e.dispose();
        expect(err, `${backend} ${bad}`).toBeInstanceOf(KernelError);
      }
    }
  });

  it(`int8_conv2d on ${CASES} random geometries`, async () => {
    for (const seed of seeds(7200)) {
      const rng = new Rng(seed);
      const [h, w] = [rng.int(1, 9), rng.int(1, 9)];
      const cin = rng.pick([1, 3, rng.int(1, 12)]);
      const cout = rng.pick([rng.int(1, 9), rng.int(14, 40), 32]);
      const win = windowed(rng, h, w, 4);
      const qx = quant(rng, 0.05);
      const taps = win.kernel[0] * win.kernel[1] * cin;
      const st = stage(rng, qx, cout, taps);
      const op: DeployOp = {
        op: 'int8_conv2d',
        sourceNode: 'conv',
        inputs: ['q'],
        outputs: ['y'],
        filter: int8s(rng, cout * taps),
        filterScales: st.filterScales,
        bias: st.bias,
        inChannels: cin,
        outChannels: cout,
        kernel: win.kernel,
        strides: win.strides,
        dilations: win.dilations,
        padding: win.padding,
        activation: st.activation,
      };
      const y: DeployTensor = { id: 'y', shape: [win.g.outH, win.g.outW, cout], kind: 'int8', quant: st.out };
      await expectSameBackends(
        { graph: graph(h, w, cin, qx, [op], [y]), range: qx.scale * 150, tieScale: qx.scale },
        rng,
        `seed ${seed} conv [${h},${w},${cin}]→${cout} k${win.kernel} s${win.strides} d${win.dilations} ${win.padding}`,
      );
    }
  });

  it(`int8_depthwise_conv2d (depth multipliers 1–3) on ${CASES} random geometries`, async () => {
    for (const seed of seeds(7400)) {
      const rng = new Rng(seed);
      const [h, w] = [rng.int(1, 9), rng.int(1, 9)];
      const ch = rng.pick([rng.int(1, 9), rng.int(14, 40)]);
      const m = rng.pick([1, 1, 1, 2, 3]);
      const win = windowed(rng, h, w, 4);
      const qx = quant(rng, 0.05);
      const taps = win.kernel[0] * win.kernel[1];
      const st = stage(rng, qx, ch * m, taps);
      const op: DeployOp = {
        op: 'int8_depthwise_conv2d',
        sourceNode: 'dw',
        inputs: ['q'],
        outputs: ['y'],
        filter: int8s(rng, taps * ch * m),
        filterScales: st.filterScales,
        bias: st.bias,
        channels: ch,
        depthMultiplier: m,
        kernel: win.kernel,
        strides: win.strides,
        dilations: win.dilations,
        padding: win.padding,
        activation: st.activation,
      };
      const y: DeployTensor = {
        id: 'y',
        shape: [win.g.outH, win.g.outW, ch * m],
        kind: 'int8',
        quant: st.out,
      };
      await expectSameBackends(
        { graph: graph(h, w, ch, qx, [op], [y]), range: qx.scale * 150, tieScale: qx.scale },
        rng,
        `seed ${seed} depthwise [${h},${w},${ch}]×${m} k${win.kernel} s${win.strides} ${win.padding}`,
      );
    }
  });

  it(`int8_dense on ${CASES} random sizes (flattened [h, w, c] inputs)`, async () => {
    for (const seed of seeds(7600)) {
      const rng = new Rng(seed);
      const [h, w, c] = [rng.int(1, 4), rng.int(1, 4), rng.int(1, 40)];
      const cin = h * w * c;
      const cout = rng.pick([rng.int(1, 12), rng.int(20, 70)]);
      const qx = quant(rng, 0.05);
      const st = stage(rng, qx, cout, cin);
      const op: DeployOp = {
        op: 'int8_dense',
        sourceNode: 'dense',
        inputs: ['q'],
        outputs: ['y'],
        weights: int8s(rng, cout * cin),
        filterScales: st.filterScales,
        bias: st.bias,
        inChannels: cin,
        outChannels: cout,
        activation: st.activation,
      };
      const y: DeployTensor = { id: 'y', shape: [cout], kind: 'int8', quant: st.out };
      await expectSameBackends(
        { graph: graph(h, w, c, qx, [op], [y]), range: qx.scale * 150, tieScale: qx.scale },
        rng,
        `seed ${seed} dense ${cin}→${cout}`,
      );
    }
  });

  it(`int8_add, int8_maxpool2d and int8_avgpool2d on ${CASES} random shapes`, async () => {
    for (const seed of seeds(7800)) {
      const rng = new Rng(seed);
      const [h, w, c] = [rng.int(1, 8), rng.int(1, 8), rng.pick([rng.int(1, 9), rng.int(14, 40)])];
      const qx = quant(rng, 0.05);
      // the second addend: a 1×1 depthwise conv of q with its own quantization (not a copy of q)
      const st = stage(rng, qx, c, 1);
      const qr = quant(rng, qx.scale * 2 ** (rng.next() * 8 - 4));
      const qy = quant(rng, Math.max(qx.scale, qr.scale) * 2 ** (rng.next() * 4 - 1));
      const pool: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const padding = rng.pick(['valid', 'same'] as const);
      const pg = convGeometry(h, w, pool, strides, [1, 1], padding);
      if (pg.outH < 1 || pg.outW < 1) continue;
      const ops: DeployOp[] = [
        {
          op: 'int8_depthwise_conv2d',
          sourceNode: 'r',
          inputs: ['q'],
          outputs: ['r'],
          filter: int8s(rng, c),
          filterScales: st.filterScales,
          bias: st.bias,
          channels: c,
          depthMultiplier: 1,
          kernel: [1, 1],
          strides: [1, 1],
          dilations: [1, 1],
          padding: 'valid',
          activation: 'none',
        },
        {
          op: 'int8_add',
          sourceNode: 'add',
          inputs: ['q', 'r'],
          outputs: ['sum'],
          activation: rng.pick(['none', 'relu'] as const),
        },
        { op: 'int8_maxpool2d', sourceNode: 'mp', inputs: ['q'], outputs: ['mp'], pool, strides, padding },
        { op: 'int8_avgpool2d', sourceNode: 'ap', inputs: ['q'], outputs: ['ap'], pool, strides, padding },
      ];
      const extra: DeployTensor[] = [
        { id: 'r', shape: [h, w, c], kind: 'int8', quant: qr },
        { id: 'sum', shape: [h, w, c], kind: 'int8', quant: qy },
        { id: 'mp', shape: [pg.outH, pg.outW, c], kind: 'int8', quant: qx },
        { id: 'ap', shape: [pg.outH, pg.outW, c], kind: 'int8', quant: qx },
      ];
      await expectSameBackends(
        { graph: graph(h, w, c, qx, ops, extra), range: qx.scale * 150, tieScale: qx.scale },
        rng,
        `seed ${seed} add/pools [${h},${w},${c}] pool ${pool} s${strides} ${padding}`,
      );
    }
  });

  it(`int8_bconv2d (LCE int8 output) on ${CASES} random geometries`, async () => {
    for (const seed of seeds(8000)) {
      const rng = new Rng(seed);
      const [h, w] = [rng.int(1, 8), rng.int(1, 8)];
      const cin = rng.pick([rng.int(1, 40), 64, rng.int(65, 100)]);
      const cout = rng.pick([rng.int(1, 9), rng.int(14, 40), 64]);
      const win = windowed(rng, h, w, 3);
      const qx = quant(rng, 0.05);
      const qy = quant(rng, 2 ** (rng.next() * 8 - 4));
      const taps = win.kernel[0] * win.kernel[1];
      const op: DeployOp = {
        op: 'int8_bconv2d',
        sourceNode: 'bconv',
        inputs: ['bp'],
        outputs: ['y'],
        filter: rng.packed(cout * taps, cin),
        inChannels: cin,
        outChannels: cout,
        kernel: win.kernel,
        strides: win.strides,
        dilations: win.dilations,
        padding: win.padding,
        padValue: 1,
        clamp: rng.dotClamp(),
        multiplier: Float32Array.from({ length: cout }, () => f32((rng.next() * 2 - 1) * 0.2)),
        bias: Float32Array.from({ length: cout }, () => f32((rng.next() * 2 - 1) * 4)),
      };
      const ops: DeployOp[] = [{ op: 'int8_bitpack', sourceNode: 'bp', inputs: ['q'], outputs: ['bp'] }, op];
      const extra: DeployTensor[] = [
        { id: 'bp', shape: [h, w, cin], kind: 'bitpacked' },
        { id: 'y', shape: [win.g.outH, win.g.outW, cout], kind: 'int8', quant: qy },
      ];
      await expectSameBackends(
        { graph: graph(h, w, cin, qx, ops, extra), range: qx.scale * 150, tieScale: qx.scale },
        rng,
        `seed ${seed} bconv [${h},${w},${cin}]→${cout} k${win.kernel} s${win.strides} ${win.padding}`,
      );
    }
  });
});

describe('int8 graphs on two threads', () => {
  it('equal the reference on every tensor (the int8 binary conv GEMM split with the worker)', async () => {
    for (const seed of [11, 12, 13, 14]) {
      const { graph, input, batch } = randomInt8DeployGraph(seed, 6);
      const g = { ...graph, outputs: graph.tensors.filter((t) => t.id !== graph.input).map((t) => t.id) };
      const ref = await createEngine(g, { backend: 'reference' });
      const two = await createEngine(g, { threads: 2 });
      expect(two.threads).toBe(2);
      const want = ref.run(input, batch);
      const got = two.run(input, batch);
      two.dispose();
      ref.dispose();
      g.outputs.forEach((id, i) => {
        expect([...got[i]!], `seed ${seed}, ${id}`).toEqual([...want[i]!]);
      });
    }
  });
});
