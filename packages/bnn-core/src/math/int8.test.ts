import { describe, expect, it } from 'vitest';
import {
  frexp,
  int8AddElement,
  int8AddParams,
  int8MeanParams,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  quantizeToInt8,
  roundedAverage,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
  tfliteRound,
} from './int8.js';
import { seededRandom } from './rng.js';

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** gemmlowp's SaturatingRoundingDoublingHighMul, written with 64-bit integers (BigInt) as in the C++ source. */
function highMulBig(a: number, b: number): number {
  if (a === I32_MIN && b === I32_MIN) return I32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++
}

function rdbpotBig(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}

const EDGE = [
  0,
  1,
  -1,
  2,
  -2,
  1 << 30,
  -(1 << 30),
  I32_MAX,
  I32_MIN,
  I32_MAX - 1,
  I32_MIN + 1,
  65535,
  65536,
  -65536,
  32767,
  -32768,
];

describe('TFLite fixed-point primitives', () => {
  it('SaturatingRoundingDoublingHighMul matches the 64-bit definition on edge values', () => {
    for (const a of EDGE)
      for (const b of EDGE)
        expect(saturatingRoundingDoublingHighMul(a, b), `${a}·${b}`).toBe(highMulBig(a, b));
    expect(saturatingRoundingDoublingHighMul(I32_MIN, I32_MIN)).toBe(I32_MAX);
  });

  it('SaturatingRoundingDoublingHighMul matches the 64-bit definition (seeded fuzz, regression seeds kept)', () => {
    for (const seed of [1, 2, 3, 20261206]) {
      const rnd = seededRandom(seed);
      const int32 = () => (Math.floor(rnd() * 2 ** 32) | 0) >> Math.floor(rnd() * 31);
      for (let i = 0; i < 5000; i++) {
        const a = int32();
        const b = int32();
        expect(saturatingRoundingDoublingHighMul(a, b), `seed ${seed}: ${a}·${b}`).toBe(highMulBig(a, b));
      }
    }
  });

  it('RoundingDivideByPOT rounds ties away from zero for every exponent 0…31', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(4, 1)).toBe(2);
    expect(roundingDivideByPOT(-3, 1)).toBe(-2);
    expect(roundingDivideByPOT(-1, 1)).toBe(-1);
    const rnd = seededRandom(7);
    for (let i = 0; i < 4000; i++) {
      const x = Math.floor(rnd() * 2 ** 32) | 0;
      const e = i % 32;
      expect(roundingDivideByPOT(x, e), `${x} >> ${e}`).toBe(rdbpotBig(x, e));
    }
    for (const x of EDGE)
      for (let e = 0; e < 32; e++) expect(roundingDivideByPOT(x, e)).toBe(rdbpotBig(x, e));
  });

  it('QuantizeMultiplier follows frexp and TfLiteRound (q in [2^30, 2^31), 2^31 renormalised)', () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 3 * 2 ** 29, shift: 0 });
    // q·2^31 rounds up to 2^31: halved, shift + 1.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    // Shifts below −31 become 0.
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    const rnd = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const m = rnd() * 2 ** (Math.floor(rnd() * 40) - 30);
      if (m === 0) continue;
      const { multiplier, shift } = quantizeMultiplier(m);
      const [q, e] = frexp(m);
      expect(q * 2 ** e).toBe(m);
      expect(q >= 0.5 && q < 1).toBe(true);
      if (multiplier !== 0) {
        expect(multiplier >= 2 ** 30 && multiplier < 2 ** 31).toBe(true);
        expect(Math.abs(multiplier * 2 ** (shift - 31) - m) <= 2 ** (shift - 32)).toBe(true);
      }
    }
    expect(() => quantizeMultiplier(-1)).toThrow(/non-negative/);
  });

  it('MultiplyByQuantizedMultiplier = RoundingDivideByPOT(HighMul(x·2^left, q), right) on the 64-bit definition', () => {
    const rnd = seededRandom(13);
    for (let i = 0; i < 4000; i++) {
      const x = (Math.floor(rnd() * 2 ** 32) | 0) >> Math.floor(rnd() * 31);
      const { multiplier, shift } = quantizeMultiplier(rnd() * 2 ** (Math.floor(rnd() * 20) - 16));
      const left = Math.max(shift, 0);
      const expected = rdbpotBig(highMulBig(Math.imul(x, 2 ** left), multiplier), shift > 0 ? 0 : -shift);
      expect(multiplyByQuantizedMultiplier(x, multiplier, shift)).toBe(expected);
    }
  });

  it('TfLiteRound ties away from zero; AffineQuantize divides in float32 and clamps', () => {
    expect([
      tfliteRound(0.5),
      tfliteRound(-0.5),
      tfliteRound(1.5),
      tfliteRound(-2.5),
      tfliteRound(2.4999),
    ]).toEqual([1, -1, 2, -3, 2]);
    const q = { scale: Math.fround(0.1), zeroPoint: -3 };
    expect(quantizeToInt8(0, q)).toBe(-3);
    expect(quantizeToInt8(1000, q)).toBe(127);
    expect(quantizeToInt8(-1000, q)).toBe(-128);
    expect(quantizeToInt8(0.25, q)).toBe(Math.round(Math.fround(0.25 / q.scale)) - 3);
  });

  it('int8 ADD and average follow the reference kernels', () => {
    const a = { scale: Math.fround(0.05), zeroPoint: 3 };
    const b = { scale: Math.fround(0.02), zeroPoint: -10 };
    const out = { scale: Math.fround(0.06), zeroPoint: 0 };
    const p = int8AddParams(a, b, out);
    expect(p.input1Shift).toBeLessThanOrEqual(0);
    // 0.05·(23 − 3) + 0.02·(40 + 10) = 1 + 1 = 2 → 2 / 0.06 ≈ 33.3
    expect(int8AddElement(23, 40, p)).toBe(33);
    expect([
      roundedAverage(5, 2),
      roundedAverage(-5, 2),
      roundedAverage(4, 3),
      roundedAverage(-4, 3),
    ]).toEqual([3, -3, 1, -1]);
  });
});

describe('int8 MEAN requantisation (TFLite QuantizedMeanOrSum)', () => {
  it("folds 1/n into QuantizeMultiplier(s_in/s_out) exactly as the int64 C++: k = min(⌊log2 n⌋, 32, 31 + S), M' = (M << k) / n", () => {
    const rnd = seededRandom(77);
    const ns = [1, 2, 3, 4, 7, 49, 63, 64, 65, 1000, 4095, 4096, 65537, 2 ** 23 - 1, 2 ** 23];
    for (let i = 0; i < 400; i++) {
      const n = i < ns.length ? ns[i]! : 1 + Math.floor(rnd() * 2 ** (1 + rnd() * 22));
      const inQ = { scale: Math.fround(2 ** (-12 + rnd() * 14)), zeroPoint: 0 };
      const outQ = { scale: Math.fround(2 ** (-12 + rnd() * 14)), zeroPoint: 0 };
      const { multiplier: m, shift: s } = quantizeMultiplier(inQ.scale / outQ.scale);
      let k = BigInt(n).toString(2).length - 1;
      k = Math.min(k, 32, 31 + s);
      const want = { multiplier: Number((BigInt(m) << BigInt(k)) / BigInt(n)), shift: s - k };
      expect(int8MeanParams(inQ, outQ, n), `n ${n}, s_in ${inQ.scale}, s_out ${outQ.scale}`).toEqual(want);
    }
    expect(() => int8MeanParams({ scale: 1, zeroPoint: 0 }, { scale: 1, zeroPoint: 0 }, 2 ** 23 + 1)).toThrow(
      /pixels/,
    );
  });
});
