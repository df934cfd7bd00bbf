/**
 * Reference int8 kernels: TensorFlow Lite's reference integer kernels (`reference_integer_ops`: ConvPerChannel,
 * DepthwiseConvPerChannel, FullyConnected per channel, Add, AveragePool, MaxPool; QUANTIZE / DEQUANTIZE) and
 * LCE's int8 LceQuantize / LceBconv2d output, bit for bit. Int32 arithmetic with TFLite's fixed-point
 * requantization from bnn-core (`multiplyByQuantizedMultiplier`: the 64-bit high multiply is exact). One sample
 * at a time; int8 tensors are `Int8Array`s, bit-packed ones LCE words.
 *
 * Derivation of the output stage (conv, depthwise, dense):
 *   real_y = s_in·s_w[c]·acc  ⇒  q_y = real_y / s_out + zp_out = M[c]·acc + zp_out,  M[c] = s_in·s_w[c]/s_out,
 *   with `acc = Σ w·(q_x − zp_in) + bias[c]` and M[c] ≈ multiplier·2^(shift−31) (QuantizeMultiplier).
 */
import {
  bconvInt8Effective,
  channelMultipliers,
  clampInt,
  INT8_MAX,
  INT8_MIN,
  type Int8AvgPool2DOp,
  type Int8BConv2DOp,
  type Int8Conv2DOp,
  type Int8DenseOp,
  type Int8DepthwiseConv2DOp,
  type Int8MaxPool2DOp,
  type Int8Quant,
  int8ActivationRange,
  int8AddElement,
  int8AddParams,
  int8HardSwishElement,
  int8HardSwishParams,
  int8MeanElement,
  int8MeanParams,
  int8MulElement,
  int8MulParams,
  int8RequantizeElement,
  int8RequantizeParams,
  int8SoftmaxParams,
  int8SoftmaxRow,
  isHardSwishRefusal,
  multiplyByQuantizedMultiplier,
  quantizeToInt8,
  roundedAverage,
  tfliteRound,
} from '@bnn-studio/bnn-core';
import { packedWords } from '../bitpack.js';
import { nonFiniteQuantize } from '../errors.js';
import { convGeometry } from '../geometry.js';
import { bconv2dReference } from './binary.js';

/** Per-channel requantization of int32 accumulators, written into `out` (TFLite's output stage). */
function requantizeInto(
  acc: Int32Array,
  out: Int8Array,
  channels: number,
  inQ: Int8Quant,
  filterScales: Float32Array,
  outQ: Int8Quant,
  activation: 'none' | 'relu',
): void {
  const { multipliers, shifts } = channelMultipliers(inQ.scale, filterScales, outQ.scale);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  for (let i = 0; i < acc.length; i++) {
    const c = i % channels;
    const v = multiplyByQuantizedMultiplier(acc[i]!, multipliers[c]!, shifts[c]!) + outQ.zeroPoint;
    out[i] = clampInt(v, lo, hi);
  }
}

/** TFLite QUANTIZE: round(x / scale) (float32 division, ties away from zero) + zero point, saturated. */
export function int8QuantizeReference(x: Float32Array, q: Int8Quant, nodeId: string): Int8Array {
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw nonFiniteQuantize(nodeId);
    y[i] = quantizeToInt8(x[i]!, q);
  }
  return y;
}

/** TFLite DEQUANTIZE: float(scale · (q − zero point)). */
export function int8DequantizeReference(x: Int8Array, q: Int8Quant): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = q.scale * (x[i]! - q.zeroPoint);
  return y;
}

/** LceQuantize of an int8 `[positions, channels]` tensor: bit 1 (−1) where q < zero point, tail bits 0. */
export function int8BitpackReference(x: Int8Array, channels: number, zeroPoint: number): Int32Array {
  const words = packedWords(channels);
  const positions = x.length / channels;
  const out = new Int32Array(positions * words);
  for (let p = 0; p < positions; p++) {
    for (let c = 0; c < channels; c++) {
      if (x[p * channels + c]! < zeroPoint) out[p * words + (c >>> 5)]! |= 1 << (c & 31);
    }
  }
  return out;
}

/** The OHWI filter of an int8 conv as HWIO (output channel fastest), once per op. */
const hwioCache = new WeakMap<Int8Array, Int8Array>();
function hwioOf(op: Int8Conv2DOp): Int8Array {
  let w = hwioCache.get(op.filter);
  if (!w) {
    const taps = op.kernel[0] * op.kernel[1] * op.inChannels;
    const cout = op.outChannels;
    w = new Int8Array(op.filter.length);
    for (let co = 0; co < cout; co++)
      for (let t = 0; t < taps; t++) w[t * cout + co] = op.filter[co * taps + t]!;
    hwioCache.set(op.filter, w);
  }
  return w;
}

/**
 * int8 CONV_2D (OHWI filter); taps outside the input are skipped (they would read the zero point). Accumulates
 * per output pixel over in-bounds taps with the output channel innermost (exact int32 sums in any order).
 */
export function int8Conv2dReference(
  x: Int8Array,
  inH: number,
  inW: number,
  op: Int8Conv2DOp,
  inQ: Int8Quant,
  outQ: Int8Quant,
): Int8Array {
  const [kh, kw] = op.kernel;
  const [sh, sw] = op.strides;
  const [dh, dw] = op.dilations;
  const cin = op.inChannels;
  const cout = op.outChannels;
  const w = hwioOf(op);
  const bias = op.bias;
  const g = convGeometry(inH, inW, op.kernel, op.strides, op.dilations, op.padding);
  const acc = new Int32Array(g.outH * g.outW * cout);
  const zp = inQ.zeroPoint;
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      const o = (oy * g.outW + ox) * cout;
      if (bias) for (let co = 0; co < cout; co++) acc[o + co] = bias[co]!;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - g.padTop + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - g.padLeft + kx * dw;
          if (ix < 0 || ix >= inW) continue;
          const xb = (iy * inW + ix) * cin;
          const wb = (ky * kw + kx) * cin;
          for (let ci = 0; ci < cin; ci++) {
            const xv = x[xb + ci]! - zp;
            const wr = (wb + ci) * cout;
            for (let co = 0; co < cout; co++) acc[o + co] = acc[o + co]! + w[wr + co]! * xv;
          }
        }
      }
    }
  }
  const y = new Int8Array(acc.length);
  requantizeInto(acc, y, cout, inQ, op.filterScales, outQ, op.activation);
  return y;
}

/** int8 DEPTHWISE_CONV_2D (`[KH, KW, C·M]` filter; output channel c·M + m reads input channel c). */
export function int8DepthwiseConv2dReference(
  x: Int8Array,
  inH: number,
  inW: number,
  op: Int8DepthwiseConv2DOp,
  inQ: Int8Quant,
  outQ: Int8Quant,
): Int8Array {
  const [kh, kw] = op.kernel;
  const ch = op.channels;
  const m = op.depthMultiplier;
  const n = ch * m;
  const g = convGeometry(inH, inW, op.kernel, op.strides, op.dilations, op.padding);
  const acc = new Int32Array(g.outH * g.outW * n);
  const zp = inQ.zeroPoint;
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      const o = (oy * g.outW + ox) * n;
      for (let oc = 0; oc < n; oc++) {
        const ic = (oc / m) | 0;
        let s = op.bias ? op.bias[oc]! : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * op.strides[0] - g.padTop + ky * op.dilations[0];
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * op.strides[1] - g.padLeft + kx * op.dilations[1];
            if (ix < 0 || ix >= inW) continue;
            s += op.filter[(ky * kw + kx) * n + oc]! * (x[(iy * inW + ix) * ch + ic]! - zp);
          }
        }
        acc[o + oc] = s;
      }
    }
  }
  const y = new Int8Array(acc.length);
  requantizeInto(acc, y, n, inQ, op.filterScales, outQ, op.activation);
  return y;
}

/** int8 FULLY_CONNECTED (`[Cout, Cin]` weights) on the flattened input. */
export function int8DenseReference(
  x: Int8Array,
  op: Int8DenseOp,
  inQ: Int8Quant,
  outQ: Int8Quant,
): Int8Array {
  const cin = op.inChannels;
  const acc = new Int32Array(op.outChannels);
  for (let o = 0; o < op.outChannels; o++) {
    let s = op.bias ? op.bias[o]! : 0;
    for (let i = 0; i < cin; i++) s += op.weights[o * cin + i]! * (x[i]! - inQ.zeroPoint);
    acc[o] = s;
  }
  const y = new Int8Array(acc.length);
  requantizeInto(acc, y, op.outChannels, inQ, op.filterScales, outQ, op.activation);
  return y;
}

/** int8 ADD of two tensors of equal shape (TFLite's 20-bit left shift and per-input multipliers). */
export function int8AddReference(
  a: Int8Array,
  b: Int8Array,
  qa: Int8Quant,
  qb: Int8Quant,
  outQ: Int8Quant,
  activation: 'none' | 'relu',
): Int8Array {
  const p = int8AddParams(qa, qb, outQ);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  const y = new Int8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = int8AddElement(a[i]!, b[i]!, p);
    y[i] = clampInt(v, lo, hi);
  }
  return y;
}

/** int8 MAX_POOL_2D / AVERAGE_POOL_2D over the in-bounds taps (the output keeps the input's quantization). */
export function int8Pool2dReference(
  x: Int8Array,
  inH: number,
  inW: number,
  channels: number,
  op: Int8MaxPool2DOp | Int8AvgPool2DOp,
): Int8Array {
  const g = convGeometry(inH, inW, op.pool, op.strides, [1, 1], op.padding);
  const max = op.op === 'int8_maxpool2d';
  const y = new Int8Array(g.outH * g.outW * channels);
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      for (let c = 0; c < channels; c++) {
        let acc = max ? INT8_MIN : 0;
        let count = 0;
        for (let ky = 0; ky < op.pool[0]; ky++) {
          const iy = oy * op.strides[0] - g.padTop + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < op.pool[1]; kx++) {
            const ix = ox * op.strides[1] - g.padLeft + kx;
            if (ix < 0 || ix >= inW) continue;
            const v = x[(iy * inW + ix) * channels + c]!;
            if (max) acc = Math.max(acc, v);
            else acc += v;
            count++;
          }
        }
        y[(oy * g.outW + ox) * channels + c] = max ? acc : roundedAverage(acc, count);
      }
    }
  }
  return y;
}

/**
 * Binary conv with int8 output (LCE): the float output transform with the effective multiplier/bias
 * (`m' = multiplier / s_out`, `b' = bias / s_out + zp_out`, float32) gives `float(float(clamp(dot)) · m') + b'`
 * exactly as `floatTransform` computes it; then round (ties away from zero) and saturate to int8.
 */
export function int8Bconv2dReference(
  x: Int32Array,
  inH: number,
  inW: number,
  op: Int8BConv2DOp,
  outQ: Int8Quant,
): Int8Array {
  const eff = bconvInt8Effective(op.multiplier, op.bias, outQ);
  const y = bconv2dReference(x, inH, inW, {
    ...op,
    transform: {
      kind: 'float',
      clamp: op.clamp,
      multiplier: eff.multiplier,
      bias: eff.bias,
      activation: 'none',
    },
  }) as Float32Array;
  const out = new Int8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const r = tfliteRound(y[i]!);
    out[i] = clampInt(r, INT8_MIN, INT8_MAX);
  }
  return out;
}

/**
 * TFLite's reference int8 SOFTMAX over the last axis (`channels` values per row; output scale 1/256, zero point
 * −128): bnn-core's fixed-point `int8SoftmaxRow` (gemmlowp's exp and reciprocal) with the parameters TFLite's
 * Prepare derives from `beta` and the input scale (`int8SoftmaxParams`).
 */
export function int8SoftmaxReference(
  x: Int8Array,
  channels: number,
  beta: number,
  inQ: Int8Quant,
): Int8Array {
  const p = int8SoftmaxParams(beta, inQ.scale);
  if (!p) throw new RangeError(`int8 softmax: beta ${beta} · input scale ${inQ.scale} is at most 2^−26.`);
  const out = new Int8Array(x.length);
  for (let r = 0; r < x.length; r += channels) int8SoftmaxRow(x, out, r, channels, p);
  return out;
}

/**
 * TFLite int8 MUL (`reference_integer_ops::Mul`): `clamp(zp_out + MultiplyByQuantizedMultiplier((a − zp_a) ·
 * (b − zp_b), M, S))` with `(M, S) = QuantizeMultiplier(s_a · s_b / s_out)`. `b` has as many elements as `a`.
 */
export function int8MulReference(
  a: Int8Array,
  b: Int8Array,
  qa: Int8Quant,
  qb: Int8Quant,
  outQ: Int8Quant,
  activation: 'none' | 'relu',
): Int8Array {
  const p = int8MulParams(qa, qb, outQ);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  const y = new Int8Array(a.length);
  for (let i = 0; i < a.length; i++)
    y[i] = clampInt(int8MulElement(a[i]!, b[i]!, qa.zeroPoint, qb.zeroPoint, p, outQ.zeroPoint), lo, hi);
  return y;
}

/** A constant operand broadcast along the last axis to `n` elements (`channels` per position). */
export function broadcastInt8Constant(values: Int8Array, n: number, channels: number): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = values[values.length === 1 ? 0 : i % channels]!;
  return out;
}

/** TFLite int8 → int8 `Requantize` / `ReluX`: `clamp(zp_out + MBQM(x − zp_in, M, S), min, max)`, M·2^(S−31) ≈ s_in/s_out. */
export function int8RequantizeReference(
  x: Int8Array,
  inQ: Int8Quant,
  outQ: Int8Quant,
  min: number,
  max: number,
): Int8Array {
  const p = int8RequantizeParams(inQ, outQ);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = clampInt(int8RequantizeElement(x[i]!, inQ, outQ, p), min, max);
  return y;
}

/**
 * TFLite's reference int8 `HardSwish` (int16 fixed point with `HardSwishParams` from `HardSwishPrepare`; every
 * step in bnn-core `math/hard-swish.ts`). Throws when the scales are outside what the op's contract accepts
 * (`checkDeployGraph` refuses those graphs first).
 */
export function int8HardSwishReference(x: Int8Array, inQ: Int8Quant, outQ: Int8Quant): Int8Array {
  const p = int8HardSwishParams(inQ, outQ);
  if (isHardSwishRefusal(p)) throw new RangeError(`int8_hard_swish: ${p.error} ${p.fix}`);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = int8HardSwishElement(x[i]!, p);
  return y;
}

/**
 * TFLite int8 MEAN over height and width (`reference_ops::QuantizedMeanOrSum`): per channel
 * `clamp(zp_out + MBQM(Σ x − zp_in·n, M', S'), −128, 127)`, `n = h·w`, the 1/n folded into `M'·2^(S'−31) ≈
 * s_in / (s_out·n)` (bnn-core `int8MeanParams`). Pixels outer, channels inner: one pass over the NHWC map.
 */
export function int8MeanReference(
  x: Int8Array,
  h: number,
  w: number,
  c: number,
  inQ: Int8Quant,
  outQ: Int8Quant,
): Int8Array {
  const n = h * w;
  const p = int8MeanParams(inQ, outQ, n);
  const sums = new Int32Array(c);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) sums[k]! += x[i * c + k]!;
  const y = new Int8Array(c);
  for (let k = 0; k < c; k++) y[k] = clampInt(int8MeanElement(sums[k]!, n, inQ, outQ, p), INT8_MIN, INT8_MAX);
  return y;
}
