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
  /** Distillation teacher: a completed run's id or `float-twin`. */
  distillFrom?: string;
  temperature?: number;
  alpha?: number;
  /** Epochs over which the distillation weight ramps from 0 to alpha. */
  distillWarmup?: number;
  /** Weight of attention matching (Real-to-Binary Net). */
  attention?: number;
  /** float-twin: epochs of the teacher (default: the student's). */
  teacherEpochs?: number;
  /** --prune <fraction>: prune this fraction of the binary layers' output channels after training. */
  prune?: number;
  pruneMethod?: string;
  pruneScope?: string;
  /** Fraction of the removable residual blocks dropped whole. */
  pruneBlocks?: number;
  /** Fine-tuning epochs after pruning. */
  pruneEpochs?: number;
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
  const distillation = resolveDistillation(flags);
  const prune = resolvePruneFlags(flags);
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
      ...(distillation ? { distillation } : {}),
      ...(recalibrateBatchNorm ? { recalibrateBatchNorm } : {}),
      ...(prune ? { prune } : {}),
    },
  };
}

/**
 * `--prune F [--prune-method M --prune-scope S --prune-blocks B --prune-epochs N]` → the config's `prune` (unset
 * settings take bnn-core's defaults on the server; the API's schema checks the values). Pruning settings without
 * `--prune` are refused, naming the flag to add.
 */
function resolvePruneFlags(flags: TrainFlags): Record<string, unknown> | null {
  const settings = {
    ...(flags.pruneMethod !== undefined ? { method: flags.pruneMethod } : {}),
    ...(flags.pruneScope !== undefined ? { scope: flags.pruneScope } : {}),
    ...(flags.pruneBlocks !== undefined ? { blocks: flags.pruneBlocks } : {}),
    ...(flags.pruneEpochs !== undefined ? { fineTuneEpochs: flags.pruneEpochs } : {}),
  };
  if (flags.prune === undefined) {
    const given = Object.keys(settings);
    if (given.length)
      throw new Error(
        `train: ${given.map((k) => `--prune-${k === 'fineTuneEpochs' ? 'epochs' : k}`).join(', ')} set(s) pruning, which needs a fraction: add --prune <fraction>, e.g. --prune 0.3.`,
      );
    return null;
  }
  return { fraction: flags.prune, ...settings };
}

/**
 * `--distill-from RUN|float-twin [--temperature T --alpha A --distill-warmup E --teacher-epochs N]` → the config's
 * `distillation` (unset settings take bnn-core's DISTILL_DEFAULTS on the server). Distillation settings without
 * `--distill-from` are refused, naming the flag to add.
 */
function resolveDistillation(flags: TrainFlags): Record<string, unknown> | null {
  const settings = {
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
    ...(flags.distillWarmup !== undefined ? { warmupEpochs: flags.distillWarmup } : {}),
    ...(flags.attention !== undefined ? { attention: flags.attention } : {}),
    ...(flags.teacherEpochs !== undefined ? { teacherEpochs: flags.teacherEpochs } : {}),
  };
  const given = Object.keys(settings);
  if (!flags.distillFrom) {
    if (given.length)
      throw new Error(
        `train: ${given.map((k) => `--${FLAG_OF[k]}`).join(', ')} set(s) distillation, which needs a teacher: add --distill-from <run id> or --distill-from float-twin.`,
      );
    return null;
  }
  if (flags.teacherEpochs !== undefined && flags.distillFrom !== 'float-twin')
    throw new Error(
      '--teacher-epochs applies to --distill-from float-twin only (a teacher run is already trained); drop it.',
    );
  return { teacherRunId: flags.distillFrom, ...settings };
}

const FLAG_OF: Record<string, string> = {
  temperature: 'temperature',
  alpha: 'alpha',
  warmupEpochs: 'distill-warmup',
  attention: 'attention',
  teacherEpochs: 'teacher-epochs',
};

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
  const d = (r.config as { distillation?: { teacherRunId: string; temperature?: number; alpha?: number } })
    .distillation;
  if (d)
    parts.push(
      `distilled from ${d.teacherRunId === 'float-twin' ? 'the float twin' : `run ${d.teacherRunId}`}${d.temperature !== undefined ? ` T=${d.temperature}` : ''}${d.alpha !== undefined ? ` α=${d.alpha}` : ''}`,
    );
  if (c.recalibrateBatchNorm) parts.push(`BatchNorm re-estimated on ${c.recalibrateBatchNorm} batches`);
  if (r.recipeOf) parts.push(`recipe of preset ${r.recipeOf}`);
  return parts.join(', ');
}
