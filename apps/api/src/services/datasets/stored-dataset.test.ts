import { describe, expect, it } from 'vitest';
import { stridedIndices, takeSamples, uploadSplit } from './stored-dataset.js';

const counts = (labels: number[], idx: number[]) => {
  const m = new Map<number, number>();
  for (const i of idx) m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
  return m;
};

describe('uploadSplit', () => {
  it('holds out floor(n / 5) samples, disjoint from training, both lists ascending and complete', () => {
    for (const n of [0, 1, 4, 5, 23, 101, 1000]) {
      const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
      const { train, test } = uploadSplit(labels);
      expect(test.length).toBe(Math.floor(n / 5));
      expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      for (const list of [train, test]) expect([...list].sort((a, b) => a - b)).toEqual(list);
    }
  });

  it('tests every class in proportion, whatever order the file stores them in', () => {
    const cycling = Array.from({ length: 1000 }, (_, i) => i % 10); // 0..9, 0..9, …
    const blocks = Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100)); // 100 × 0, 100 × 1, …
    for (const labels of [cycling, blocks]) {
      const per = counts(labels, uploadSplit(labels).test);
      expect([...per.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const c of per.values()) expect(c).toBe(20);
    }
    // uneven classes (25 samples → 5 test): quotas 2.6, 1.4, 0.8, 0.2 → floors 2, 1, 0, 0; the 2 slots left go to
    // the largest remainders (class 2: 0.8, class 0: 0.6)
    const uneven = [...Array(13).fill(0), ...Array(7).fill(1), ...Array(4).fill(2), 3];
    const per = counts(uneven, uploadSplit(uneven).test);
    expect(Object.fromEntries(per)).toEqual({ 0: 3, 1: 1, 2: 1 });
  });

  it('is deterministic and does not depend on where the dataset came from', () => {
    const labels = Array.from({ length: 500 }, (_, i) => (i * 31) % 7);
    expect(uploadSplit(labels)).toEqual(uploadSplit(Int32Array.from(labels)));
  });
});

describe('stridedIndices / takeSamples', () => {
  it('takes an evenly strided pass and copies the chosen samples', () => {
    expect(stridedIndices(10, 4)).toEqual([0, 2, 5, 7]);
    expect(stridedIndices(3)).toEqual([0, 1, 2]);
    expect(stridedIndices(3, 10)).toEqual([0, 1, 2]);
    const d = {
      name: 'd',
      x: Float32Array.from([0, 0, 1, 1, 2, 2]),
      y: Int32Array.from([5, 6, 7]),
      shape: [2],
      numClasses: 8,
      labels: [],
    };
    const t = takeSamples(d, [2, 0]);
    expect(Array.from(t.x)).toEqual([2, 2, 0, 0]);
    expect(Array.from(t.y)).toEqual([7, 5]);
  });
});
