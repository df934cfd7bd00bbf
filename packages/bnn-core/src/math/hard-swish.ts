/**
 * HARD_SWISH, y = x · relu6(x + 3) / 6, as TensorFlow Lite's reference kernels compute it
 * (`tensorflow/lite/kernels/internal/reference/hard_swish.h`, parameters from `activations.cc` `HardSwishPrepare`).
 *
 * float32: `y = f(f(x · min(6, max(0, f(x + 3)))) / 6)` — TFLite's `in * std::min(6, std::max(0, in + 3)) / 6`,
 * left to right, every step one float32 operation (`std::max(0, t)` is `0 < t ? t : 0`, `std::min(6, r)` is
 * `r < 6 ? r : 6`).
 *
 * int8, in 16-bit fixed point (Prepare, all in float32):
 *   hires = f(s_in / 128), M_out = f(hires / s_out), M_relu = f(hires / f(3 / 32768)),
 *   (m32, e) = QuantizeMultiplier(M), m16 = DownScaleInt32ToInt16Multiplier(m32) = m32 ≥ 2^31 − 1 − 2^15 ? 2^15 − 1
 *   : (m32 + 2^15) >> 16. TFLite refuses e_out > 0 (s_in / s_out ≥ 128 or so).
 * Per element (int16 arithmetic):
 *   v = (x − zp_in) · 2^7; pre = SRDHM16(v, m16_out);
 *   r = v; if e_relu > 0: r = SatShl16(r, e_relu − 1); r = SRDHM16(r, m16_relu); if e_relu > 0: r = SatShl16(r, 1);
 *   if e_relu < 0: r = RDBPOT(r, −e_relu); r = (r + 2^15) >> 1 (the relu-ish factor in [0, 1] as Q0.15);
 *   y = clamp(RDBPOT(SDHM16(r, pre), −e_out) + zp_out, −128, 127)
 * with SRDHM16 gemmlowp's rounding doubling high multiply on int16 (`(a·b + (a·b ≥ 0 ? 2^14 : 1 − 2^14)) / 2^15`
 * truncated toward zero, −2^15·−2^15 → 2^15 − 1) and SDHM16 TFLite's non-rounding one (`a·b / 2^15`, truncated).
 * The studio takes shifts in [−15, 30] only (`int8HardSwishParams` returns a reason otherwise): gemmlowp's int16
 * `RoundingDivideByPOT` mask wraps beyond 15 bits, so those scale ratios would compute nonsense in TFLite too.
 */
import { type Int8Quant, quantizeMultiplier } from './int8.js';

const I16_MIN = -32768;
const I16_MAX = 32767;

/** float32 HARD_SWISH of one float32 value (TFLite's reference order). */
export function hardSwishF32(x: number): number {
  const t = Math.fround(x + 3);
  // C++'s std::max / std::min (the C runtime's ternaries): NaN gives 0, unlike Math.max.
  // biome-ignore lint/complexity/useMathMinMax: std::max(0, t) semantics
  const lo = 0 < t ? t : 0;
  // biome-ignore lint/complexity/useMathMinMax: std::min(6, lo) semantics
  const r = lo < 6 ? lo : 6;
  return Math.fround(Math.fround(x * r) / 6);
}

/** float32 RELU6: `min(max(x, 0), 6)`, +0 for ±0 (as the studio's `relu`; NaN gives +0). */
export function relu6F32(x: number): number {
  // biome-ignore lint/complexity/useMathMinMax: the C runtime's ternaries (NaN and −0 give +0)
  return x > 0 ? (x < 6 ? x : 6) : 0;
}

export interface Int8HardSwishParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  /** int16 multipliers in [2^14, 2^15 − 1] and their exponents (TFLite's `HardSwishParams`). */
  outputMultiplier: number;
  outputExponent: number;
  reluishMultiplier: number;
  reluishExponent: number;
}

/** TFLite's `DownScaleInt32ToInt16Multiplier`. */
export function downScaleInt32ToInt16Multiplier(m32: number): number {
  if (m32 >= 2147483647 - 32768) return I16_MAX;
  return (m32 + 32768) >> 16;
}

/**
 * `HardSwishPrepare` for int8: the parameters, or `{ error, fix }` when TFLite refuses the scales (output exponent
 * above 0) or a shift lies outside [−15, 30] (where TFLite's int16 fixed point breaks down).
 */
export function int8HardSwishParams(
  inQ: Int8Quant,
  outQ: Int8Quant,
): Int8HardSwishParams | { error: string; fix: string } {
  const hires = Math.fround(Math.fround(1 / 128) * Math.fround(inQ.scale));
  const reluishScale = Math.fround(3 / 32768);
  const outputMultiplier = Math.fround(hires / Math.fround(outQ.scale));
  const reluishMultiplier = Math.fround(hires / reluishScale);
  if (!(outputMultiplier > 0) || !(reluishMultiplier > 0) || !Number.isFinite(outputMultiplier)) {
    return {
      error: `input scale ${inQ.scale} and output scale ${outQ.scale} give no usable multiplier.`,
      fix: 'Quantize the HARD_SWISH input and output with ordinary positive scales.',
    };
  }
  const o = quantizeMultiplier(outputMultiplier);
  const r = quantizeMultiplier(reluishMultiplier);
  if (o.shift > 0) {
    return {
      error: `input scale / output scale = ${inQ.scale / outQ.scale} is too large: TensorFlow Lite needs (s_in / 128) / s_out < 1 (output exponent ${o.shift} > 0).`,
      fix: 'Give the HARD_SWISH output a scale of at least the input scale / 128.',
    };
  }
  if (o.shift < -15 || r.shift < -15 || r.shift > 30 || o.multiplier === 0 || r.multiplier === 0) {
    return {
      error: `the scales (input ${inQ.scale}, output ${outQ.scale}) need fixed-point shifts ${o.shift} / ${r.shift}, outside [−15, 30] where TensorFlow Lite's int16 HARD_SWISH is exact.`,
      fix: 'Quantize the HARD_SWISH input and output with comparable scales (input scale ≥ ~4e−7, output scale ≤ 256 × input scale).',
    };
  }
  return {
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    outputMultiplier: downScaleInt32ToInt16Multiplier(o.multiplier),
    outputExponent: o.shift,
    reluishMultiplier: downScaleInt32ToInt16Multiplier(r.multiplier),
    reluishExponent: r.shift,
  };
}

/** Whether `int8HardSwishParams` refused. */
export function isHardSwishRefusal(
  p: Int8HardSwishParams | { error: string; fix: string },
): p is { error: string; fix: string } {
  return 'error' in p;
}

/** int16 wrap (C's conversion to int16_t on two's complement targets). */
const wrap16 = (x: number): number => (x << 16) >> 16;

/** gemmlowp's `SaturatingRoundingDoublingHighMul` on int16. */
export function srdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  const ab = a * b;
  return wrap16(Math.trunc((ab + (ab >= 0 ? 16384 : 1 - 16384)) / 32768));
}

/** TFLite's `SaturatingDoublingHighMul` on int16 (truncating). */
export function sdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  return wrap16(Math.trunc((a * b) / 32768));
}

/** TFLite's `SaturatingLeftShift` on int16. */
function satShl16(v: number, amount: number): number {
  const r = v * 2 ** amount;
  return Math.min(I16_MAX, Math.max(I16_MIN, r));
}

/** gemmlowp's `RoundingDivideByPOT` on int16, exponent ∈ [0, 15]. */
function rdbpot16(x: number, exponent: number): number {
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** One element of TFLite's reference int8 HardSwish. */
export function int8HardSwishElement(x: number, p: Int8HardSwishParams): number {
  const v = wrap16((x - p.inputZeroPoint) * 128);
  const pre = srdhm16(v, p.outputMultiplier);
  let r = v;
  if (p.reluishExponent > 0) r = satShl16(r, p.reluishExponent - 1);
  r = srdhm16(r, p.reluishMultiplier);
  if (p.reluishExponent > 0) r = satShl16(r, 1);
  if (p.reluishExponent < 0) r = rdbpot16(r, -p.reluishExponent);
  r = (r + 32768) >> 1;
  const preOut = sdhm16(r, pre);
  let y = wrap16(rdbpot16(preOut, -p.outputExponent) + p.outputZeroPoint);
  y = Math.min(y, 127);
  return Math.max(y, -128);
}
