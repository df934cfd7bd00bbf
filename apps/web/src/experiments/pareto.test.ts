import { describe, expect, it } from 'vitest';
import { paretoFrontier } from './pareto';

describe('paretoFrontier', () => {
  it('keeps the points no other point beats on both size and accuracy', () => {
    const pts = [
      { id: 'a', size: 10, accuracy: 0.8 },
      { id: 'b', size: 20, accuracy: 0.7 },
      { id: 'c', size: 30, accuracy: 0.9 },
      { id: 'd', size: 10, accuracy: 0.85 },
      { id: 'e', size: 40, accuracy: 0.9 },
    ];
    expect(paretoFrontier(pts).map((p) => p.id)).toEqual(['d', 'c']);
  });
  it('ignores points without numbers', () => {
    expect(paretoFrontier([{ id: 'x', size: Number.NaN, accuracy: 1 }])).toEqual([]);
  });
});
