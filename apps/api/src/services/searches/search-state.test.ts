// How a finished trial is ranked: the validation accuracy of the model it deploys (a pruned candidate's after
// pruning and fine-tuning, never its accuracy before pruning).
import { describe, expect, it } from 'vitest';
import { trialTimeModel } from './advance-search.js';
import { trialValAccuracy } from './search-state.js';

describe('trialValAccuracy', () => {
  const run = [
    { name: 'valAccuracy', epoch: 1, value: 0.8 },
    { name: 'valAccuracy', epoch: 3, value: 0.95 },
    { name: 'valAccuracy', epoch: 2, value: 0.9 },
    { name: 'finetune.valAccuracy', epoch: 2, value: 0.91 },
    { name: 'finetune.valAccuracy', epoch: 1, value: 0.85 },
  ];

  it("scores an unpruned candidate by its last epoch's validation accuracy", () => {
    expect(trialValAccuracy(run, false)).toBe(0.95);
  });

  it('scores a pruned candidate by its last fine-tuning epoch, not by the accuracy before pruning', () => {
    expect(trialValAccuracy(run, true)).toBe(0.91);
  });

  it('has no score for a pruned run without fine-tuning validation (ranked last), nor for an empty run', () => {
    expect(trialValAccuracy(run.slice(0, 3), true)).toBeNull();
    expect(trialValAccuracy([], false)).toBeNull();
  });
});

describe('trialTimeModel', () => {
  const t = (epochs: number, seconds: number, status: 'completed' | 'running' = 'completed') => ({
    epochs,
    durationMs: status === 'completed' ? seconds * 1000 : null,
    status,
  });

  it('has no estimate before a trial finished', () => {
    expect(trialTimeModel([])).toBeNull();
    expect(trialTimeModel([t(3, 0, 'running')])).toBeNull();
  });

  it("fits a run's start-up apart from its epochs (short trials do not inflate a long one's estimate)", () => {
    // 20 s of start-up and evaluation, 8 s per epoch: 3-epoch trials take 44 s, 8-epoch ones 84 s.
    const m = trialTimeModel([t(3, 44), t(3, 44), t(8, 84), t(3, 44)])!;
    expect(m(25)).toBeCloseTo(220, 6);
    // The refit's epochs carry more samples (no validation split).
    expect(m(25, 1 / 0.9)).toBeCloseTo(20 + (8 * 25) / 0.9, 6);
    // A per-epoch ratio (what a single epoch count allows) would say 25 · 44/3 ≈ 367 s.
  });

  it('falls back to seconds per epoch with one epoch count, or when the fit is not physical', () => {
    expect(trialTimeModel([t(3, 30), t(3, 36)])!(9)).toBeCloseTo(99, 6);
    // Longer trials that took less time (noise): no negative slope, the ratio instead.
    expect(trialTimeModel([t(3, 60), t(8, 40)])!(11)).toBeCloseTo(11 * (100 / 11), 6);
  });
});
