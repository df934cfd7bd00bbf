// expf (the softmax exponential of the float32 contract): accuracy against the exact e^x, the special cases, and
// bit-equality with the WASM kernel's expf_f32 on a million-point sweep of float32 bit patterns.
import { describe, expect, it } from 'vitest';
import { instantiateKernels } from '../wasm/runtime.js';
import { expf, scalbnf } from './expf.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (b: number) => {
  u32[0] = b >>> 0;
  return f32[0]!;
};
const bitsOf = (x: number) => {
  f32[0] = x;
  return u32[0]!;
};

/** Distance in float32 ulps between two finite non-negative float32 values. */
const ulps = (a: number, b: number) => Math.abs(bitsOf(a) - bitsOf(b));

describe('expf (float32, FreeBSD/musl e_expf algorithm)', () => {
  it('is within 1 ulp of the correctly rounded e^x over [−103.9, 88.7]', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = Math.fround(-103.9 + (192.6 * i) / 200_000);
      const want = Math.fround(Math.exp(x));
      if (want < 1.2e-38) continue; // subnormal results are checked below
      worst = Math.max(worst, ulps(expf(x), want));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('special cases: NaN, ±∞, overflow, underflow, tiny arguments, subnormal results', () => {
    expect(expf(Number.NaN)).toBeNaN();
    expect(expf(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(expf(Number.NEGATIVE_INFINITY), 0)).toBe(true);
    expect(expf(88.8)).toBe(Number.POSITIVE_INFINITY);
    expect(expf(88.72)).toBeLessThan(3.4028235e38);
    expect(Object.is(expf(-104), 0)).toBe(true);
    expect(expf(0)).toBe(1);
    expect(expf(-0)).toBe(1);
    expect(expf(1e-6)).toBe(Math.fround(1 + 1e-6));
    // e^−100 ≈ 3.72e−44 is subnormal: one rounding, like Math.fround(Math.exp(−100)) up to an ulp
    expect(Math.abs(expf(-100) - Math.fround(Math.exp(-100)))).toBeLessThanOrEqual(1.5e-45);
    expect(expf(-103.97)).toBeGreaterThan(0);
  });

  it('scalbnf scales with one rounding, subnormals included', () => {
    expect(scalbnf(1.5, 3)).toBe(12);
    expect(scalbnf(1, 128)).toBe(Number.POSITIVE_INFINITY);
    expect(scalbnf(1.5, 127)).toBe(Math.fround(1.5 * 2 ** 127));
    expect(scalbnf(1, -149)).toBe(2 ** -149);
    expect(scalbnf(1.75, -149)).toBe(2 ** -148); // 1.75·2^−149 rounds to 2·2^−149
    expect(scalbnf(1.25, -149)).toBe(2 ** -149);
  });

  it('equals the WASM kernel bit for bit on every 4096th float32 bit pattern and around the branch points', async () => {
    const k = await instantiateKernels(new WebAssembly.Memory({ initial: 1, maximum: 65536 }));
    const xs: number[] = [];
    for (let b = 0; b < 2 ** 32; b += 4096) xs.push(fromBits(b + 7));
    for (const edge of [0x42aeac50, 0x42b17218, 0x42cff1b5, 0x3eb17218, 0x3f851592, 0x39000000]) {
      for (let d = -64; d <= 64; d++) xs.push(fromBits(edge + d), fromBits((edge | 0x80000000) + d));
    }
    let mismatches = 0;
    for (const x of xs) {
      const want = expf(x);
      const got = k.expf_f32(x);
      if (!(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)))) {
        if (mismatches++ < 5) expect.fail(`expf(${x}): wasm ${got}, reference ${want}`);
      }
    }
    expect(mismatches).toBe(0);
  });
});
