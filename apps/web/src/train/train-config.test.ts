import { describe, expect, it } from 'vitest';
import { checkForm, DEFAULT_FORM, toTrainConfig } from './train-config';

describe('train form', () => {
  it('defaults are valid and map to a TrainConfig', () => {
    expect(checkForm(DEFAULT_FORM)).toEqual({});
    expect(toTrainConfig(DEFAULT_FORM)).toMatchObject({
      epochs: 3,
      batchSize: 64,
      seed: 42,
      optimizer: { id: 'adam', learningRate: 0.001 },
      schedule: { id: 'constant' },
    });
  });
  it('carries Bop, step schedule and distillation settings', () => {
    const c = toTrainConfig({ ...DEFAULT_FORM, optimizer: 'bop', schedule: 'step', teacherRunId: 'r1' });
    expect(c.optimizer).toMatchObject({ id: 'bop', threshold: 1e-8, gamma: 1e-4, fp: { id: 'adam' } });
    expect(c.schedule).toEqual({ id: 'step', stepEpochs: 2, gamma: 0.5 });
    expect(c.distillation).toEqual({ teacherRunId: 'r1', temperature: 4, alpha: 0.5 });
    const k = toTrainConfig({ ...DEFAULT_FORM, optimizer: 'case', teacherRunId: 'float-twin' });
    expect(k.optimizer).toMatchObject({ id: 'case', bop: { threshold: 1e-8 }, fp: { learningRate: 0.001 } });
    expect(k.distillation).toEqual({ teacherEpochs: 1, temperature: 4, alpha: 0.5 });
  });
  it('is accepted by bnn-core TrainConfigSchema', async () => {
    const { parseTrainConfig } = await import('@bnn-studio/bnn-core/tf');
    for (const optimizer of ['adam', 'sgd', 'bop', 'case'] as const)
      for (const schedule of ['constant', 'cosine', 'step'] as const)
        expect(() =>
          parseTrainConfig(
            toTrainConfig({ ...DEFAULT_FORM, optimizer, schedule, teacherRunId: 'float-twin' }),
          ),
        ).not.toThrow();
  });
  it('names bad values', () => {
    const e = checkForm({ ...DEFAULT_FORM, epochs: 0, learningRate: -1, optimizer: 'bop', bopGamma: 2 });
    expect(e.epochs).toMatch(/Epochs/);
    expect(e.learningRate).toMatch(/Learning rate/);
    expect(e.bopGamma).toMatch(/gamma/);
  });
});
