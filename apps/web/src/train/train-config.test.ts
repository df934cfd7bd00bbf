import { DISTILL_DEFAULTS } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { checkForm, DEFAULT_FORM, formFromRecipe, toTrainConfig } from './train-config';

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
    expect(c.distillation).toEqual({ teacherRunId: 'r1', ...DISTILL_DEFAULTS });
    const k = toTrainConfig({ ...DEFAULT_FORM, optimizer: 'case', teacherRunId: 'float-twin' });
    expect(k.optimizer).toMatchObject({ id: 'case', bop: { threshold: 1e-8 }, fp: { learningRate: 0.001 } });
    expect(k.distillation).toEqual({ teacherRunId: 'float-twin', teacherEpochs: 1, ...DISTILL_DEFAULTS });
    const warm = toTrainConfig({
      ...DEFAULT_FORM,
      teacherRunId: 'float-twin',
      distillWarmup: 2,
      alpha: 0.9,
      attention: 10,
    });
    expect(warm.distillation).toMatchObject({ warmupEpochs: 2, alpha: 0.9, attention: 10 });
    expect(
      checkForm({ ...DEFAULT_FORM, teacherRunId: 'float-twin', distillWarmup: -1 }).distillWarmup,
    ).toMatch(/warm-up/);
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
  it("a preset's recipe fills the form: cosine with warm-up, ±1 px shifts, bnn-core accepts it", async () => {
    const { presetRecipe, recipeTrainConfig } = await import('@bnn-studio/bnn-core');
    const { parseTrainConfig } = await import('@bnn-studio/bnn-core/tf');
    const recipe = presetRecipe('larq-mnist')!;
    const form = formFromRecipe(recipe, DEFAULT_FORM);
    expect(checkForm(form)).toEqual({});
    const c = toTrainConfig(form);
    const { seed: _s, ...fromRecipe } = recipeTrainConfig(recipe, form.seed);
    expect(c).toMatchObject(fromRecipe);
    expect(c).toMatchObject({
      schedule: { id: 'cosine', warmupEpochs: 1, minLearningRate: 1e-5 },
      augmentation: { shift: 1, flip: false, noise: 0 },
      validationSplit: 0,
      recalibrateBatchNorm: 100,
    });
    expect(toTrainConfig(DEFAULT_FORM).recalibrateBatchNorm).toBeUndefined();
    expect(parseTrainConfig(c)).toMatchObject({ augmentation: { shift: 1 } });
    expect(toTrainConfig(DEFAULT_FORM).augmentation).toBeUndefined();
    expect(checkForm({ ...form, shift: -1, noise: 11, minLearningRate: 1 })).toMatchObject({
      shift: expect.stringMatching(/Shift/),
      noise: expect.stringMatching(/Noise/),
      minLearningRate: expect.stringMatching(/Final learning rate/),
    });
  });
  it('names bad values', () => {
    const e = checkForm({ ...DEFAULT_FORM, epochs: 0, learningRate: -1, optimizer: 'bop', bopGamma: 2 });
    expect(e.epochs).toMatch(/Epochs/);
    expect(e.learningRate).toMatch(/Learning rate/);
    expect(e.bopGamma).toMatch(/gamma/);
  });

  it('prunes only when a fraction is set, and checks it', () => {
    expect(toTrainConfig(DEFAULT_FORM).prune).toBeUndefined();
    const f = { ...DEFAULT_FORM, pruneFraction: 0.3, pruneMethod: 'bn' as const, pruneEpochs: 2 };
    expect(checkForm(f)).toEqual({});
    expect(toTrainConfig(f).prune).toEqual({ fraction: 0.3, method: 'bn', fineTuneEpochs: 2 });
    expect(checkForm({ ...f, pruneFraction: 0.95 }).pruneFraction).toMatch(/between 0 \(off\) and 0.9/);
    expect(checkForm({ ...f, pruneEpochs: 1.5 }).pruneEpochs).toMatch(/Fine-tuning epochs/);
  });
});
