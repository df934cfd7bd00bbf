import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { relabelDataset, resizeBilinearInto, resizeDataset } from './resize.js';

function dataset(shape: number[], values: number[], y: number[], numClasses = 2): Dataset {
  return {
    name: 'toy',
    x: Float32Array.from(values),
    y: Int32Array.from(y),
    shape,
    numClasses,
    labels: Array.from({ length: numClasses }, (_, i) => `c${i}`),
  };
}

describe('resizeBilinearInto', () => {
  it('upsamples 2×2 → 4×4 with half-pixel centres (tf.image.resizeBilinear halfPixelCenters values)', () => {
    const out = new Float32Array(16);
    resizeBilinearInto(Float32Array.of(0, 1, 2, 3), 0, [2, 2, 1], out, 0, [4, 4]);
    // Row sample positions: -0.25→0 (clamped), 0.25, 0.75, 1.25→1 (clamped); same for columns.
    const cols = [0, 0.25, 0.75, 1];
    const rows = [0, 0.5, 1.5, 2];
    const want = rows.flatMap((r) => cols.map((c) => r + c));
    expect(Array.from(out)).toEqual(want.map((v) => expect.closeTo(v, 6)));
  });

  it('keeps a constant image constant and the identity size exact, per channel', () => {
    const rgb = Float32Array.from({ length: 3 * 3 * 2 }, (_, i) => (i % 2 === 0 ? 0.25 : 0.75));
    const big = new Float32Array(7 * 5 * 2);
    resizeBilinearInto(rgb, 0, [3, 3, 2], big, 0, [7, 5]);
    for (let i = 0; i < big.length; i++) expect(big[i]).toBeCloseTo(i % 2 === 0 ? 0.25 : 0.75, 6);
    const img = Float32Array.from({ length: 12 }, (_, i) => i / 11);
    const same = new Float32Array(12);
    resizeBilinearInto(img, 0, [3, 4, 1], same, 0, [3, 4]);
    expect(Array.from(same)).toEqual(Array.from(img));
  });

  it('downsampling by 2 averages each 2×2 block', () => {
    const img = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = new Float32Array(4);
    resizeBilinearInto(img, 0, [4, 4, 1], out, 0, [2, 2]);
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5]);
  });
});

describe('resizeDataset', () => {
  it('resizes every sample, keeps labels and the value range', () => {
    const d = dataset([2, 2, 1], [0, 1, 1, 0, 1, 1, 1, 1], [0, 1]);
    const r = resizeDataset(d, [6, 6]);
    expect(r.shape).toEqual([6, 6, 1]);
    expect(r.x.length).toBe(2 * 36);
    expect(Array.from(r.y)).toEqual([0, 1]);
    expect(r.name).toBe('toy (6×6)');
    expect(r.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(r.x.subarray(36))).toEqual(new Array(36).fill(1));
    // Corners of the first image are the source corners.
    expect(r.x[0]).toBe(0);
    expect(r.x[5]).toBe(1);
  });

  it('rejects non-image datasets and bad sizes with a fix', () => {
    expect(() => resizeDataset(dataset([4], [0, 0, 0, 0], [0]), [2, 2])).toThrow(/not images \[H, W, C\]/);
    expect(() => resizeDataset(dataset([1, 1, 1], [0], [0]), [0, 2])).toThrow(/positive integers/);
  });
});

describe('relabelDataset', () => {
  it('maps classes and names them', () => {
    const d = dataset([1], [0, 1, 2], [0, 1, 2], 3);
    const r = relabelDataset(d, [0, 1, 0], ['even', 'odd']);
    expect(Array.from(r.y)).toEqual([0, 1, 0]);
    expect(r.numClasses).toBe(2);
    expect(r.labels).toEqual(['even', 'odd']);
  });

  it('rejects a mapping of the wrong length or out of range', () => {
    const d = dataset([1], [0, 1], [0, 1], 2);
    expect(() => relabelDataset(d, [0], ['a'])).toThrow(/one new class per old class/);
    expect(() => relabelDataset(d, [0, 2], ['a', 'b'])).toThrow(/class 'c1' maps to 2/);
  });
});
