/**
 * Reference implementations of the float operations of a deployable graph, one sample at a time, in the deploy
 * graph's float32 contract (docs/deploy-graph.md, "Float32 numeric contract"): every operation is one IEEE
 * float32 operation, rounded with `Math.fround` at each step, in a fixed order, with no fused multiply-add.
 * (For one +, −, ·, / of two float32 values, rounding the double result to float32 equals the float32
 * operation: 53 ≥ 2·24 + 2.) The WASM kernels and the C runtime perform the same operations in the same order,
 * so all executors agree bit for bit.
 */
import {
  type Conv2DOp,
  type FloatActivation,
  hardSwishF32,
  type Padding,
  relu6F32,
} from '@bnn-studio/bnn-core';
import { convGeometry } from '../geometry.js';
import { expf } from './expf.js';

const f = Math.fround;

function activate(y: number, activation: FloatActivation): number {
  return activation === 'relu' ? Math.max(y, 0) : y;
}

/** A float conv's weights and attributes: the `conv2d` op of the deploy graph without its wiring. */
export type FloatConvParams = Omit<Conv2DOp, 'op' | 'sourceNode' | 'inputs' | 'outputs'>;

/**
 * Float conv2d, NHWC input `[H, W, Cin]`, HWIO filter, zero padding for `same`. Accumulates in float32 in a
 * fixed order — acc = bias, then for taps (ky, kx) and channels c: acc = f32(acc + f32(x·w)) — which the
 * WASM SIMD kernel reproduces exactly (4 output channels per f32x4, separate mul and add roundings).
 */
export function conv2dReference(
  input: Float32Array,
  inH: number,
  inW: number,
  p: FloatConvParams,
): Float32Array {
  const g = convGeometry(inH, inW, p.kernel, p.strides, p.dilations, p.padding);
  const { inChannels: ci, outChannels: co, filter, bias } = p;
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const relu = p.activation === 'relu';
  const out = new Float32Array(g.outH * g.outW * co);
  const acc = new Float32Array(co);
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      if (bias) acc.set(bias);
      else acc.fill(0);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - g.padTop + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - g.padLeft + kx * dw;
          if (ix < 0 || ix >= inW) continue;
          const inBase = (iy * inW + ix) * ci;
          let row = (ky * kw + kx) * ci * co;
          for (let c = 0; c < ci; c++, row += co) {
            const x = input[inBase + c]!;
            // storing the double sum into the Float32Array rounds it once, which equals f32.add
            for (let o = 0; o < co; o++) acc[o]! += Math.fround(x * filter[row + o]!);
          }
        }
      }
      const base = (oy * g.outW + ox) * co;
      if (relu) for (let o = 0; o < co; o++) out[base + o] = Math.max(acc[o]!, 0);
      else out.set(acc, base);
    }
  }
  return out;
}

export interface DepthwiseParams {
  filter: Float32Array;
  bias: Float32Array | null;
  channels: number;
  depthMultiplier: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

/**
 * Float depthwise conv2d: filter `[KH, KW, C, M]`, output channel c·M + m. float32: acc = bias (or +0), then for
 * in-bounds taps in (ky, kx) order acc = f32(acc + f32(x·w)); activation last.
 */
export function depthwiseConv2dReference(
  input: Float32Array,
  inH: number,
  inW: number,
  p: DepthwiseParams,
): Float32Array {
  const g = convGeometry(inH, inW, p.kernel, p.strides, p.dilations, p.padding);
  const { channels: c, depthMultiplier: m, filter, bias } = p;
  const cm = c * m;
  const relu = p.activation === 'relu';
  const out = new Float32Array(g.outH * g.outW * cm);
  const acc = new Float32Array(cm);
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      if (bias) acc.set(bias);
      else acc.fill(0);
      // per output channel, taps are summed in (ky, kx) order
      for (let ky = 0; ky < p.kernel[0]; ky++) {
        const iy = oy * p.strides[0] - g.padTop + ky * p.dilations[0];
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < p.kernel[1]; kx++) {
          const ix = ox * p.strides[1] - g.padLeft + kx * p.dilations[1];
          if (ix < 0 || ix >= inW) continue;
          const inBase = (iy * inW + ix) * c;
          const fBase = (ky * p.kernel[1] + kx) * cm;
          for (let ch = 0; ch < c; ch++) {
            const x = input[inBase + ch]!;
            // storing the sum into the Float32Array rounds it: acc = f32(acc + f32(x·w))
            for (let k = 0; k < m; k++) acc[ch * m + k]! += f(x * filter[fBase + ch * m + k]!);
          }
        }
      }
      const base = (oy * g.outW + ox) * cm;
      if (relu) for (let o = 0; o < cm; o++) out[base + o] = Math.max(acc[o]!, 0);
      else out.set(acc, base);
    }
  }
  return out;
}

/**
 * Float dense: `[Cin]` → `[Cout]`, weights `[Cin, Cout]`. float32: acc = bias (or +0), then for inputs i in
 * order, skipping x[i] = ±0, acc = f32(acc + f32(x[i]·w[i][o])); activation last.
 */
export function denseReference(
  input: Float32Array,
  p: {
    weights: Float32Array;
    bias: Float32Array | null;
    inChannels: number;
    outChannels: number;
    activation: FloatActivation;
  },
): Float32Array {
  const acc = new Float32Array(p.outChannels);
  if (p.bias) acc.set(p.bias);
  for (let i = 0; i < p.inChannels; i++) {
    const x = input[i]!;
    if (x === 0) continue;
    const row = i * p.outChannels;
    for (let o = 0; o < p.outChannels; o++) acc[o]! += f(x * p.weights[row + o]!);
  }
  const out = new Float32Array(p.outChannels);
  for (let o = 0; o < p.outChannels; o++) out[o] = activate(acc[o]!, p.activation);
  return out;
}

/**
 * Float max- or average-pool; `same` uses only in-bounds taps (TensorFlow semantics). Max: from −∞ in (iy, ix)
 * order, `Math.max` (+0 beats −0). Average, float32: s = +0, s = f32(s + x) in (iy, ix) order, y = f32(s / n)
 * with n the in-bounds tap count.
 */
export function pool2dReference(
  kind: 'max' | 'avg',
  input: Float32Array,
  inH: number,
  inW: number,
  channels: number,
  p: { pool: [number, number]; strides: [number, number]; padding: Padding },
): Float32Array {
  const g = convGeometry(inH, inW, p.pool, p.strides, [1, 1], p.padding);
  const out = new Float32Array(g.outH * g.outW * channels);
  const acc = new Float32Array(channels);
  const isMax = kind === 'max';
  for (let oy = 0; oy < g.outH; oy++) {
    const y0 = Math.max(0, oy * p.strides[0] - g.padTop);
    const y1 = Math.min(inH, oy * p.strides[0] - g.padTop + p.pool[0]);
    for (let ox = 0; ox < g.outW; ox++) {
      const x0 = Math.max(0, ox * p.strides[1] - g.padLeft);
      const x1 = Math.min(inW, ox * p.strides[1] - g.padLeft + p.pool[1]);
      acc.fill(isMax ? Number.NEGATIVE_INFINITY : 0);
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) {
          const base = (iy * inW + ix) * channels;
          if (isMax) for (let c = 0; c < channels; c++) acc[c] = Math.max(acc[c]!, input[base + c]!);
          else for (let c = 0; c < channels; c++) acc[c]! += input[base + c]!;
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      const base = (oy * g.outW + ox) * channels;
      for (let c = 0; c < channels; c++) out[base + c] = isMax ? acc[c]! : f(acc[c]! / count);
    }
  }
  return out;
}

/** `[H, W, C]` → `[C]`: mean over all positions. float32: s = +0, s = f32(s + x) in position order, y = f32(s / P). */
export function globalAvgPoolReference(
  input: Float32Array,
  positions: number,
  channels: number,
): Float32Array {
  const acc = new Float32Array(channels);
  for (let i = 0; i < positions; i++) for (let c = 0; c < channels; c++) acc[c]! += input[i * channels + c]!;
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) out[c] = acc[c]! / positions;
  return out;
}

/** Element-wise sum. float32: s = +0, then s = f32(s + x_k) for the inputs in order (so −0 + −0 gives +0). */
export function addReference(inputs: readonly Float32Array[]): Float32Array {
  const n = inputs[0]!.length;
  const acc = new Float32Array(n);
  for (const t of inputs) for (let i = 0; i < n; i++) acc[i]! += t[i]!;
  return acc;
}

/** Concatenation along the channel axis of tensors with `positions` rows each. */
export function concatReference(
  inputs: readonly Float32Array[],
  channels: readonly number[],
  positions: number,
): Float32Array {
  const total = channels.reduce((a, b) => a + b, 0);
  const out = new Float32Array(positions * total);
  for (let i = 0; i < positions; i++) {
    let offset = 0;
    inputs.forEach((t, k) => {
      const c = channels[k]!;
      out.set(t.subarray(i * c, (i + 1) * c), i * total + offset);
      offset += c;
    });
  }
  return out;
}

export function reluReference(input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = Math.max(input[i]!, 0);
  return out;
}

/** y = x ≥ 0 ? x : alpha·x, with alpha per channel (`[C]`) or per element. */
export function preluReference(input: Float32Array, alpha: Float32Array): Float32Array {
  const n = alpha.length;
  return input.map((x, i) => (x >= 0 ? x : alpha[i % n]! * x));
}

export function hardTanhReference(input: Float32Array): Float32Array {
  return input.map((x) => Math.min(Math.max(x, -1), 1));
}

/**
 * Larq's leaky_tanh: clamp(x, −1, 1) + alpha·(x − clamp(x, −1, 1)). float32, with a = f32(alpha):
 * c = clamp(x, −1, 1); y = f32(c + f32(a · f32(x − c))).
 */
export function leakyTanhReference(input: Float32Array, alpha: number): Float32Array {
  const a = f(alpha);
  return input.map((x) => {
    const c = Math.min(Math.max(x, -1), 1);
    return f(c + f(a * f(x - c)));
  });
}

/** y = x·scale[c] + shift[c] along the last axis. float32, no fused multiply-add: y = f32(f32(x·scale) + shift). */
export function scaleShiftReference(
  input: Float32Array,
  scale: Float32Array,
  shift: Float32Array,
): Float32Array {
  const c = scale.length;
  return input.map((x, i) => f(x * scale[i % c]!) + shift[i % c]!);
}

/**
 * Softmax over the last axis (rows of `channels`). float32: m = max of the row (`Math.max` from −∞);
 * e_i = expf(f32(x_i − m)) (./expf.ts); s = +0, s = f32(s + e_i) in order; y_i = f32(e_i / s).
 */
export function softmaxReference(input: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(input.length);
  for (let r = 0; r < input.length / channels; r++) {
    const base = r * channels;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < channels; c++) max = Math.max(max, input[base + c]!);
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const e = expf(input[base + c]! - max);
      out[base + c] = e;
      sum = f(sum + e);
    }
    for (let c = 0; c < channels; c++) out[base + c] = out[base + c]! / sum;
  }
  return out;
}

/** float RELU6: `x > 0 ? min(x, 6) : +0` (bnn-core `relu6F32`; +0 for ±0 and NaN, as the C `bnn_relu6`). */
export function relu6Reference(input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = relu6F32(input[i]!);
  return out;
}

/**
 * float HARD_SWISH in TensorFlow Lite's reference order (bnn-core `hardSwishF32`):
 * t = f32(x + 3), r = min(6, max(0, t)), y = f32(f32(x · r) / 6).
 */
export function hardSwishReference(input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = hardSwishF32(input[i]!);
  return out;
}
