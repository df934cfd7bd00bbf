/**
 * The C code generator's pair layout of binary filter rows (`pairRows`), which must equal the runtime's
 * bnn_pair_rows word for word (the QEMU suite checks the generated firmware against the kernels bit for bit).
 */
import { describe, expect, it } from 'vitest';
import { pairRows } from './binary.js';

/** popcount(a ^ b) over a row, read through the pair layout the way the Thumb-2 kernel does. */
function pairedXorPopcount(x: Int32Array, w: Int32Array): number {
  const pc = (v: number) => {
    let c = 0;
    for (let u = v >>> 0; u; u &= u - 1) c++;
    return c;
  };
  const n = x.length;
  let acc = n & 1 ? pc(x[0]! ^ w[0]!) : 0;
  for (let i = n & 1; i + 1 < n; i += 2) {
    const p = x[i]! ^ w[i]!;
    acc += pc(p) + pc(p ^ x[i + 1]! ^ w[i + 1]!);
  }
  return acc;
}

describe('pairRows', () => {
  it('pairs even rows from the first word and odd rows from the second', () => {
    expect([...pairRows(Int32Array.from([1, 2, 4, 8]), 1, 4)]).toEqual([1, 3, 4, 12]);
    expect([...pairRows(Int32Array.from([1, 2, 4, 8, 16, 32]), 2, 3)]).toEqual([1, 2, 6, 8, 16, 48]);
    expect([...pairRows(Int32Array.from([5]), 1, 1)]).toEqual([5]);
  });

  it('keeps every xor popcount (seeded rows of 1..40 words)', () => {
    let s = 12345;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) | 0;
      return s;
    };
    for (let n = 1; n <= 40; n++) {
      const x = Int32Array.from({ length: n }, rnd);
      const w = Int32Array.from({ length: n }, rnd);
      let want = 0;
      for (let i = 0; i < n; i++) {
        for (let u = (x[i]! ^ w[i]!) >>> 0; u; u &= u - 1) want++;
      }
      expect(pairedXorPopcount(pairRows(x, 1, n), pairRows(w, 1, n)), `n = ${n}`).toBe(want);
    }
  });

  it('refuses a filter that is not count rows of n words', () => {
    expect(() => pairRows(new Int32Array(5), 2, 3)).toThrow(/5 words are not 2 rows of 3 words/);
  });
});
