import { describe, expect, it } from 'vitest';
import { accuracyOf, argmaxRows, confusionMatrix, topK } from './confusion';

describe('confusion matrix', () => {
  it('counts truth by prediction', () => {
    const pred = argmaxRows(new Float32Array([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]), 2);
    expect(Array.from(pred)).toEqual([0, 1, 0]);
    const m = confusionMatrix([0, 1, 1], pred, 2);
    expect(m).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(accuracyOf(m)).toBeCloseTo(2 / 3);
  });
  it('ranks top-k', () => {
    expect(topK([0.1, 0.7, 0.2], 2)).toEqual([
      { index: 1, score: 0.7 },
      { index: 2, score: 0.2 },
    ]);
  });
});
