// `bnn-studio train` flags → a run's dataset id and TrainConfig. A graph built from a preset (`meta.preset`) trains
// with the preset's recipe (bnn-core `presetRecipe`: epochs, batch, Adam learning rate, cosine schedule with
// warm-up, augmentation, dataset, BatchNorm re-estimation after the last epoch) unless flags say otherwise or `--no-recipe` is given; so a preset trained with
// the defaults reproduces its documented accuracy. Without a recipe the defaults are 5 epochs, batch 64, Adam,
// a constant learning rate, no augmentation, MNIST.
import { presetRecipe, type TrainRecipe } from '@bnn-studio/bnn-core';

export interface TrainFlags {
  dataset?: string;
  epochs?: number;
  seed?: number;
  batchSize?: number;
  optimizer?: string;
  lr?: number;
  schedule?: string;
  warmupEpochs?: number;
  minLr?: number;
  stepEpochs?: number;
  stepGamma?: number;
  shift?: number;
  flip?: boolean;
  noise?: number;
  validationSplit?: number;
  /** --recalibrate-bn: BatchNorm re-estimation batches after the last epoch (0 = off). */
  recalibrateBn?: number;
  /** false with --no-recipe. */
  recipe?: boolean;
}

export const SCHEDULES = ['constant', 'cosine', 'step'] as const;

export interface ResolvedTrain {
  datasetId: string;
  config: Record<string, unknown>;
  /** The preset whose recipe filled the unset flags, or null. */
  recipeOf: string | null;
}

/** Resolves the flags against the graph's preset recipe; throws a message naming a bad flag and its fix. */
export function resolveTrainOptions(graph: unknown, flags: TrainFlags): ResolvedTrain {
  const meta = (graph as { meta?: Record<string, unknown> } | null)?.meta;
  const presetId = typeof meta?.preset === 'string' ? meta.preset : null;
  const recipe: TrainRecipe | null = flags.recipe === false ? null : presetRecipe(presetId);
  const epochs = flags.epochs ?? recipe?.epochs ?? 5;
  const optimizerId = flags.optimizer ?? recipe?.optimizer.id ?? 'adam';
  const lr =
    flags.lr ?? (recipe && optimizerId === recipe.optimizer.id ? recipe.optimizer.learningRate : undefined);
  // Bop flips binary weights without a learning rate; the rate is the float optimizer's (Adam) for the others.
  const optimizer: Record<string, unknown> =
    optimizerId === 'bop' || optimizerId === 'case'
      ? { id: optimizerId, ...(lr ? { fp: { id: 'adam', learningRate: lr } } : {}) }
      : { id: optimizerId, ...(lr ? { learningRate: lr } : {}) };
  const scheduleId = flags.schedule ?? recipe?.schedule.id ?? 'constant';
  if (!(SCHEDULES as readonly string[]).includes(scheduleId))
    throw new Error(`train: --schedule '${scheduleId}' is unknown. Use one of: ${SCHEDULES.join(', ')}.`);
  let schedule: Record<string, unknown>;
  if (scheduleId === 'cosine') {
    // A recipe's warm-up never exceeds the run (one epoch of a one-epoch run would be all warm-up).
    const recipeWarmup = recipe?.schedule.warmupEpochs ?? 0;
    schedule = {
      id: 'cosine',
      warmupEpochs: flags.warmupEpochs ?? Math.max(0, Math.min(recipeWarmup, epochs - 1)),
      minLearningRate: flags.minLr ?? recipe?.schedule.minLearningRate ?? 0,
    };
  } else if (scheduleId === 'step') {
    if (flags.stepEpochs === undefined)
      throw new Error('train: --schedule step needs --step-epochs <n> (decay every n epochs).');
    schedule = { id: 'step', stepEpochs: flags.stepEpochs, gamma: flags.stepGamma ?? 0.1 };
  } else schedule = { id: 'constant' };
  const augmentation = {
    shift: flags.shift ?? recipe?.augmentation.shift ?? 0,
    flip: flags.flip ?? recipe?.augmentation.flip ?? false,
    noise: flags.noise ?? recipe?.augmentation.noise ?? 0,
  };
  const augment = augmentation.shift > 0 || augmentation.flip || augmentation.noise > 0;
  const recalibrateBatchNorm = flags.recalibrateBn ?? recipe?.recalibrateBatchNorm ?? 0;
  if (!Number.isInteger(recalibrateBatchNorm) || recalibrateBatchNorm < 0)
    throw new Error(
      `train: --recalibrate-bn ${recalibrateBatchNorm} is not a whole number of batches; use 0 (off) or e.g. 100.`,
    );
  return {
    datasetId: flags.dataset ?? recipe?.dataset ?? 'mnist',
    recipeOf: recipe ? presetId : null,
    config: {
      epochs,
      batchSize: flags.batchSize ?? recipe?.batchSize ?? 64,
      seed: flags.seed ?? 0,
      optimizer,
      schedule,
      ...(augment ? { augmentation } : {}),
      ...(flags.validationSplit !== undefined ? { validationSplit: flags.validationSplit } : {}),
      ...(recalibrateBatchNorm ? { recalibrateBatchNorm } : {}),
    },
  };
}

/** One line saying how a run will train (schedule and augmentation), for the CLI's progress output. */
export function describeTraining(r: ResolvedTrain): string {
  const c = r.config as {
    epochs: number;
    schedule: { id: string; warmupEpochs?: number };
    augmentation?: { shift: number; flip: boolean; noise: number };
    recalibrateBatchNorm?: number;
  };
  const parts = [`${c.epochs} epoch(s) on ${r.datasetId}`, `${c.schedule.id} schedule`];
  if (c.schedule.id === 'cosine') parts[1] += ` (warm-up ${c.schedule.warmupEpochs} epoch(s))`;
  const a = c.augmentation;
  if (a) {
    const aug = [
      a.shift ? `±${a.shift} px shifts` : '',
      a.flip ? 'flips' : '',
      a.noise ? `noise ${a.noise}` : '',
    ].filter(Boolean);
    parts.push(aug.join(', '));
  }
  if (c.recalibrateBatchNorm) parts.push(`BatchNorm re-estimated on ${c.recalibrateBatchNorm} batches`);
  if (r.recipeOf) parts.push(`recipe of preset ${r.recipeOf}`);
  return parts.join(', ');
}
