import { describe, expect, it } from 'vitest';
import { niceStep, plotRange, seriesPoints } from './live-chart-scale';

describe('live chart scale', () => {
  it('picks 1/2/5 × 10^k tick steps', () => {
    expect(niceStep(1, 4)).toBeCloseTo(0.5);
    expect(niceStep(2.3, 4)).toBeCloseTo(1);
    expect(niceStep(0.03, 4)).toBeCloseTo(0.01);
    expect(niceStep(0, 4)).toBe(1);
  });

  it('spans the data with whole ticks and integer epochs', () => {
    const r = plotRange([
      { x: 0.25, y: 2.31 },
      { x: 1, y: 0.42 },
      { x: 3, y: 0.4 },
    ]);
    expect(r.x0).toBe(0);
    expect(r.x1).toBe(3);
    expect(r.xTicks).toEqual([0, 1, 2, 3]);
    expect(r.y0).toBeLessThanOrEqual(0.4);
    expect(r.y1).toBeGreaterThanOrEqual(2.31);
    expect(r.yTicks[0]).toBe(r.y0);
    expect(r.yTicks.at(-1)).toBe(r.y1);
  });

  it('gives a flat or empty series a band', () => {
    const flat = plotRange([{ x: 1, y: 0.9 }]);
    expect(flat.y0).toBeLessThan(0.9);
    expect(flat.y1).toBeGreaterThan(0.9);
    expect(plotRange([])).toMatchObject({ x1: 1, y0: 0, y1: 1 });
  });

  it('reads per-epoch fields and the per-batch series, skipping missing values', () => {
    const epochs = [
      { epoch: 1, loss: 1, accuracy: 0.5, valLoss: null },
      { epoch: 2, loss: 0.8, accuracy: 0.6, valLoss: 0.9 },
    ];
    expect(seriesPoints('valLoss', epochs)).toEqual([{ x: 2, y: 0.9 }]);
    expect(seriesPoints('batch', epochs, [{ x: 0.5, loss: 2 }])).toEqual([{ x: 0.5, y: 2 }]);
  });
});
