import { describe, expect, it } from 'vitest';
import {
  appendBatchPoint,
  type BatchPoint,
  createTrainingStore,
  epochToPoints,
  mergePoints,
} from './training-store';

describe('training store', () => {
  it('tracks a browser session from start to finish', () => {
    const s = createTrainingStore();
    s.getState().begin('browser');
    expect(s.getState().phase).toBe('starting');
    s.getState().addEpoch({ epoch: 0, loss: 1.2, accuracy: 0.6, valAccuracy: 0.55, flipRatio: 0.01 });
    expect(s.getState().phase).toBe('running');
    s.getState().addEpoch({ epoch: 0, loss: 1.1, accuracy: 0.62 });
    expect(s.getState().epochs).toHaveLength(1);
    s.getState().finish({ confusion: [[1]], labels: ['0'], testAccuracy: 0.9 });
    expect(s.getState()).toMatchObject({ phase: 'done', testAccuracy: 0.9 });
  });

  it('merges server metric points into epoch rows, ignoring per-batch points', () => {
    const rows = mergePoints(
      [],
      [
        { epoch: 1, name: 'loss', value: 0.5 },
        { epoch: 0, name: 'val_accuracy', value: 0.7 },
        { epoch: 0, name: 'loss', value: 0.9 },
        { epoch: 0, step: 3, name: 'loss', value: 9 },
      ],
    );
    expect(rows.map((r) => r.epoch)).toEqual([0, 1]);
    expect(rows[0]).toMatchObject({ loss: 0.9, valAccuracy: 0.7 });
  });

  it('round-trips epoch metrics through API points', () => {
    const m = {
      epoch: 2,
      loss: 0.3,
      accuracy: 0.9,
      valLoss: 0.4,
      valAccuracy: 0.88,
      flipRatio: 0.002,
      seconds: 3,
    };
    expect(mergePoints([], epochToPoints(m))[0]).toEqual(m);
  });

  it('keeps per-batch loss as a thinned series of bounded length', () => {
    const s = createTrainingStore();
    s.getState().begin('browser');
    s.getState().setProgress({ epoch: 1, batch: 0, batches: 4, loss: 2 });
    s.getState().setProgress({ epoch: 1, batch: 3, batches: 4, loss: 1 });
    expect(s.getState().batchLoss).toEqual([
      { x: 0.25, loss: 2 },
      { x: 1, loss: 1 },
    ]);
    let series: BatchPoint[] = [];
    for (let i = 0; i < 1000; i++) series = appendBatchPoint(series, { x: i, loss: i }, 8);
    expect(series.length).toBeLessThanOrEqual(8);
    expect(series.at(-1)).toEqual({ x: 999, loss: 999 });
    expect(series.map((p) => p.x)).toEqual([...series.map((p) => p.x)].sort((a, b) => a - b));
    expect(appendBatchPoint(series, { x: Number.NaN, loss: 1 })).toBe(series);
  });
});
