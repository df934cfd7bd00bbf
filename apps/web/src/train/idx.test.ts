import { describe, expect, it } from 'vitest';
import { readIdx } from './idx';

describe('readIdx', () => {
  it('reads dims and data', () => {
    const b = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    const { dims, data } = readIdx(b);
    expect(dims).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('names a bad magic and truncation', () => {
    expect(() => readIdx(new Uint8Array([0, 0, 13, 1, 0, 0, 0, 1, 0, 0, 0, 0]))).toThrow(
      /only unsigned-byte/,
    );
    expect(() => readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1]))).toThrow(/truncated/);
  });
});
