import { describe, expect, it } from 'vitest';
import { explainTrainingError } from './explain-error';

describe('explainTrainingError', () => {
  it('replaces the raw softmaxCrossEntropy shape error with the class-count fix', () => {
    const e = explainTrainingError({
      message: 'Error in softmaxCrossEntropy: Shapes 18,3 and 18,10 must match',
    });
    expect(e.message).not.toMatch(/softmaxCrossEntropy/);
    expect(e.message).toMatch(/\(3 and 10\)/);
    expect(e.fix).toMatch(/units of the last Dense\/QuantDense/);
  });
  it('keeps messages that carry their own fix, and explains memory exhaustion', () => {
    expect(explainTrainingError({ message: 'x', fix: 'y' })).toEqual({ message: 'x', fix: 'y' });
    expect(explainTrainingError({ message: 'Failed to allocate 1.2 GB' }).fix).toMatch(/batch size/);
    expect(explainTrainingError({ message: 'plain' })).toEqual({ message: 'plain' });
  });
});
