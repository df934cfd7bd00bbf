// How a finished trial is ranked: the validation accuracy of the model it deploys (a pruned candidate's after
// pruning and fine-tuning, never its accuracy before pruning).
import { describe, expect, it } from 'vitest';
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
