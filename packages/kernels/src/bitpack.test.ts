import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBits, packedWords, popcount32, tailBitsClear, unpackBits } from './bitpack.js';
import { KernelError } from './errors.js';

const floatRows = fc
  .record({ channels: fc.integer({ min: 1, max: 100 }), rows: fc.integer({ min: 1, max: 5 }) })
  .chain(({ channels, rows }) =>
    fc.tuple(
      fc.constant(channels),
      fc.array(fc.float({ noNaN: true }), { minLength: rows * channels, maxLength: rows * channels }),
    ),
  );

describe('LCE bit-packing', () => {
  it('puts channel 32·w + i in bit i of word w, 1 = −1, and 0 / −0 pack as +1', () => {
    const values = new Float32Array(40).fill(1);
    values[0] = -1;
    values[3] = -0.5;
    values[31] = -2;
    values[32] = -1;
    values[33] = 0;
    values[34] = -0;
    expect(Array.from(packBits(values, 40))).toEqual([1 | (1 << 3) | (1 << 31) | 0, 1]);
  });

  it('unpack(pack(x)) is sign(x) with sign(0) = +1, for any float data', () => {
    fc.assert(
      fc.property(floatRows, ([channels, values]) => {
        const packed = packBits(values, channels);
        expect(packed.length).toBe((values.length / channels) * packedWords(channels));
        const signs = unpackBits(packed, channels);
        values.forEach((x, i) => {
          expect(signs[i]).toBe(x < 0 ? -1 : 1);
        });
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it('leaves tail bits 0 and pack(unpack(w)) = w for words with clear tails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 12 }),
        (channels, raw) => {
          const words = packedWords(channels);
          const rows = Math.max(1, Math.floor(raw.length / words));
          const w = new Int32Array(rows * words);
          for (let i = 0; i < w.length; i++) w[i] = raw[i % raw.length]!;
          const used = channels - (words - 1) * 32;
          if (used < 32) for (let r = 0; r < rows; r++) w[r * words + words - 1]! &= (1 << used) - 1;
          expect(tailBitsClear(w, channels)).toBe(true);
          expect(Array.from(packBits(unpackBits(w, channels), channels))).toEqual(Array.from(w));
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('popcount32 counts bits of negative and positive words', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => {
        const expected = (x >>> 0).toString(2).replace(/0/g, '').length;
        expect(popcount32(x)).toBe(expected);
      }),
      { seed: 6 },
    );
  });

  it('refuses NaN, ragged data and truncated buffers with KernelError', () => {
    expect(() => packBits([1, Number.NaN], 2)).toThrow(/NaN/);
    expect(() => packBits([1, 2, 3], 2)).toThrow(KernelError);
    expect(() => packBits([1], 0)).toThrow(/positive integer/);
    expect(() => unpackBits(new Int32Array(3), 64)).toThrow(/words/);
    expect(() => unpackBits(new Int32Array(4), 64, 3)).toThrow(KernelError);
  });
});
