import { getPreset, presetRecipe } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { TrainConfig } from '../schemas.js';
import { describeTraining, resolveTrainOptions } from './train-options.js';

describe('bnn-studio train options', () => {
  it("a preset graph trained with the defaults uses the preset's recipe", () => {
    const r = resolveTrainOptions(getPreset('larq-mnist'), {});
    const recipe = presetRecipe('larq-mnist')!;
    expect(r.recipeOf).toBe('larq-mnist');
    expect(r.datasetId).toBe('mnist');
    expect(r.config).toEqual({
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      seed: 0,
      optimizer: { id: 'adam', learningRate: 2e-3 },
      schedule: { id: 'cosine', warmupEpochs: 1, minLearningRate: 1e-5 },
      augmentation: { shift: 1, flip: false, noise: 0 },
      recalibrateBatchNorm: 100,
    });
    expect(TrainConfig.safeParse(r.config).success).toBe(true);
    expect(describeTraining(r)).toBe(
      '30 epoch(s) on mnist, cosine schedule (warm-up 1 epoch(s)), ±1 px shifts, BatchNorm re-estimated on 100 batches, recipe of preset larq-mnist',
    );
  });

  it('flags win over the recipe; --no-recipe and plain graphs use plain defaults', () => {
    const r = resolveTrainOptions(getPreset('larq-mnist'), { epochs: 1, shift: 0, lr: 0.01, seed: 2 });
    expect(r.config).toMatchObject({
      epochs: 1,
      seed: 2,
      optimizer: { id: 'adam', learningRate: 0.01 },
      // A one-epoch run keeps no warm-up epoch from the recipe.
      schedule: { id: 'cosine', warmupEpochs: 0 },
    });
    expect(r.config.augmentation).toBeUndefined();
    const plain = resolveTrainOptions(getPreset('larq-mnist'), { recipe: false });
    expect(plain.recipeOf).toBeNull();
    expect(plain.config).toEqual({
      epochs: 5,
      batchSize: 64,
      seed: 0,
      optimizer: { id: 'adam' },
      schedule: { id: 'constant' },
    });
    const custom = resolveTrainOptions(
      { nodes: [] },
      { schedule: 'step', stepEpochs: 3, flip: true, noise: 0.1 },
    );
    expect(custom.config).toMatchObject({
      schedule: { id: 'step', stepEpochs: 3, gamma: 0.1 },
      augmentation: { shift: 0, flip: true, noise: 0.1 },
    });
    expect(resolveTrainOptions(getPreset('larq-mnist'), { recalibrateBn: 0 }).config).not.toHaveProperty(
      'recalibrateBatchNorm',
    );
    expect(resolveTrainOptions(null, { recalibrateBn: 20 }).config).toMatchObject({
      recalibrateBatchNorm: 20,
    });
    const bop = resolveTrainOptions(null, { optimizer: 'case', lr: 0.005 });
    expect(bop.config.optimizer).toEqual({ id: 'case', fp: { id: 'adam', learningRate: 0.005 } });
  });

  it('names bad flags and their fix', () => {
    expect(() => resolveTrainOptions(null, { schedule: 'linear' })).toThrow(
      /--schedule 'linear'.*constant, cosine, step/,
    );
    expect(() => resolveTrainOptions(null, { schedule: 'step' })).toThrow(/--step-epochs/);
    expect(() => resolveTrainOptions(null, { recalibrateBn: 1.5 })).toThrow(
      /--recalibrate-bn 1.5.*0 \(off\)/,
    );
  });

  it('--distill-from with --temperature/--alpha/--distill-warmup/--teacher-epochs sets the distillation', () => {
    const r = resolveTrainOptions(getPreset('mnist-tiny'), {
      distillFrom: 'float-twin',
      temperature: 2,
      alpha: 0.9,
      distillWarmup: 1,
      attention: 10,
      teacherEpochs: 3,
    });
    expect(r.config.distillation).toEqual({
      teacherRunId: 'float-twin',
      temperature: 2,
      alpha: 0.9,
      warmupEpochs: 1,
      attention: 10,
      teacherEpochs: 3,
    });
    expect(describeTraining(r)).toMatch(/distilled from the float twin T=2 α=0.9/);
    const byRun = resolveTrainOptions(null, { distillFrom: 'run_abc' });
    expect(byRun.config.distillation).toEqual({ teacherRunId: 'run_abc' });
    expect(describeTraining(byRun)).toMatch(/distilled from run run_abc/);
    expect(resolveTrainOptions(null, {}).config.distillation).toBeUndefined();
  });

  it('refuses distillation settings without a teacher, and teacher epochs for a teacher run', () => {
    expect(() => resolveTrainOptions(null, { temperature: 2, alpha: 0.5 })).toThrow(
      /--temperature, --alpha .*--distill-from <run id> or --distill-from float-twin/,
    );
    expect(() => resolveTrainOptions(null, { distillFrom: 'run_abc', teacherEpochs: 2 })).toThrow(
      /--teacher-epochs applies to --distill-from float-twin only/,
    );
  });

  it('--prune sets config.prune (checked by the API schema); pruning settings without --prune are refused', () => {
    const r = resolveTrainOptions(getPreset('mnist-tiny'), { prune: 0.3, pruneMethod: 'bn', pruneEpochs: 2 });
    expect(r.config.prune).toEqual({ fraction: 0.3, method: 'bn', fineTuneEpochs: 2 });
    expect(TrainConfig.safeParse(r.config).success).toBe(true);
    const bad = resolveTrainOptions(null, { prune: 0.3, pruneMethod: 'random' });
    expect(TrainConfig.safeParse(bad.config).error?.issues[0]?.path).toEqual(['prune', 'method']);
    expect(resolveTrainOptions(null, {}).config.prune).toBeUndefined();
    expect(() => resolveTrainOptions(null, { pruneMethod: 'bn', pruneEpochs: 1 })).toThrow(
      /--prune-method, --prune-epochs .*add --prune <fraction>/,
    );
  });
});
