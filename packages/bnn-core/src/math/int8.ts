/**
 * TensorFlow Lite's int8 fixed-point arithmetic, bit-exact (the reference kernels'
 * `tensorflow/lite/kernels/internal/common.h` and `quantization_util.cc`):
 *
 *   real = scale · (q − zero_point),  q ∈ [−128, 127]
 *
 * - `quantizeMultiplier(m)`: a positive real multiplier as `q · 2^(shift − 31)` with `q` an int32 in
 *   [2^30, 2^31) from `frexp` (TFLite's `QuantizeMultiplier`; shifts below −31 give q = 0).
 * - `multiplyByQuantizedMultiplier(x, q, shift)`: `x · q · 2^(shift − 31)` rounded as TFLite's (double-rounding)
 *   `MultiplyByQuantizedMultiplier`: `RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x · 2^left, q), right)`.
 * - `saturatingRoundingDoublingHighMul(a, b)`: `(a·b + nudge) / 2^31` truncated toward zero, with the 64-bit
 *   product computed exactly (split into 16-bit halves: every partial product is below 2^53), and the single
 *   overflow case (a = b = −2^31) saturated to 2^31 − 1 (gemmlowp).
 * - `roundingDivideByPOT(x, e)`: `x / 2^e` rounded to nearest, ties away from zero (gemmlowp).
 * - `tfliteRound(x)`: `std::round` (ties away from zero), TFLite's `TfLiteRound`.
 *
 * All inputs are int32 values held in JS numbers; results are int32.
 */

export const INT8_MIN = -128;
export const INT8_MAX = 127;
const TWO_31 = 2147483648;
const TWO_15 = 32768;

/** `std::round`: to nearest, ties away from zero. */
export function tfliteRound(x: number): number {
  // `|| 0`: never −0 (int8 values are integers; the oracle holds them in floats).
  return x < 0 ? -Math.floor(-x + 0.5) || 0 : Math.floor(x + 0.5);
}

/** `frexp(x)` for a finite positive x: `[q, e]` with x = q · 2^e, q ∈ [0.5, 1) (exact: powers of two only). */
export function frexp(x: number): [number, number] {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`frexp: ${x} is not a finite positive number`);
  let e = Math.max(-1073, Math.floor(Math.log2(x)) + 1);
  let q = x / 2 ** e;
  // log2 may be off by one near powers of two; 2^e is exact, so the division is exact while q is normal.
  while (q >= 1) {
    e += 1;
    q = x / 2 ** e;
  }
  while (q < 0.5) {
    e -= 1;
    q = x / 2 ** e;
  }
  return [q, e];
}

/** TFLite's `QuantizeMultiplier(double)`: `{ multiplier, shift }` with real ≈ multiplier · 2^(shift − 31). */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  if (!(real > 0) || !Number.isFinite(real)) {
    throw new RangeError(`quantizeMultiplier: ${real} is not a finite non-negative multiplier`);
  }
  const [q, e] = frexp(real);
  let shift = e;
  let qFixed = tfliteRound(q * TWO_31);
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: qFixed, shift };
}

/** gemmlowp's `SaturatingRoundingDoublingHighMul` on int32 `a`, `b`, exact without 64-bit integers. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === -TWO_31 && b === -TWO_31) return TWO_31 - 1;
  if (a >= -2097152 && a <= 2097152) {
    // |a| ≤ 2^21: a·b and a·b + nudge are exact doubles (< 2^53); dividing by 2^31 is exact, trunc rounds to 0.
    const ab = a * b;
    return Math.trunc((ab + (ab >= 0 ? 1 << 30 : 1 - (1 << 30))) / TWO_31) | 0;
  }
  // a·b = p1·2^16 + p0 with b = bh·2^16 + bl, bl ∈ [0, 65536): |p1| < 2^47, 0 ≤ |p0| < 2^47, both exact.
  const bl = b & 0xffff;
  const bh = (b - bl) / 65536;
  const p1 = a * bh;
  const p0 = a * bl;
  // p1 = q1·2^15 + r1 (floor), so a·b = q1·2^31 + r1·2^16 + p0.
  const q1 = Math.floor(p1 / TWO_15);
  const r1 = p1 - q1 * TWO_15;
  const ab = r1 * 65536 + p0; // 0 ≤ r1·2^16 < 2^31, |p0| < 2^47: exact
  // TFLite's nudge follows the sign of the full 64-bit product.
  const n = a === 0 || b === 0 || a < 0 === b < 0 ? 1 << 30 : 1 - (1 << 30);
  const s = ab + n;
  const fs = Math.floor(s / TWO_31);
  const f = q1 + fs;
  const rem = s - fs * TWO_31;
  // (a·b + n) = f·2^31 + rem, rem ∈ [0, 2^31): truncate toward zero.
  return f < 0 && rem !== 0 ? f + 1 : f;
}

/** gemmlowp's `RoundingDivideByPOT`: x / 2^exponent, to nearest, ties away from zero; exponent ∈ [0, 31]. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite's `MultiplyByQuantizedMultiplier(int32 x, int32 q, int shift)` (double rounding). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = Math.max(shift, 0);
  const right = shift > 0 ? 0 : -shift;
  // x · 2^left wraps like the int32 multiplication of the C++ reference.
  const shifted = left === 0 ? x : Math.imul(x, 1 << left); // 1 << 31 is −2^31: the same product mod 2^32
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), right);
}

/** Clamp to [lo, hi]. */
export const clampInt = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

/** Per-tensor int8 quantization of an activation tensor. */
export interface Int8Quant {
  /** A positive, finite float32 value. */
  scale: number;
  /** An integer in [−128, 127]. */
  zeroPoint: number;
}

/**
 * TFLite's QUANTIZE (`AffineQuantize`) of one float: `round(x / scale) + zero_point`, the division in float32,
 * rounded ties away from zero, clamped to [−128, 127]. `x` must be finite.
 */
export function quantizeToInt8(x: number, q: Int8Quant): number {
  const v = tfliteRound(Math.fround(x / q.scale));
  return clampInt(v + q.zeroPoint, INT8_MIN, INT8_MAX);
}

/** TFLite's DEQUANTIZE of one int8: `float(scale · (q − zero_point))` (the product is exact in double). */
export function dequantizeInt8(v: number, q: Int8Quant): number {
  return Math.fround(q.scale * (v - q.zeroPoint));
}

/** The int8 range of a fused activation (TFLite's `CalculateActivationRangeQuantized`): none or ReLU. */
export function int8ActivationRange(activation: 'none' | 'relu', out: Int8Quant): [number, number] {
  return activation === 'relu' ? [Math.max(INT8_MIN, out.zeroPoint), INT8_MAX] : [INT8_MIN, INT8_MAX];
}

/**
 * Per-output-channel requantization of an int8 conv / depthwise / dense (TFLite's
 * `PopulateConvolutionQuantizationParams`): `real[c] = double(in.scale) · double(filterScale[c]) / double(out.scale)`.
 */
export function channelMultipliers(
  inScale: number,
  filterScales: ArrayLike<number>,
  outScale: number,
): { multipliers: Int32Array; shifts: Int32Array } {
  const n = filterScales.length;
  const multipliers = new Int32Array(n);
  const shifts = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const { multiplier, shift } = quantizeMultiplier((inScale * filterScales[c]!) / outScale);
    multipliers[c] = multiplier;
    shifts[c] = shift;
  }
  return { multipliers, shifts };
}

/** TFLite's int8 ADD parameters (`PrepareGeneralSubOp` / add.cc with `left_shift` 20). */
export interface Int8AddParams {
  leftShift: number;
  input1Offset: number;
  input2Offset: number;
  outputOffset: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
}

export function int8AddParams(a: Int8Quant, b: Int8Quant, out: Int8Quant): Int8AddParams {
  const leftShift = 20;
  const twiceMax = 2 * Math.max(a.scale, b.scale);
  const m1 = quantizeMultiplier(a.scale / twiceMax);
  const m2 = quantizeMultiplier(b.scale / twiceMax);
  const mo = quantizeMultiplier(twiceMax / Math.fround(2 ** leftShift * out.scale));
  return {
    leftShift,
    input1Offset: -a.zeroPoint,
    input2Offset: -b.zeroPoint,
    outputOffset: out.zeroPoint,
    input1Multiplier: m1.multiplier,
    input1Shift: m1.shift,
    input2Multiplier: m2.multiplier,
    input2Shift: m2.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
  };
}

/** One element of TFLite's int8 ADD (before the activation clamp). */
export function int8AddElement(x1: number, x2: number, p: Int8AddParams): number {
  const s1 = multiplyByQuantizedMultiplier(
    (x1 + p.input1Offset) * 2 ** p.leftShift,
    p.input1Multiplier,
    p.input1Shift,
  );
  const s2 = multiplyByQuantizedMultiplier(
    (x2 + p.input2Offset) * 2 ** p.leftShift,
    p.input2Multiplier,
    p.input2Shift,
  );
  return multiplyByQuantizedMultiplier(s1 + s2, p.outputMultiplier, p.outputShift) + p.outputOffset;
}

/** TFLite's int8 average: `acc / count` rounded to nearest, ties away from zero (C integer division). */
export function roundedAverage(acc: number, count: number): number {
  const half = Math.trunc(count / 2);
  // `| 0` truncates toward zero like C's integer division (and never yields −0).
  return acc > 0 ? ((acc + half) / count) | 0 : ((acc - half) / count) | 0;
}

/**
 * LCE's int8 output transform of a binary conv (`OutputTransform<int8>`, the float path):
 *   effective multiplier m'[c] = float(multiplier[c] / out.scale), bias b'[c] = float(bias[c] / out.scale + zp)
 *   (double arithmetic, stored as float32), then per element
 *   y = saturate(round(float(float(clamp(dot)) · m'[c]) + b'[c])).
 */
export function bconvInt8Effective(
  multiplier: ArrayLike<number>,
  bias: ArrayLike<number>,
  out: Int8Quant,
): { multiplier: Float32Array; bias: Float32Array } {
  const n = multiplier.length;
  const m = new Float32Array(n);
  const b = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    m[c] = multiplier[c]! / out.scale;
    b[c] = bias[c]! / out.scale + out.zeroPoint;
  }
  return { multiplier: m, bias: b };
}

/** One element of LCE's int8 output transform, given `clamp(dot)` and the effective multiplier/bias. */
export function bconvInt8Value(clampedDot: number, m: number, b: number): number {
  const y = Math.fround(Math.fround(clampedDot * m) + b);
  return clampInt(tfliteRound(y), INT8_MIN, INT8_MAX);
}

// ---- quantization-aware training and lowering share these definitions -------------------------------------

/**
 * The int8 quantization of an activation range (TFLite's converter): the range widened to contain 0, scale =
 * (max − min)/255 (a float32), zero point = round(−128 − min/scale) in [−128, 127], so real 0 is exact.
 * An empty range (max = min = 0) takes scale 2^−20 so that every value maps to the zero point's neighbourhood.
 */
export function rangeQuant(min: number, max: number): Int8Quant {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.fround(hi - lo > 2 ** -12 ? (hi - lo) / 255 : 2 ** -20);
  const zeroPoint = clampInt(tfliteRound(-128 - lo / scale), INT8_MIN, INT8_MAX);
  return { scale, zeroPoint };
}

/**
 * Symmetric per-channel int8 weight scales: `scale[c] = float32(max_i |w[i]| / 127)` over the elements of
 * channel c (`channelOf(i)`), 1 for an all-zero channel.
 */
export function weightScales(
  w: ArrayLike<number>,
  channels: number,
  channelOf: (i: number) => number,
): Float32Array {
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w[i]!));
  }
  return Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
}

/** A weight on its channel's grid: `clamp(round(w / scale), −127, 127)`. */
export function quantizeWeight(w: number, scale: number): number {
  return clampInt(tfliteRound(w / scale), -127, INT8_MAX);
}

/** An int32 bias of scale `inScale · filterScale` (TFLite's bias quantization), saturated to int32. */
export function quantizeBias(b: number, inScale: number, filterScale: number): number {
  return clampInt(tfliteRound(b / (inScale * filterScale)), -2147483648, 2147483647);
}
