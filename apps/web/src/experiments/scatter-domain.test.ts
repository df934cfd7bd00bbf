import { describe, expect, it } from 'vitest';
import { sizeAxis } from './scatter-domain';

describe('sizeAxis', () => {
  it('fits 14–16 KiB runs and puts a far 2 MiB budget on the right edge', () => {
    const a = sizeAxis([14, 15, 16], 2048);
    expect(a.domain[0]).toBeCloseTo(14 / 1.5, 9);
    expect(a.domain[1]).toBeCloseTo(24, 9);
    expect(a.budget).toEqual({ at: a.domain[1], edge: 'right' });
  });
  it('draws a near budget at its value, inside the domain', () => {
    const a = sizeAxis([100, 300], 512);
    expect(a.budget).toEqual({ at: 512, edge: 'none' });
    expect(a.domain[1]).toBeGreaterThan(512);
  });
  it('puts a budget far below every run on the left edge', () => {
    const a = sizeAxis([4000, 8000], 256);
    expect(a.budget.edge).toBe('left');
    expect(a.budget.at).toBe(a.domain[0]);
  });
  it('ignores sizes that are not positive numbers', () => {
    expect(sizeAxis([Number.NaN, 0], 1024).budget.edge).toBe('none');
  });
});
