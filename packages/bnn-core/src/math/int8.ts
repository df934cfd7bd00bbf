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

// ---- int8 SOFTMAX (TFLite's reference `Softmax` for int8 input and output, gemmlowp fixed point) ------------

/** Parameters of TFLite's int8 softmax (`PreprocessSoftmaxScaling`, `CalculateInputRadius`; 5 integer bits). */
export interface Int8SoftmaxParams {
  /** `QuantizeMultiplierGreaterThanOne(min(beta · s_in · 2^26, 2^31 − 1))`: multiplier in [2^30, 2^31). */
  inputMultiplier: number;
  /** Its left shift, in [0, 31]. */
  inputLeftShift: number;
  /** Input differences below this (negative) value contribute exp = 0 and output −128. */
  diffMin: number;
}

const SOFTMAX_DIFF_INTEGER_BITS = 5;
const INT32_MAX = 2147483647;

/**
 * TFLite's int8 softmax parameters from `beta` and the input scale (both float32 values, widened to double as
 * TFLite's Prepare does). Returns null when `beta · s_in · 2^26 ≤ 1`: TFLite's `QuantizeMultiplierGreaterThanOne`
 * refuses such a model (the input grid is finer than the Q5.26 input of the fixed-point exp).
 */
export function int8SoftmaxParams(beta: number, inScale: number): Int8SoftmaxParams | null {
  const real = Math.min(beta * inScale * 2 ** (31 - SOFTMAX_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  if (!(real > 1) || !Number.isFinite(real)) return null;
  const { multiplier, shift } = quantizeMultiplier(real);
  if (shift < 0 || shift > 31) return null;
  // CalculateInputRadius(5, shift, 31): floor((2^5 − 1) · 2^26 / 2^shift), exact in double.
  const radius = Math.floor((31 * 2 ** 26) / 2 ** shift);
  return { inputMultiplier: multiplier, inputLeftShift: shift, diffMin: -radius };
}

/** gemmlowp's `SaturatingRoundingMultiplyByPOT<e>` on an int32: saturating left shift (e > 0) or rounding right shift. */
function srMulByPot(x: number, e: number): number {
  if (e === 0) return x;
  if (e < 0) return roundingDivideByPOT(x, -e);
  const max = INT32_MAX >> e;
  const min = -TWO_31 >> e; // == -(2^31 >> e)
  if (x > max) return INT32_MAX;
  if (x < min) return -TWO_31;
  return x << e;
}

const srdhm = saturatingRoundingDoublingHighMul;

/** gemmlowp `exp_on_interval_between_negative_one_quarter_and_0_excl` on a Q0.31 raw value in [−2^29, 0). */
function expQuarterInterval(a: number): number {
  const constantTerm = 1895147668; // exp(−1/8) in Q0.31
  const oneThird = 715827883;
  const x = (a + (1 << 28)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = srMulByPot(x4, -2);
  const poly = srMulByPot((srdhm((x4Over4 + x3) | 0, oneThird) + x2) | 0, -1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

const EXP_BARREL: readonly [number, number][] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** gemmlowp `exp_on_negative_values` of a Q5.26 raw value a ≤ 0 → Q0.31 raw. */
export function int8SoftmaxExp(a: number): number {
  if (a === 0) return INT32_MAX;
  const quarter = 1 << 24; // 1/4 in Q5.26
  const aModMinusQuarter = ((a & (quarter - 1)) - quarter) | 0;
  let result = expQuarterInterval(srMulByPot(aModMinusQuarter, SOFTMAX_DIFF_INTEGER_BITS));
  const remainder = (aModMinusQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (remainder & (1 << (26 + exponent))) result = srdhm(result, multiplier);
  }
  return result;
}

/** gemmlowp `one_over_one_plus_x_for_x_in_0_1` on a Q0.31 raw value in [0, 1) → Q0.31 raw of 1/(1 + x). */
function oneOverOnePlusX(a: number): number {
  // RoundingHalfSum(a, One): (a + 2^31 − 1 + 1) / 2, truncated (the sum is positive).
  const halfDenominator = Math.trunc((a + INT32_MAX + 1) / 2);
  const c48over17 = 1515870810; // Q2.29
  const cNeg32over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (c48over17 + srdhm(halfDenominator, cNeg32over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const hdx = srdhm(halfDenominator, x);
    const oneMinus = (oneQ2 - hdx) | 0;
    x = (x + srMulByPot(srdhm(x, oneMinus), 2)) | 0;
  }
  // Rescale<0>(ExactMulByPot<−1>(x)): the raw value as Q1.30 rescaled to Q0.31.
  return srMulByPot(x, 1);
}

/** Leading zeros of a 32-bit value (`Math.clz32`). */
const clz = Math.clz32;

/**
 * TFLite's reference int8 softmax of `depth` values from `x[offset …]` into `out[offset …]` (output scale 1/256,
 * zero point −128):
 *   diff = x − max; e = exp_on_negative_values(SRDHM(diff · 2^left_shift, multiplier)) for diff ≥ diff_min;
 *   sum = Σ RoundingDivideByPOT(e, 12) (Q12.19); reciprocal of sum by `GetReciprocal` (Newton–Raphson);
 *   y = clamp(RoundingDivideByPOT(SRDHM(reciprocal, e), bits_over_unit + 23) − 128, −128, 127), −128 below diff_min.
 */
export function int8SoftmaxRow(
  x: ArrayLike<number>,
  out: { [i: number]: number },
  offset: number,
  depth: number,
  p: Int8SoftmaxParams,
): void {
  let max = -128;
  for (let c = 0; c < depth; c++) max = Math.max(max, x[offset + c]!);
  const exps = new Int32Array(depth);
  let sum = 0;
  for (let c = 0; c < depth; c++) {
    const diff = x[offset + c]! - max;
    if (diff >= p.diffMin) {
      const scaled = srdhm(Math.imul(diff, (2 ** p.inputLeftShift) | 0), p.inputMultiplier);
      const e = int8SoftmaxExp(scaled);
      exps[c] = e;
      sum = (sum + roundingDivideByPOT(e, 12)) | 0;
    }
  }
  // GetReciprocal(sum, 12): sum > 0 (the maximum contributes 2^19).
  const headroom = clz(sum);
  const bitsOverUnit = 12 - headroom;
  const shiftedSumMinusOne = ((sum << headroom) - TWO_31) | 0;
  const scale = oneOverOnePlusX(shiftedSumMinusOne);
  for (let c = 0; c < depth; c++) {
    const diff = x[offset + c]! - max;
    if (diff >= p.diffMin) {
      const v = roundingDivideByPOT(srdhm(scale, exps[c]!), bitsOverUnit + 23) - 128;
      out[offset + c] = clampInt(v, INT8_MIN, INT8_MAX);
    } else out[offset + c] = INT8_MIN;
  }
}

/** The int8 softmax output quantization TFLite requires: scale 1/256 (within 0.1 %), zero point −128. */
export function isSoftmaxOutputQuant(q: Int8Quant): boolean {
  return q.zeroPoint === -128 && Math.abs(q.scale - 1 / 256) <= 0.001 / 256;
}

// ---- int8 MUL (TFLite reference_integer_ops::Mul) -------------------------------------------------------------

/** TFLite's int8 MUL output stage: `QuantizeMultiplier(double(s1) · double(s2) / double(s_out))`. */
export function int8MulParams(
  a: Int8Quant,
  b: Int8Quant,
  out: Int8Quant,
): { multiplier: number; shift: number } {
  return quantizeMultiplier((a.scale * b.scale) / out.scale);
}

/**
 * One element of TFLite's int8 MUL before the activation clamp:
 * `zp_out + MultiplyByQuantizedMultiplier((x1 − zp1) · (x2 − zp2), multiplier, shift)`.
 */
export function int8MulElement(
  x1: number,
  x2: number,
  zp1: number,
  zp2: number,
  p: { multiplier: number; shift: number },
  zpOut: number,
): number {
  return zpOut + multiplyByQuantizedMultiplier((x1 - zp1) * (x2 - zp2), p.multiplier, p.shift);
}

/** TFLite's `Requantize` / `ReluX` element: `zp_out + MultiplyByQuantizedMultiplier(x − zp_in, M, S)`, unclamped. */
export function int8RequantizeElement(
  x: number,
  inQ: Int8Quant,
  outQ: Int8Quant,
  p: { multiplier: number; shift: number },
): number {
  return outQ.zeroPoint + multiplyByQuantizedMultiplier(x - inQ.zeroPoint, p.multiplier, p.shift);
}

/** `QuantizeMultiplier(double(s_in) / double(s_out))`, the rescale of int8 QUANTIZE / RELU. */
export function int8RequantizeParams(inQ: Int8Quant, outQ: Int8Quant): { multiplier: number; shift: number } {
  return quantizeMultiplier(inQ.scale / outQ.scale);
}

/**
 * TFLite's `QuantizedReluX` clamp bounds on the output grid: `max(−128, zp + round(lo / s))` and
 * `min(127, zp + round(hi / s))` (`roundf` of a float32 division; an infinite bound is the int8 end).
 */
export function int8ReluBounds(lo: number, hi: number, outQ: Int8Quant): [number, number] {
  const at = (v: number) => outQ.zeroPoint + tfliteRound(Math.fround(v / outQ.scale));
  return [
    Math.max(INT8_MIN, at(lo)),
    hi === Number.POSITIVE_INFINITY ? INT8_MAX : Math.min(INT8_MAX, at(hi)),
  ];
}

/** The most pixels an int8 MEAN reduces: the int32 sum of `x − zp_in` (|·| ≤ 255 each) stays below 2^31. */
export const INT8_MEAN_MAX_PIXELS = 2 ** 23;

/**
 * The requantisation of TFLite's int8 MEAN (`reference_ops::QuantizedMeanOrSum` with `compute_sum = false`, what
 * TFLite's reduce.cc `EvalQuantizedMean` and TFLite Micro's `EvalIntegerMean` run): `(M, S) =
 * QuantizeMultiplier(double(s_in) / double(s_out))`, then the 1/n of the mean folded in as
 * `k = min(floor(log2 n), 32, 31 + S)`, `M' = floor(M · 2^k / n)` (int64 in C++, exact here: `M = q·n + r`,
 * `r · 2^k < n² ≤ 2^46`), `S' = S − k`.
 */
export function int8MeanParams(
  inQ: Int8Quant,
  outQ: Int8Quant,
  pixels: number,
): { multiplier: number; shift: number } {
  if (!Number.isInteger(pixels) || pixels < 1 || pixels > INT8_MEAN_MAX_PIXELS) {
    throw new RangeError(`int8MeanParams: ${pixels} pixels (1 … ${INT8_MEAN_MAX_PIXELS})`);
  }
  const { multiplier, shift } = quantizeMultiplier(inQ.scale / outQ.scale);
  const k = Math.min(31 - Math.clz32(pixels), 32, 31 + shift);
  const q = Math.floor(multiplier / pixels);
  const r = multiplier - q * pixels;
  return { multiplier: q * 2 ** k + Math.floor((r * 2 ** k) / pixels), shift: shift - k };
}

/**
 * One output of TFLite's int8 MEAN over `n` values whose int32 sum is `sum`:
 * `zp_out + MultiplyByQuantizedMultiplier(sum − zp_in · n, M', S')`, unclamped (`int8MeanParams`).
 */
export function int8MeanElement(
  sum: number,
  pixels: number,
  inQ: Int8Quant,
  outQ: Int8Quant,
  p: { multiplier: number; shift: number },
): number {
  return outQ.zeroPoint + multiplyByQuantizedMultiplier(sum - inQ.zeroPoint * pixels, p.multiplier, p.shift);
}
