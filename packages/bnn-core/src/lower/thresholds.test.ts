import { describe, expect, it } from 'vitest';
import { computeThresholds, INT32_MAX, INT32_MIN, seededRandom } from '../index.js';

/** Brute force: the packed bit (1 = −1) of y = act(M·clamp(dot) + B) for every accum, vs the threshold rule. */
describe('computeThresholds', () => {
  it('matches sign(y) for every accum, sign of M, clamp and activation (ties → +1)', () => {
    const rnd = seededRandom(99);
    const specials = [0, 1, -1, 0.5, -0.5, 2, -2];
    let cases = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const k = 1 + Math.floor(rnd() * 40);
      const n = 4;
      const m = new Float64Array(n);
      const b = new Float64Array(n);
      for (let c = 0; c < n; c++) {
        // Mix exact values (which produce exact ties: y = 0) with random ones.
        m[c] = rnd() < 0.4 ? specials[Math.floor(rnd() * specials.length)]! : (rnd() - 0.5) * 4;
        b[c] =
          rnd() < 0.5 ? Math.round((rnd() - 0.5) * 2 * k) * (rnd() < 0.5 ? 1 : 0.5) : (rnd() - 0.5) * 3 * k;
      }
      const clamp = rnd() < 0.5 ? 'relu' : 'none';
      const activation = rnd() < 0.2 ? 'relu' : 'none';
      const { thresholds, flip } = computeThresholds(m, b, k, clamp, activation);
      for (let c = 0; c < n; c++) {
        for (let accum = 0; accum <= k; accum++) {
          const dot = k - 2 * accum;
          let y = m[c]! * (clamp === 'relu' ? Math.max(dot, 0) : dot) + b[c]!;
          if (activation === 'relu') y = Math.max(y, 0);
          const want = y < 0 ? 1 : 0;
          // The executor sees the (possibly flipped) filter: accum' = K − accum.
          const seen = flip[c] ? k - accum : accum;
          const got = seen > thresholds[c]! ? 1 : 0;
          if (got !== want) {
            throw new Error(
              `K=${k} M=${m[c]} B=${b[c]} clamp=${clamp} act=${activation} accum=${accum}: ${got} vs ${want}`,
            );
          }
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(100_000);
  });

  it('encodes constant channels with INT32_MIN / INT32_MAX', () => {
    const t = computeThresholds(
      Float64Array.from([0, 0, 1, -1]),
      Float64Array.from([-1, 0, 1, -1]),
      9,
      'relu',
      'none',
    );
    expect(Array.from(t.thresholds)).toEqual([INT32_MIN, INT32_MAX, INT32_MAX, INT32_MIN]);
    const huge = computeThresholds(Float64Array.from([1e-30]), Float64Array.from([1]), 9, 'none', 'none');
    expect(huge.thresholds[0]).toBe(INT32_MAX);
  });
});
