/**
 * Imports `.tflite` fixtures written here in LCE's converter layout (operator order, tensor types, FlexBuffer
 * options, `-1` optional inputs, int8 quantization parameters; see docs of the reference model) and checks what the
 * imported deploy graph computes (kernels' reference engine) against an independent reference of TFLite's and
 * LCE's semantics (`../tflite-int8-reference.ts`: BigInt fixed point, plain loops) — not the engine under test.
 */
import { runDeployGraph } from '@bnn-studio/kernels';
import { encode } from 'flatbuffers/js/flexbuffers.js';
import { describe, expect, it } from 'vitest';
import { rng } from '../../bnn/test-graphs.js';
import { bconvOptions, bmaxpoolOptions, EMPTY_CUSTOM_OPTIONS } from '../lce-options.js';
import { TfliteModelBuilder } from '../model-builder.js';
import { readTflite } from '../read-tflite.js';
import { Activation, BuiltinOperator as Op, Padding, TensorType } from '../schema.js';
import {
  at,
  type Map3,
  mulByQuantizedMultiplier,
  refBconvDots,
  refConvInt8,
  refSoftmaxInt8,
  roundAway,
  runTfliteInt8Reference,
  sat8,
} from '../tflite-int8-reference.js';
import { TfliteImportError } from './import-errors.js';
import { importTflite } from './import-tflite.js';
import {
  conv2dOptions,
  type Int8GapParams,
  lceInt8Bnn,
  lceInt8GapModel,
  packFilter,
  randInt,
} from './lce-fixtures.js';

// The independent reference (TFLite's integer arithmetic in BigInt, LCE's binary ops) is ../tflite-int8-reference.ts.

// ---------------------------------------------------------------------------------------------------------------
// Fixture writer: LCE's converter layout.

function int8Fixture(seed: number, withSoftmax: boolean) {
  const { bytes, params } = lceInt8Bnn(seed, withSoftmax);
  const { inQ, c1, w1, s1, b1, y1Q, K, bits2, th2, bits3, m3, bb3, y3Q, w4, s4, b4, y4Q } = params;
  /** The independent reference of this model on one int8 sample. */
  const reference = (xq: number[]): number[] => {
    const a1 = refConvInt8(
      { h: 8, w: 8, c: 3, d: xq },
      { w: w1, o: c1, kh: 3, kw: 3, scales: s1, bias: b1 },
      { inS: inQ.s, inZ: inQ.z, outS: y1Q.s, outZ: y1Q.z },
      true,
      2,
      false,
    );
    const signs1: Map3 = { ...a1, d: a1.d.map((v) => (v < y1Q.z ? -1 : 1)) };
    const d2 = refBconvDots(signs1, { bits: bits2, kh: 3, kw: 3 }, true, 1, 1, 1);
    const signs2: Map3 = { h: d2.h, w: d2.w, c: 32, d: [] };
    for (let p = 0; p < d2.h * d2.w; p++)
      for (let o = 0; o < 32; o++) {
        const accum = (K - d2.dot[p * 32 + o]!) / 2;
        signs2.d.push(accum > th2[o]! ? -1 : 1);
      }
    const d3 = refBconvDots(signs2, { bits: bits3, kh: 3, kw: 3 }, true, 1, 2, 1);
    const y3v = d3.dot.map((dot, i) => {
      const o = i % 32;
      const m = Math.fround(m3[o]! / Math.fround(y3Q.s));
      const b = Math.fround(bb3[o]! / Math.fround(y3Q.s) + y3Q.z);
      return sat8(roundAway(Math.fround(Math.fround(Math.max(dot, 0) * m) + b)));
    });
    const y4v: number[] = [];
    for (let o = 0; o < 10; o++) {
      let acc = b4[o]!;
      for (let i = 0; i < 128; i++) acc += w4[o * 128 + i]! * (y3v[i]! - y3Q.z);
      const m = (Math.fround(y3Q.s) * Math.fround(s4[o]!)) / Math.fround(y4Q.s);
      y4v.push(sat8(mulByQuantizedMultiplier(acc, m) + y4Q.z));
    }
    return y4v;
  };
  return { bytes, reference, inQ };
}

/** A float32 LCE model: PAD + VALID conv, MUL/ADD, zero-padded and one-padded LceBconv2d, pools, MEAN, dense. */
function floatFixture(seed: number) {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const F = TensorType.FLOAT32;
  const rnd = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + r() * (hi - lo));
  const x = mb.addTensor('input', [1, 6, 6, 8], F);
  // 0 PAD, 1 CONV_2D VALID + RELU (folded into SAME).
  const pads = mb.addConstTensor(
    'model/pad/paddings',
    [4, 2],
    TensorType.INT32,
    Int32Array.of(0, 0, 1, 1, 1, 1, 0, 0),
  );
  const xp = mb.addTensor('model/pad', [1, 8, 8, 8], F);
  mb.addBuiltin(Op.PAD, 1, [x, pads], [xp], { table: 'PadOptions', values: {} });
  const w1 = rnd(32 * 9 * 8);
  const b1 = rnd(32, -0.2, 0.2);
  const c1 = mb.addTensor('model/conv', [1, 6, 6, 32], F);
  mb.addBuiltin(
    Op.CONV_2D,
    1,
    [
      xp,
      mb.addConstTensor('model/conv/w', [32, 3, 3, 8], F, w1),
      mb.addConstTensor('model/conv/b', [32], F, b1),
    ],
    [c1],
    conv2dOptions(Padding.VALID, 1, Activation.RELU),
  );
  // 2 MUL, 3 ADD (a BatchNorm).
  const g = rnd(32, 0.5, 1.5);
  const be = rnd(32, -1, 0.2);
  const m1 = mb.addTensor('model/bn/mul', [1, 6, 6, 32], F);
  mb.addBuiltin(Op.MUL, 1, [c1, mb.addConstTensor('model/bn/gamma', [32], F, g)], [m1], {
    table: 'MulOptions',
    values: {},
  });
  const bn = mb.addTensor('model/bn', [1, 6, 6, 32], F);
  mb.addBuiltin(Op.ADD, 1, [m1, mb.addConstTensor('model/bn/beta', [32], F, be)], [bn], {
    table: 'AddOptions',
    values: {},
  });
  // 4 LceQuantize, 5 LceBconv2d SAME zero-padding, float output (multiplier, bias).
  const q1t = mb.addTensor('model/q1', [1, 6, 6, 1], TensorType.INT32);
  mb.addCustom('LceQuantize', [bn], [q1t], EMPTY_CUSTOM_OPTIONS);
  const K = 9 * 32;
  const bitsA = Array.from({ length: 32 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const mA = rnd(32, -0.1, 0.1);
  const bA = rnd(32, -1, 1);
  const yA = mb.addTensor('model/bconv_a', [1, 6, 6, 32], F);
  mb.addCustom(
    'LceBconv2d',
    [
      q1t,
      mb.addConstTensor('model/bconv_a/filter', [32, 3, 3, 1], TensorType.INT32, packFilter(bitsA, 9, 32)),
      mb.addConstTensor('model/bconv_a/mult', [32], F, mA),
      mb.addConstTensor('model/bconv_a/bias', [32], F, bA),
      -1,
    ],
    [yA],
    bconvOptions({
      channels_in: 32,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: Activation.NONE,
      pad_values: 0,
      padding: Padding.SAME,
      stride_height: 1,
      stride_width: 1,
    }),
  );
  // 6 MAX_POOL_2D 2×2 /2.
  const mp = mb.addTensor('model/maxpool', [1, 3, 3, 32], F);
  mb.addBuiltin(Op.MAX_POOL_2D, 1, [yA], [mp], {
    table: 'Pool2DOptions',
    values: { padding: Padding.VALID, stride_w: 2, stride_h: 2, filter_width: 2, filter_height: 2 },
  });
  // 7 LceQuantize, 8 LceBconv2d one-padding, stride 2, bit-packed output, dilation 1.
  const q2t = mb.addTensor('model/q2', [1, 3, 3, 1], TensorType.INT32);
  mb.addCustom('LceQuantize', [mp], [q2t], EMPTY_CUSTOM_OPTIONS);
  const bitsB = Array.from({ length: 40 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const thB = Int32Array.from({ length: 40 }, () => randInt(r, 130, 158));
  const yB = mb.addTensor('model/bconv_b', [1, 2, 2, 2], TensorType.INT32);
  mb.addCustom(
    'LceBconv2d',
    [
      q2t,
      mb.addConstTensor('model/bconv_b/filter', [40, 3, 3, 1], TensorType.INT32, packFilter(bitsB, 9, 32)),
      -1,
      -1,
      mb.addConstTensor('model/bconv_b/thr', [40], TensorType.INT32, thB),
    ],
    [yB],
    bconvOptions({
      channels_in: 32,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: Activation.NONE,
      pad_values: 1,
      padding: Padding.SAME,
      stride_height: 2,
      stride_width: 2,
    }),
  );
  // 9 LceBMaxPool2d 2×2 SAME /1, 10 LceDequantize, 11 MEAN, 12 FULLY_CONNECTED, 13 SOFTMAX.
  const bp = mb.addTensor('model/bmaxpool', [1, 2, 2, 2], TensorType.INT32);
  mb.addCustom(
    'LceBMaxPool2d',
    [yB],
    [bp],
    bmaxpoolOptions({
      padding: Padding.SAME,
      stride_width: 1,
      stride_height: 1,
      filter_width: 2,
      filter_height: 2,
    }),
  );
  const dq = mb.addTensor('model/dequant', [1, 2, 2, 40], F);
  mb.addCustom('LceDequantize', [bp], [dq], EMPTY_CUSTOM_OPTIONS);
  const mean = mb.addTensor('model/gap', [1, 40], F);
  mb.addBuiltin(
    Op.MEAN,
    1,
    [dq, mb.addConstTensor('model/gap/axes', [2], TensorType.INT32, Int32Array.of(1, 2))],
    [mean],
    { table: 'ReducerOptions', values: { keep_dims: 0 } },
  );
  const wd = rnd(10 * 40);
  const bd = rnd(10, -0.1, 0.1);
  const logits = mb.addTensor('model/dense', [1, 10], F);
  mb.addBuiltin(
    Op.FULLY_CONNECTED,
    1,
    [
      mean,
      mb.addConstTensor('model/dense/w', [10, 40], F, wd),
      mb.addConstTensor('model/dense/b', [10], F, bd),
    ],
    [logits],
    { table: 'FullyConnectedOptions', values: { fused_activation_function: 0 } },
  );
  const out = mb.addTensor('Identity', [1, 10], F);
  mb.addBuiltin(Op.SOFTMAX, 1, [logits], [out], { table: 'SoftmaxOptions', values: { beta: 1 } });
  mb.inputs = [x];
  mb.outputs = [out];
  const bytes = mb.serialize({ inputs: ['input'], outputs: ['output'] });

  const reference = (xin: number[]): number[] => {
    const X: Map3 = { h: 6, w: 6, c: 8, d: xin };
    const c: number[] = [];
    for (let oy = 0; oy < 6; oy++)
      for (let ox = 0; ox < 6; ox++)
        for (let o = 0; o < 32; o++) {
          let acc = b1[o]!;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = oy + ky - 1;
              const ix = ox + kx - 1;
              if (iy < 0 || ix < 0 || iy >= 6 || ix >= 6) continue;
              for (let i = 0; i < 8; i++) acc += w1[((o * 3 + ky) * 3 + kx) * 8 + i]! * at(X, iy, ix, i);
            }
          c.push(Math.max(acc, 0) * g[o]! + be[o]!);
        }
    const s1: Map3 = { h: 6, w: 6, c: 32, d: c.map((v) => (v < 0 ? -1 : 1)) };
    const dA = refBconvDots(s1, { bits: bitsA, kh: 3, kw: 3 }, true, 0, 1, 1);
    const ya: Map3 = { h: 6, w: 6, c: 32, d: dA.dot.map((dot, i) => mA[i % 32]! * dot + bA[i % 32]!) };
    const pooled: Map3 = { h: 3, w: 3, c: 32, d: [] };
    for (let y = 0; y < 3; y++)
      for (let x2 = 0; x2 < 3; x2++)
        for (let ch = 0; ch < 32; ch++)
          pooled.d.push(
            Math.max(
              at(ya, 2 * y, 2 * x2, ch),
              at(ya, 2 * y + 1, 2 * x2, ch),
              at(ya, 2 * y, 2 * x2 + 1, ch),
              at(ya, 2 * y + 1, 2 * x2 + 1, ch),
            ),
          );
    const s2: Map3 = { ...pooled, d: pooled.d.map((v) => (v < 0 ? -1 : 1)) };
    const dB = refBconvDots(s2, { bits: bitsB, kh: 3, kw: 3 }, true, 1, 2, 1);
    const sB: Map3 = {
      h: 2,
      w: 2,
      c: 40,
      d: dB.dot.map((dot, i) => ((K - dot) / 2 > thB[i % 40]! ? -1 : 1)),
    };
    // Binary max-pool 2×2 SAME stride 1 (out-of-bounds taps ignored): −1 only if every in-bounds tap is −1.
    const gap = new Array(40).fill(0);
    for (let y = 0; y < 2; y++)
      for (let x2 = 0; x2 < 2; x2++)
        for (let ch = 0; ch < 40; ch++) {
          let m = -1;
          for (const [dy, dx] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const)
            if (y + dy < 2 && x2 + dx < 2) m = Math.max(m, at(sB, y + dy, x2 + dx, ch));
          gap[ch] += m / 4;
        }
    const lg = Array.from(
      { length: 10 },
      (_, o) => bd[o]! + gap.reduce((a, v, i) => a + v * wd[o * 40 + i]!, 0),
    );
    const mx = Math.max(...lg);
    const e = lg.map((v) => Math.exp(v - mx));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  return { bytes, reference };
}

// ---------------------------------------------------------------------------------------------------------------

describe('importTflite: an int8 BNN in LCE’s converter layout', () => {
  it('maps every operator (SHAPE/STRIDED_SLICE/PACK folded) and matches the TFLite/LCE reference bit for bit', async () => {
    const { bytes, reference, inQ } = int8Fixture(7, false);
    const r = importTflite(bytes);
    expect(r.refused).toEqual([]);
    expect(r.operators.map((o) => `${o.op}:${o.became.join('+')}`)).toEqual([
      'CONV_2D:int8_conv2d',
      'LceQuantize:int8_bitpack',
      'LceBconv2d:bconv2d',
      'LceBconv2d:int8_bconv2d',
      'SHAPE:folded',
      'STRIDED_SLICE:folded',
      'PACK:folded',
      'RESHAPE:folded',
      'CONV_2D:int8_dense',
      'RESHAPE:folded',
    ]);
    const g = r.graph!;
    expect(g.ops.map((o) => o.op)).toEqual([
      'int8_quantize',
      'int8_conv2d',
      'int8_bitpack',
      'bconv2d',
      'int8_bconv2d',
      'int8_dense',
    ]);
    expect(r.io!.input).toMatchObject({
      type: 'int8',
      scale: Math.fround(0.02),
      zeroPoint: -5,
      shape: [1, 8, 8, 3],
    });
    expect(r.io!.outputs[0]).toMatchObject({ type: 'int8', zeroPoint: 4, shape: [1, 10] });
    const r2 = rng(99);
    for (let sample = 0; sample < 4; sample++) {
      const xq = Array.from({ length: 8 * 8 * 3 }, () => randInt(r2, -128, 127));
      // The deploy graph takes floats; int8 samples enter as their real values (exact on the int8 grid).
      const xf = Float32Array.from(xq, (v) => Math.fround(Math.fround(inQ.s) * (v - inQ.z)));
      const [out] = await runDeployGraph(g, xf, { backend: 'reference' });
      expect(Array.from(out!)).toEqual(reference(xq));
    }
  });

  it('imports int8 SOFTMAX exactly (TFLite’s fixed-point reference kernel) and matches the reference bit for bit', async () => {
    const { bytes, reference, inQ } = int8Fixture(7, true);
    const r = importTflite(bytes);
    expect(r.refused).toEqual([]);
    expect(r.approximations).toEqual([]);
    expect(r.operators.at(-1)).toEqual({ index: 10, op: 'SOFTMAX', became: ['int8_softmax'] });
    const g = r.graph!;
    expect(g.ops.at(-1)).toMatchObject({ op: 'int8_softmax', beta: 1 });
    expect(r.io!.outputs[0]).toMatchObject({ type: 'int8', scale: 1 / 256, zeroPoint: -128 });
    const logitsQ = g.tensors.find((t) => t.id === g.ops.at(-2)!.outputs[0])!.quant!;
    const r2 = rng(5);
    for (let sample = 0; sample < 6; sample++) {
      const xq = Array.from({ length: 8 * 8 * 3 }, () => randInt(r2, -128, 127));
      const xf = Float32Array.from(xq, (v) => Math.fround(Math.fround(inQ.s) * (v - inQ.z)));
      const [out] = await runDeployGraph(g, xf, { backend: 'reference' });
      expect(Array.from(out!)).toEqual(refSoftmaxInt8(reference(xq), 1, logitsQ.scale));
    }
    // The former opt-in float approximation still works when asked for; 'refuse' refuses.
    const ok = importTflite(bytes, { int8Softmax: 'float' });
    expect(ok.approximations).toEqual([expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })]);
    expect(ok.graph!.ops.slice(-3).map((o) => o.op)).toEqual(['int8_dequantize', 'softmax', 'int8_quantize']);
    const refused = importTflite(bytes, { int8Softmax: 'refuse' });
    expect(refused.graph).toBeNull();
    expect(refused.refused).toEqual([expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })]);
  });

  it('int8 SOFTMAX with any beta, and refusals of an output quantization TFLite rejects', () => {
    const build = (beta: number, outScale: number, outZp: number) => {
      const mb = new TfliteModelBuilder();
      const x = mb.addTensor('x', [1, 12], TensorType.INT8, { scale: [0.07], zeroPoint: [3] });
      const y = mb.addTensor('y', [1, 12], TensorType.INT8, { scale: [outScale], zeroPoint: [outZp] });
      mb.addBuiltin(Op.SOFTMAX, 2, [x], [y], { table: 'SoftmaxOptions', values: { beta } });
      mb.inputs = [x];
      mb.outputs = [y];
      return mb.serialize();
    };
    const ok = importTflite(build(Math.fround(2.5), 1 / 256, -128));
    expect(ok.refused).toEqual([]);
    expect(ok.graph!.ops.at(-1)).toMatchObject({ op: 'int8_softmax', beta: 2.5 });
    const bad = importTflite(build(1, 1 / 128, -128));
    expect(bad.refused).toEqual([
      expect.objectContaining({
        operatorIndex: 0,
        op: 'SOFTMAX',
        supported: expect.stringContaining('1/256'),
      }),
    ]);
  });

  it('imports int8 MUL (by a broadcast INT8 constant and of two tensors) and ADD of a constant, matching TFLite', async () => {
    const mb = new TfliteModelBuilder();
    const q = (s: number, z: number) => ({ scale: [Math.fround(s)], zeroPoint: [z] });
    const xQ = { s: Math.fround(0.04), z: -3 };
    const kQ = { s: Math.fround(0.015), z: 5 };
    const mQ = { s: Math.fround(0.03), z: 1 };
    const aQ = { s: Math.fround(0.05), z: -7 };
    const pQ = { s: Math.fround(0.06), z: 2 };
    const x = mb.addTensor('x', [1, 3, 3, 4], TensorType.INT8, q(xQ.s, xQ.z));
    const kv = Int8Array.of(-100, 3, 77, 127);
    const k = mb.addConstTensor('model/mul/y', [4], TensorType.INT8, kv, q(kQ.s, kQ.z));
    const m = mb.addTensor('m', [1, 3, 3, 4], TensorType.INT8, q(mQ.s, mQ.z));
    mb.addBuiltin(Op.MUL, 1, [x, k], [m], { table: 'MulOptions', values: {} });
    const cv = Int8Array.of(9);
    const c = mb.addConstTensor('model/add/y', [1], TensorType.INT8, cv, q(0.1, -2));
    const a = mb.addTensor('a', [1, 3, 3, 4], TensorType.INT8, q(aQ.s, aQ.z));
    mb.addBuiltin(Op.ADD, 1, [m, c], [a], {
      table: 'AddOptions',
      values: { fused_activation_function: Activation.RELU },
    });
    const p = mb.addTensor('p', [1, 3, 3, 4], TensorType.INT8, q(pQ.s, pQ.z));
    mb.addBuiltin(Op.MUL, 1, [x, a], [p], { table: 'MulOptions', values: {} });
    mb.inputs = [x];
    mb.outputs = [p];
    const r = importTflite(mb.serialize());
    expect(r.refused).toEqual([]);
    expect(r.operators.map((o) => o.became.join('+'))).toEqual(['int8_mul', 'int8_add', 'int8_mul']);
    // TFLite int8 MUL: zp_out + MBQM((x − zp_x)(y − zp_y), s_x·s_y/s_out); ADD: 20-bit shift and three multipliers.
    const mul = (u: number, uq: typeof xQ, v: number, vq: typeof xQ, oq: typeof xQ) =>
      sat8(oq.z + mulByQuantizedMultiplier((u - uq.z) * (v - vq.z), (uq.s * vq.s) / oq.s));
    const add = (u: number, uq: typeof xQ, v: number, vq: typeof xQ, oq: typeof xQ) => {
      const twice = 2 * Math.max(uq.s, vq.s);
      const su = mulByQuantizedMultiplier((u - uq.z) * 2 ** 20, uq.s / twice);
      const sv = mulByQuantizedMultiplier((v - vq.z) * 2 ** 20, vq.s / twice);
      const o = mulByQuantizedMultiplier(su + sv, twice / Math.fround(2 ** 20 * oq.s)) + oq.z;
      return Math.max(oq.z, sat8(o));
    };
    const r2 = rng(3);
    for (let sample = 0; sample < 4; sample++) {
      const xq = Array.from({ length: 36 }, () => randInt(r2, -128, 127));
      const want = xq.map((v, i) => {
        const mv = mul(v, xQ, kv[i % 4]!, kQ, mQ);
        const av = add(mv, mQ, cv[0]!, { s: Math.fround(0.1), z: -2 }, aQ);
        return mul(v, xQ, av, aQ, pQ);
      });
      const xf = Float32Array.from(xq, (v) => Math.fround(xQ.s * (v - xQ.z)));
      const [out] = await runDeployGraph(r.graph!, xf, { backend: 'reference' });
      expect(Array.from(out!)).toEqual(want);
    }
  });

  it('imports int8 RELU / RELU6 / RELU_N1_TO_1 / QUANTIZE int8→int8 as TFLite’s rescale and clamp', async () => {
    const mb = new TfliteModelBuilder();
    const q = (s: number, z: number) => ({ scale: [Math.fround(s)], zeroPoint: [z] });
    const xQ = { s: Math.fround(0.05), z: 4 };
    const x = mb.addTensor('x', [1, 40], TensorType.INT8, q(xQ.s, xQ.z));
    const steps: [number, string, { s: number; z: number }][] = [
      [Op.RELU, 'RELU', { s: Math.fround(0.03), z: -20 }],
      [Op.RELU6, 'RELU6', { s: Math.fround(0.02), z: -100 }],
      [Op.RELU_N1_TO_1, 'RELU_N1_TO_1', { s: Math.fround(0.01), z: 7 }],
      [Op.QUANTIZE, 'QUANTIZE', { s: Math.fround(0.004), z: -1 }],
    ];
    let prev = x;
    for (const [code, name, oq] of steps) {
      const y = mb.addTensor(name, [1, 40], TensorType.INT8, q(oq.s, oq.z));
      mb.addBuiltin(code, 1, [prev], [y]);
      prev = y;
    }
    mb.inputs = [x];
    mb.outputs = [prev];
    const r = importTflite(mb.serialize());
    expect(r.refused).toEqual([]);
    expect(r.operators.map((o) => o.became.join('+'))).toEqual(Array(4).fill('int8_requantize'));
    // TFLite: zp_out + MBQM(x − zp_in, s_in/s_out), clamped to QuantizedReluX's bounds (roundf of float32 divisions).
    const bound = (v: number, oq: { s: number; z: number }) => oq.z + roundAway(Math.fround(v / oq.s));
    const bounds: [number, number][] = [
      [Math.max(-128, bound(0, steps[0]![2])), 127],
      [Math.max(-128, bound(0, steps[1]![2])), Math.min(127, bound(6, steps[1]![2]))],
      [Math.max(-128, bound(-1, steps[2]![2])), Math.min(127, bound(1, steps[2]![2]))],
      [-128, 127],
    ];
    const xq = Array.from({ length: 40 }, (_, i) => ((i * 53) % 256) - 128);
    let want = xq;
    let inQ = xQ;
    steps.forEach(([, , oq], k) => {
      const [lo, hi] = bounds[k]!;
      want = want.map((v) =>
        Math.max(lo, Math.min(hi, sat8(oq.z + mulByQuantizedMultiplier(v - inQ.z, inQ.s / oq.s)))),
      );
      inQ = oq;
    });
    const xf = Float32Array.from(xq, (v) => Math.fround(xQ.s * (v - xQ.z)));
    const [out] = await runDeployGraph(r.graph!, xf, { backend: 'reference' });
    expect(Array.from(out!)).toEqual(want);
  });

  it('imports int8 MEAN (global average pooling) exactly: seeded sizes, scales, extreme zero points and ties against the TFLite reference', async () => {
    const r = rng(2026);
    const draws: Int8GapParams[] = [
      // ties: s_in = s_out, n = 2 and 4, so sums of odd totals are exact halves (SRDHM rounds them up)
      { h: 1, w: 2, c: 7, inQ: { s: 0.05, z: 0 }, meanQ: { s: 0.05, z: 0 }, classes: 3 },
      { h: 2, w: 2, c: 5, inQ: { s: 0.125, z: -3 }, meanQ: { s: 0.125, z: 5 }, classes: 4 },
      // extreme zero points, saturation both ways
      { h: 7, w: 7, c: 9, inQ: { s: 0.1, z: -128 }, meanQ: { s: 0.01, z: 127 }, classes: 10 },
      { h: 3, w: 5, c: 4, inQ: { s: 0.03, z: 127 }, meanQ: { s: 0.004, z: -128 }, classes: 2 },
      // a single pixel (mean = requantisation) and a large map
      { h: 1, w: 1, c: 16, inQ: { s: 0.02, z: 9 }, meanQ: { s: 0.07, z: -7 }, classes: 5 },
      { h: 24, w: 17, c: 3, inQ: { s: 0.011, z: -60 }, meanQ: { s: 0.009, z: 40 }, classes: 6 },
    ];
    for (let i = 0; i < 14; i++) {
      const z = () => (r() < 0.3 ? (r() < 0.5 ? -128 : 127) : randInt(r, -128, 127));
      draws.push({
        h: randInt(r, 1, 11),
        w: randInt(r, 1, 11),
        c: randInt(r, 1, 40),
        inQ: { s: Math.fround(0.001 + r() * 0.2), z: z() },
        meanQ: { s: Math.fround(0.001 + r() * 0.2), z: z() },
        classes: randInt(r, 2, 10),
      });
    }
    for (const [k, p] of draws.entries()) {
      const bytes = lceInt8GapModel(100 + k, p);
      const im = importTflite(bytes);
      expect(im.refused, `draw ${k}`).toEqual([]);
      expect(im.operators.map((o) => `${o.op}:${o.became.join('+')}`)).toEqual([
        'MEAN:int8_mean',
        'FULLY_CONNECTED:int8_dense',
        'SOFTMAX:int8_softmax',
      ]);
      const model = readTflite(bytes);
      const n = p.h * p.w * p.c;
      for (let s = 0; s < 3; s++) {
        const xq = Array.from({ length: n }, () =>
          s === 0 ? (r() < 0.5 ? -128 : 127) : s === 1 ? randInt(r, -3, 3) + p.inQ.z : randInt(r, -128, 127),
        ).map((v) => Math.max(-128, Math.min(127, v)));
        const { values } = runTfliteInt8Reference(model, xq);
        const sg = model.subgraphs[0]!;
        const meanWant = values.get(sg.operators[0]!.outputs[0]!)!;
        const want = values.get(sg.outputs[0]!)!;
        const xf = Float32Array.from(xq, (v) => Math.fround(Math.fround(p.inQ.s) * (v - p.inQ.z)));
        const g = im.graph!;
        const meanId = g.ops.find((o) => o.op === 'int8_mean')!.outputs[0]!;
        for (const backend of ['reference', 'wasm'] as const) {
          const [mean, out] = await runDeployGraph({ ...g, outputs: [meanId, ...g.outputs] }, xf, {
            backend,
          });
          expect(Array.from(mean!), `draw ${k} sample ${s} ${backend}: MEAN`).toEqual(meanWant);
          expect(Array.from(out!), `draw ${k} sample ${s} ${backend}`).toEqual(want);
        }
      }
    }
  });

  it('refuses int8 MEAN with keep_dims true (TFLite runs it through its optimized kernel, which rounds differently), naming the operator', () => {
    const bytes = lceInt8GapModel(1, {
      h: 3,
      w: 3,
      c: 4,
      inQ: { s: 0.1, z: 0 },
      meanQ: { s: 0.1, z: 0 },
      classes: 2,
    });
    const model = readTflite(bytes);
    const sg = model.subgraphs[0]!;
    // flip keep_dims in the written options (ReducerOptions' only field)
    const mb = new TfliteModelBuilder();
    const x = mb.addTensor('x', [1, 3, 3, 4], TensorType.INT8, { scale: [0.1], zeroPoint: [0] });
    const axes = mb.addConstTensor('axes', [2], TensorType.INT32, Int32Array.of(1, 2));
    const y = mb.addTensor('y', [1, 1, 1, 4], TensorType.INT8, { scale: [0.1], zeroPoint: [0] });
    mb.addBuiltin(Op.MEAN, 1, [x, axes], [y], { table: 'ReducerOptions', values: { keep_dims: 1 } });
    mb.inputs = [x];
    mb.outputs = [y];
    const r = importTflite(mb.serialize());
    expect(sg.operators[0]!.opName).toBe('MEAN');
    expect(r.graph).toBeNull();
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]!.operatorIndex).toBe(0);
    expect(r.refused[0]!.op).toBe('MEAN');
    expect(r.refused[0]!.message).toMatch(/keep_dims/);
    expect(r.refused[0]!.supported).toMatch(/INT8 MEAN over axes \[1, 2\].*keep_dims false/);
  });

  it('imports a 20 KB int8 BNN in well under a second', () => {
    const { bytes } = lceInt8Bnn(8, false, 2);
    expect(bytes.length).toBeGreaterThan(18_000);
    importTflite(bytes);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) expect(importTflite(bytes).refused).toEqual([]);
    // Loose on purpose (shared CI machines); the bench records the figure (src/bench/import.ts).
    expect((performance.now() - t0) / 5).toBeLessThan(1000);
  });
});

describe('importTflite: a float32 model with binary layers in LCE’s layout', () => {
  it('folds PAD into SAME, MUL+ADD into scale_shift, and matches the reference', async () => {
    const { bytes, reference } = floatFixture(3);
    const r = importTflite(bytes);
    expect(r.refused).toEqual([]);
    expect(r.graph!.ops.map((o) => o.op)).toEqual([
      'conv2d',
      'scale_shift',
      'quantize',
      'bconv2d',
      'maxpool2d',
      'quantize',
      'bconv2d',
      'bmaxpool2d',
      'dequantize',
      'global_avgpool',
      'dense',
      'softmax',
    ]);
    expect(r.graph!.ops[0]).toMatchObject({ padding: 'same', activation: 'relu' });
    const r2 = rng(5);
    for (let sample = 0; sample < 4; sample++) {
      const x = Array.from({ length: 6 * 6 * 8 }, () => r2() * 2 - 1);
      const [out] = await runDeployGraph(r.graph!, Float32Array.from(x), { backend: 'reference' });
      const want = reference(Array.from(Float32Array.from(x)));
      for (let i = 0; i < 10; i++) expect(out![i]).toBeCloseTo(want[i]!, 4);
    }
  });
});

describe('importTflite: LceBconv2d option values', () => {
  /** float [1,7,6,40] → LceQuantize → LceBconv2d (options) → float, or bit-packed → LceDequantize. */
  function bconvModel(o: {
    padding: number;
    padValues: 0 | 1;
    act: number;
    stride: [number, number];
    dilation: [number, number];
    bitpacked: boolean;
    seed: number;
  }) {
    const r = rng(o.seed);
    const mb = new TfliteModelBuilder();
    const F = TensorType.FLOAT32;
    const [H, W, C, O, KH, KW] = [7, 6, 40, 36, 3, 2];
    const x = mb.addTensor('x', [1, H, W, C], F);
    const q = mb.addTensor('q', [1, H, W, 2], TensorType.INT32);
    mb.addCustom('LceQuantize', [x], [q], EMPTY_CUSTOM_OPTIONS);
    const same = o.padding === Padding.SAME;
    const ext = (k: number, d: number) => (k - 1) * d + 1;
    const oh = same ? Math.ceil(H / o.stride[0]) : Math.floor((H - ext(KH, o.dilation[0])) / o.stride[0]) + 1;
    const ow = same ? Math.ceil(W / o.stride[1]) : Math.floor((W - ext(KW, o.dilation[1])) / o.stride[1]) + 1;
    const K = KH * KW * C;
    const bits = Array.from({ length: O }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
    const filter = mb.addConstTensor('f', [O, KH, KW, 2], TensorType.INT32, packFilter(bits, KH * KW, C));
    const opts = bconvOptions({
      channels_in: C,
      dilation_height_factor: o.dilation[0],
      dilation_width_factor: o.dilation[1],
      fused_activation_function: o.act,
      pad_values: o.padValues,
      padding: o.padding,
      stride_height: o.stride[0],
      stride_width: o.stride[1],
    });
    const m = Float32Array.from({ length: O }, () => (r() - 0.5) * 0.2);
    const b = Float32Array.from({ length: O }, () => (r() - 0.5) * 2);
    const th = Int32Array.from({ length: O }, () => randInt(r, K / 2 - 8, K / 2 + 8));
    let out: number;
    if (o.bitpacked) {
      const y = mb.addTensor('y', [1, oh, ow, 2], TensorType.INT32);
      mb.addCustom(
        'LceBconv2d',
        [q, filter, -1, -1, mb.addConstTensor('t', [O], TensorType.INT32, th)],
        [y],
        opts,
      );
      out = mb.addTensor('z', [1, oh, ow, O], F);
      mb.addCustom('LceDequantize', [y], [out], EMPTY_CUSTOM_OPTIONS);
    } else {
      out = mb.addTensor('y', [1, oh, ow, O], F);
      mb.addCustom(
        'LceBconv2d',
        [q, filter, mb.addConstTensor('m', [O], F, m), mb.addConstTensor('b', [O], F, b), -1],
        [out],
        opts,
      );
    }
    mb.inputs = [x];
    mb.outputs = [out];
    const reference = (xin: number[]) => {
      const signs = { h: H, w: W, c: C, d: xin.map((v) => (v < 0 ? -1 : 1)) };
      const d = refBconvDots(signs, { bits, kh: KH, kw: KW }, same, o.padValues, o.stride, o.dilation);
      return d.dot.map((dot, i) => {
        const c = i % O;
        if (o.bitpacked) return (K - dot) / 2 > th[c]! ? -1 : 1;
        // LCE: the int32 dot clamped to the fused activation's range (CalculateActivationRange).
        const [lo, hi] = ({ 0: [-(2 ** 31), 2 ** 31], 1: [0, 2 ** 31], 2: [-1, 1], 3: [0, 6] } as const)[
          o.act as 0 | 1 | 2 | 3
        ];
        return m[c]! * Math.min(Math.max(dot, lo), hi) + b[c]!;
      });
    };
    return { bytes: mb.serialize(), reference, n: H * W * C };
  }

  it('imports every padding / pad_values / stride / dilation / activation LCE accepts and matches LCE', async () => {
    let seed = 1;
    let checked = 0;
    for (const padding of [Padding.SAME, Padding.VALID])
      for (const padValues of padding === Padding.SAME ? ([0, 1] as const) : ([0] as const))
        for (const bitpacked of [false, true]) {
          // Bit-packed output needs a constant K (no zero padding), as in LCE.
          if (bitpacked && padding === Padding.SAME && padValues === 0) continue;
          for (const act of [0, 1, 2, 3])
            for (const stride of [
              [1, 1],
              [2, 1],
            ] as [number, number][])
              for (const dilation of [
                [1, 1],
                [2, 1],
              ] as [number, number][]) {
                const f = bconvModel({ padding, padValues, act, stride, dilation, bitpacked, seed: seed++ });
                const r = importTflite(f.bytes);
                expect(
                  r.refused,
                  JSON.stringify({ padding, padValues, act, stride, dilation, bitpacked }),
                ).toEqual([]);
                const x = Array.from({ length: f.n }, (_, i) => Math.sin(i * 12.9898 + seed) * 2);
                const [y] = await runDeployGraph(r.graph!, Float32Array.from(x), { backend: 'reference' });
                const want = f.reference(Array.from(Float32Array.from(x)));
                expect(y!.length).toBe(want.length);
                for (let i = 0; i < want.length; i++) expect(y![i]).toBeCloseTo(want[i]!, 5);
                checked++;
              }
        }
    expect(checked).toBe(80);
  });

  it('refuses a bit-packed model input (it cannot be fed from data)', () => {
    const mb = new TfliteModelBuilder();
    const x = mb.addTensor('x', [1, 12, 11, 4], TensorType.INT32);
    const y = mb.addTensor('y', [1, 5, 9, 1], TensorType.INT32);
    mb.addCustom(
      'LceBconv2d',
      [
        x,
        mb.addConstTensor('f', [32, 3, 3, 4], TensorType.INT32, new Int32Array(32 * 9 * 4)),
        -1,
        -1,
        mb.addConstTensor('t', [32], TensorType.INT32, new Int32Array(32)),
      ],
      [y],
      bconvOptions({
        channels_in: 128,
        dilation_height_factor: 1,
        dilation_width_factor: 1,
        fused_activation_function: 0,
        pad_values: 0,
        padding: Padding.VALID,
        stride_height: 2,
        stride_width: 1,
      }),
    );
    mb.inputs = [x];
    mb.outputs = [y];
    const r = importTflite(mb.serialize());
    expect(r.graph).toBeNull();
    expect(r.refused).toEqual([
      expect.objectContaining({
        operatorIndex: -1,
        op: 'input',
        supported: expect.stringContaining('float32 or int8'),
      }),
    ]);
  });
});

describe('importTflite: refusals and corrupt files', () => {
  it('refuses what it cannot run with operator index, op name and what is supported', () => {
    const mb = new TfliteModelBuilder();
    const x = mb.addTensor('x', [1, 4, 4, 32], TensorType.FLOAT32);
    const y = mb.addTensor('y', [1, 4, 4, 32], TensorType.FLOAT32);
    mb.addBuiltin(Op.MAXIMUM, 1, [x, x], [y]);
    const q = mb.addTensor('q', [1, 4, 4, 1], TensorType.INT32);
    mb.addCustom('LceQuantize', [x], [q], EMPTY_CUSTOM_OPTIONS);
    const z = mb.addTensor('z', [1, 4, 4, 32], TensorType.FLOAT32);
    const f = mb.addConstTensor('f', [32, 1, 1, 1], TensorType.INT32, new Int32Array(32));
    const ones = mb.addConstTensor('m', [32], TensorType.FLOAT32, new Float32Array(32).fill(1));
    const zeros = mb.addConstTensor('b', [32], TensorType.FLOAT32, new Float32Array(32));
    mb.addCustom(
      'LceBconv2d',
      [q, f, ones, zeros, -1],
      [z],
      encode({
        channels_in: 32,
        dilation_height_factor: 1,
        dilation_width_factor: 1,
        fused_activation_function: 4, // TANH: LCE defines no clamp of the dot for it (bconvOptions refuses it)
        pad_values: 0,
        padding: Padding.VALID,
        stride_height: 1,
        stride_width: 1,
      }),
    );
    const w = mb.addTensor('w', [1, 4, 4, 32], TensorType.FLOAT32);
    mb.addBuiltin(Op.SUB, 1, [y, z], [w], { table: 'SubOptions', values: {} });
    mb.inputs = [x];
    mb.outputs = [w];
    const r = importTflite(mb.serialize());
    expect(r.graph).toBeNull();
    expect(r.refused.map((x) => [x.operatorIndex, x.op])).toEqual([
      [0, 'MAXIMUM'],
      [2, 'LceBconv2d'],
    ]);
    expect(r.refused[1]!.message).toContain('TANH (4)');
    expect(r.refused[1]!.supported).toContain('0 (NONE), 1 (RELU), 2 (RELU_N1_TO_1) or 3 (RELU6)');
    // SUB reads refused tensors: it is skipped, not reported twice.
    expect(r.operators[3]!.became).toEqual(['skipped']);

    const mb2 = new TfliteModelBuilder();
    const a = mb2.addTensor('a', [1, 8], TensorType.FLOAT32);
    const b = mb2.addTensor('b', [1, 8], TensorType.FLOAT32);
    mb2.addBuiltin(Op.SUB, 1, [a, a], [b], { table: 'SubOptions', values: {} });
    mb2.inputs = [a];
    mb2.outputs = [b];
    const r2 = importTflite(mb2.serialize());
    expect(r2.refused).toEqual([
      expect.objectContaining({
        operatorIndex: 0,
        op: 'SUB',
        supported: expect.stringContaining('LceBconv2d'),
      }),
    ]);
  });

  it('gives corrupt and truncated files a coded error naming the problem', () => {
    const { bytes } = int8Fixture(7, false);
    const codeOf = (b: Uint8Array) => {
      try {
        importTflite(b);
      } catch (e) {
        expect(e).toBeInstanceOf(TfliteImportError);
        expect((e as TfliteImportError).fix.length).toBeGreaterThan(10);
        return (e as TfliteImportError).code;
      }
      return 'ok';
    };
    expect(codeOf(bytes.slice(0, 4))).toBe('too_short');
    const notTf = bytes.slice();
    notTf.set([0x58, 0x58, 0x58, 0x58], 4);
    expect(codeOf(notTf)).toBe('not_tflite');
    for (const cut of [64, 512, Math.floor(bytes.length / 2), bytes.length - 40]) {
      expect(['malformed', 'bad_buffer', 'bad_tensor', 'bad_operator']).toContain(
        codeOf(bytes.slice(0, cut)),
      );
    }
    // Seeded random corruption: an error with a code, or a result — never an uncaught TypeError.
    const r = rng(11);
    for (let k = 0; k < 40; k++) {
      const c = bytes.slice();
      for (let j = 0; j < 8; j++) c[Math.floor(r() * c.length)] = Math.floor(r() * 256);
      try {
        importTflite(c);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(TfliteImportError);
      }
    }
  });
});
