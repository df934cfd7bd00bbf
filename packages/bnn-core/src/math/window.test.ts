import { describe, expect, it } from 'vitest';
import { axisWindow, window2d, windowExtent } from './window.js';

describe('axisWindow (TensorFlow valid / same)', () => {
  it('counts valid positions and splits same padding as TensorFlow does (brute force)', () => {
    for (let n = 1; n <= 12; n++)
      for (let k = 1; k <= 5; k++)
        for (let s = 1; s <= 3; s++)
          for (let d = 1; d <= 3; d++) {
            const ek = windowExtent(k, d);
            let valid = 0;
            for (let p = 0; p * s + ek <= n; p++) valid++;
            expect(axisWindow(n, k, s, d, 'valid')).toEqual({ out: valid, padBefore: 0, padAfter: 0 });
            const same = axisWindow(n, k, s, d, 'same');
            expect(same.out).toBe(Math.ceil(n / s));
            // The least padding that fits `out` windows, the extra element after (TensorFlow's split).
            const total = same.padBefore + same.padAfter;
            expect((same.out - 1) * s + ek).toBeLessThanOrEqual(n + total);
            if (total > 0) expect((same.out - 1) * s + ek).toBeGreaterThan(n + total - 1);
            expect(same.padAfter - same.padBefore).toBeGreaterThanOrEqual(0);
            expect(same.padAfter - same.padBefore).toBeLessThanOrEqual(1);
          }
  });

  it('matches known TensorFlow paddings', () => {
    expect(axisWindow(28, 3, 1, 1, 'same')).toMatchObject({ out: 28, padBefore: 1, padAfter: 1 });
    expect(axisWindow(8, 3, 2, 1, 'same')).toMatchObject({ out: 4, padBefore: 0, padAfter: 1 });
    expect(axisWindow(9, 3, 1, 2, 'same')).toMatchObject({ out: 9, padBefore: 2, padAfter: 2 });
    expect(window2d(28, 28, [3, 3], [1, 1], [1, 1], 'valid')).toEqual({
      inH: 28,
      inW: 28,
      outH: 26,
      outW: 26,
      padTop: 0,
      padLeft: 0,
    });
  });
});
