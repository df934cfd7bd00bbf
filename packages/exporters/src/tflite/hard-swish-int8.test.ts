/**
 * int8 HARD_SWISH: the studio's kernel (kernels' reference `int8HardSwishReference`, on bnn-core's
 * `int8HardSwishParams` / `int8HardSwishElement`) against the independent BigInt rebuild of TensorFlow Lite's
 * `HardSwishPrepare` + `reference_ops::HardSwish` (`refHardSwishInt8`), every int8 input on seeded random scales
 * and zero points (extreme zero points, scale ratios at both ends of what TFLite accepts), plus the float formula.
 */
import { hardSwishF32, int8HardSwishParams, isHardSwishRefusal, seededRandom } from '@bnn-studio/bnn-core';
import { hardSwishReference, int8HardSwishReference } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { refHardSwishInt8 } from './tflite-int8-reference.js';

const ALL = Array.from({ length: 256 }, (_, i) => i - 128);

function check(inS: number, inZ: number, outS: number, outZ: number): 'ok' | 'refused' {
  const inQ = { scale: Math.fround(inS), zeroPoint: inZ };
  const outQ = { scale: Math.fround(outS), zeroPoint: outZ };
  const p = int8HardSwishParams(inQ, outQ);
  if (isHardSwishRefusal(p)) return 'refused';
  const studio = Array.from(int8HardSwishReference(Int8Array.from(ALL), inQ, outQ));
  expect(studio, `s_in ${inQ.scale} zp ${inZ} → s_out ${outQ.scale} zp ${outZ}`).toEqual(
    refHardSwishInt8(ALL, inQ.scale, inZ, outQ.scale, outZ),
  );
  return 'ok';
}

describe('int8 HARD_SWISH', () => {
  it('matches the BigInt TFLite reference on every input for seeded scales and zero points', () => {
    const rnd = seededRandom(16);
    const zp = () => (rnd() < 0.25 ? (rnd() < 0.5 ? -128 : 127) : Math.floor(rnd() * 256) - 128);
    let ok = 0;
    for (let k = 0; k < 400; k++) {
      const inS = 2 ** (-12 + rnd() * 16); // 2^−12 … 2^4: reluish exponents −6 … 10
      const ratio = 2 ** (-3 + rnd() * 12); // s_out / s_in from 1/8 to 512
      if (check(inS, zp(), inS * ratio, zp()) === 'ok') ok++;
    }
    expect(ok).toBeGreaterThan(380);
  });

  it('typical MobileNet-style grids, saturating outputs and the hand value', () => {
    // x in [−6, 6] on 12/255 steps → output [−0.375, 6]: the usual quantized hard swish
    for (const [inS, inZ, outS, outZ] of [
      [12 / 255, 0, 6.375 / 255, -113],
      [0.05, -128, 0.01, -128], // output saturates at 127 for most positives
      [0.1, 127, 0.2, 127],
      [1 / 128, 5, 1 / 256, -3],
      [3, 0, 0.03, 0], // reluish exponent 9: left shifts saturate
    ] as const) {
      expect(check(inS, inZ, outS, outZ)).toBe('ok');
    }
    // x = 1 (q = 20 at s = 0.05), hard_swish(1) = 1·4/6 ≈ 0.667 → 0.667 / 0.01 ≈ 67 steps above zp −128
    const inQ = { scale: Math.fround(0.05), zeroPoint: 0 };
    const outQ = { scale: Math.fround(0.01), zeroPoint: -128 };
    const y = int8HardSwishReference(Int8Array.of(20), inQ, outQ)[0]!;
    expect(Math.abs(y - (-128 + 66.67))).toBeLessThanOrEqual(1);
  });

  it('refuses the scales TensorFlow Lite refuses (input scale / output scale ≥ 128) with a fix', () => {
    const p = int8HardSwishParams({ scale: 1, zeroPoint: 0 }, { scale: 1 / 256, zeroPoint: 0 });
    expect(isHardSwishRefusal(p)).toBe(true);
    expect(() => refHardSwishInt8([0], 1, 0, 1 / 256, 0)).toThrow(/exponent/);
    if (isHardSwishRefusal(p)) expect(p.fix).toMatch(/output a scale/);
  });

  it('float HARD_SWISH follows TFLite’s order x · min(6, max(0, x + 3)) / 6 in float32', () => {
    const rnd = seededRandom(6);
    const xs = Float32Array.from({ length: 2000 }, () => (rnd() - 0.5) * 20);
    xs.set([-3, 3, -0, 0, 1e-30, -1e-30, 1e30, -1e30], 0);
    const y = hardSwishReference(xs);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const t = Math.fround(x + 3);
      const r = Math.min(6, Math.max(0, t));
      expect(Object.is(y[i], Math.fround(Math.fround(x * r) / 6)) || y[i] === hardSwishF32(x)).toBe(true);
      expect(Math.abs(y[i]! - (x * Math.min(6, Math.max(0, x + 3))) / 6)).toBeLessThanOrEqual(
        Math.abs(x) * 2e-7 + 1e-37,
      );
    }
  });
});
