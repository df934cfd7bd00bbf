/** The training form's values and their translation into bnn-core's TrainConfig. */
import { MAX_PRUNE_FRACTION, PRUNE_METHODS, type RunCreateBody } from '@bnn-studio/api/contract';
import { DEFAULT_FINE_TUNE_EPOCHS, DISTILL_DEFAULTS, type TrainRecipe } from '@bnn-studio/bnn-core';
import type { TargetId } from '../lib/targets';

export type OptimizerId = 'adam' | 'sgd' | 'bop' | 'case';
export type ScheduleId = 'constant' | 'cosine' | 'step';

export interface TrainForm {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: OptimizerId;
  learningRate: number;
  /** Bop: flip threshold τ and adaptivity rate γ (Helwegen et al. 2019). */
  bopThreshold: number;
  bopGamma: number;
  schedule: ScheduleId;
  stepSize: number;
  stepGamma: number;
  /** Cosine: linear warm-up epochs, then cosine decay to `minLearningRate`. */
  warmupEpochs: number;
  minLearningRate: number;
  /** Augmentation: random ±`shift` pixel translations, left–right flips, Gaussian noise of this sd. */
  shift: number;
  flip: boolean;
  noise: number;
  validationSplit: number;
  /** Batches of training data BatchNorm statistics are re-estimated on after the last epoch (0 = off). */
  recalibrateBatchNorm: number;
  /** Browser only: cap on training samples (0 = all). */
  maxTrainSamples: number;
  /**
   * '' = no distillation, 'float-twin' = the model's float twin as teacher (a completed one of this dataset is
   * reused, else it trains first as its own run), else a completed run's id.
   */
  teacherRunId: string;
  teacherEpochs: number;
  temperature: number;
  alpha: number;
  /** Epochs over which the distillation weight ramps from 0 to alpha. */
  distillWarmup: number;
  /** Weight of attention matching (Real-to-Binary Net), 0 = off. */
  attention: number;
  /**
   * Server runs: after training, prune this fraction of the binary layers' output channels (0 = off), scored by
   * `pruneMethod`, then fine-tune `pruneEpochs` epochs with the same recipe.
   */
  pruneFraction: number;
  pruneMethod: PruneMethodId;
  pruneEpochs: number;
  target: TargetId;
}

export type PruneMethodId = (typeof PRUNE_METHODS)[number];
export { MAX_PRUNE_FRACTION, PRUNE_METHODS };

export const DEFAULT_FORM: TrainForm = {
  epochs: 3,
  batchSize: 64,
  seed: 42,
  optimizer: 'adam',
  learningRate: 0.001,
  bopThreshold: 1e-8,
  bopGamma: 1e-4,
  schedule: 'constant',
  stepSize: 2,
  stepGamma: 0.5,
  warmupEpochs: 0,
  minLearningRate: 0,
  shift: 0,
  flip: false,
  noise: 0,
  validationSplit: 0.1,
  recalibrateBatchNorm: 0,
  maxTrainSamples: 0,
  teacherRunId: '',
  teacherEpochs: 1,
  temperature: DISTILL_DEFAULTS.temperature,
  alpha: DISTILL_DEFAULTS.alpha,
  distillWarmup: DISTILL_DEFAULTS.warmupEpochs,
  attention: DISTILL_DEFAULTS.attention,
  pruneFraction: 0,
  pruneMethod: 'weight',
  pruneEpochs: DEFAULT_FINE_TUNE_EPOCHS,
  target: 'stm32l4r9',
};

export const OPTIMIZERS: Array<{ id: OptimizerId; label: string; help: string }> = [
  { id: 'adam', label: 'Adam', help: 'Adam on latent weights (Larq default). Robust first choice.' },
  { id: 'sgd', label: 'SGD', help: 'Plain stochastic gradient descent on latent weights.' },
  {
    id: 'bop',
    label: 'Bop (binary optimizer)',
    help: 'Flips a binary weight when its gradient momentum exceeds the threshold; no latent weights. Float layers use Adam.',
  },
  {
    id: 'case',
    label: 'CaseOptimizer',
    help: 'Bop for binary weights, Adam for everything else (Larq CaseOptimizer).',
  },
];

/** A problem with a form value, or null. */
export function checkForm(f: TrainForm): Partial<Record<keyof TrainForm, string>> {
  const e: Partial<Record<keyof TrainForm, string>> = {};
  const int = (k: keyof TrainForm, min: number, max: number, what: string) => {
    const v = f[k] as number;
    if (!Number.isInteger(v) || v < min || v > max)
      e[k] = `${what} must be a whole number from ${min} to ${max}.`;
  };
  int('epochs', 1, 1000, 'Epochs');
  int('batchSize', 1, 4096, 'Batch size');
  int('seed', 0, 2 ** 31 - 1, 'Seed');
  int('maxTrainSamples', 0, 10_000_000, 'Training samples');
  int('recalibrateBatchNorm', 0, 100_000, 'BatchNorm re-estimation batches');
  if (!(f.learningRate > 0 && f.learningRate <= 1)) e.learningRate = 'Learning rate must be in (0, 1].';
  if (!(f.validationSplit >= 0 && f.validationSplit <= 0.5))
    e.validationSplit = 'Validation split must be between 0 and 0.5.';
  if (f.optimizer === 'bop' || f.optimizer === 'case') {
    if (!(f.bopThreshold > 0)) e.bopThreshold = 'Bop threshold must be positive (e.g. 1e-8).';
    if (!(f.bopGamma > 0 && f.bopGamma < 1)) e.bopGamma = 'Bop gamma must be in (0, 1) (e.g. 1e-4).';
  }
  if (f.schedule === 'step') {
    int('stepSize', 1, 1000, 'Step size (epochs)');
    if (!(f.stepGamma > 0 && f.stepGamma <= 1)) e.stepGamma = 'Step decay must be in (0, 1].';
  }
  if (f.schedule === 'cosine') {
    if (!(f.warmupEpochs >= 0 && f.warmupEpochs <= 1000))
      e.warmupEpochs = 'Warm-up must be between 0 and 1000 epochs.';
    if (!(f.minLearningRate >= 0 && f.minLearningRate <= f.learningRate))
      e.minLearningRate = 'Final learning rate must be between 0 and the learning rate.';
  }
  int('shift', 0, 64, 'Shift (pixels)');
  if (!(f.noise >= 0 && f.noise <= 10)) e.noise = 'Noise must be between 0 and 10.';
  if (f.teacherRunId) {
    if (!(f.temperature > 0)) e.temperature = 'Temperature must be positive.';
    if (!(f.alpha >= 0 && f.alpha <= 1)) e.alpha = 'Alpha must be in [0, 1].';
    if (!(f.distillWarmup >= 0 && f.distillWarmup <= 1000))
      e.distillWarmup = 'Distillation warm-up must be between 0 and 1000 epochs.';
    if (!(f.attention >= 0 && f.attention <= 1e6))
      e.attention = 'Attention weight must be between 0 and 1e6.';
    if (f.teacherRunId === 'float-twin') int('teacherEpochs', 1, 1000, 'Teacher epochs');
  }
  if (!(f.pruneFraction >= 0 && f.pruneFraction <= MAX_PRUNE_FRACTION))
    e.pruneFraction = `Pruned fraction must be between 0 (off) and ${MAX_PRUNE_FRACTION}.`;
  if (f.pruneFraction > 0) int('pruneEpochs', 0, 1000, 'Fine-tuning epochs');
  return e;
}

/** The run's training config as POST /api/runs takes it (the API's contract). */
export type TrainConfigBody = RunCreateBody['config'];

/** TrainConfig as POST /api/runs takes it. The teacher's graph and weights are fetched by id when training starts. */
export function toTrainConfig(f: TrainForm): TrainConfigBody {
  const fp = { id: 'adam', learningRate: f.learningRate };
  const optimizer: TrainConfigBody['optimizer'] =
    f.optimizer === 'bop'
      ? { id: 'bop', threshold: f.bopThreshold, gamma: f.bopGamma, fp }
      : f.optimizer === 'case'
        ? { id: 'case', bop: { threshold: f.bopThreshold, gamma: f.bopGamma }, fp }
        : { id: f.optimizer, learningRate: f.learningRate };
  const schedule: TrainConfigBody['schedule'] =
    f.schedule === 'step'
      ? { id: 'step', stepEpochs: f.stepSize, gamma: f.stepGamma }
      : f.schedule === 'cosine'
        ? { id: 'cosine', warmupEpochs: f.warmupEpochs, minLearningRate: f.minLearningRate }
        : { id: 'constant' };
  const augment = f.shift > 0 || f.flip || f.noise > 0;
  return {
    epochs: f.epochs,
    batchSize: f.batchSize,
    seed: f.seed,
    optimizer,
    schedule,
    ...(augment ? { augmentation: { shift: f.shift, flip: f.flip, noise: f.noise } } : {}),
    validationSplit: f.validationSplit,
    ...(f.recalibrateBatchNorm > 0 ? { recalibrateBatchNorm: f.recalibrateBatchNorm } : {}),
    ...(f.teacherRunId
      ? {
          distillation: {
            teacherRunId: f.teacherRunId,
            temperature: f.temperature,
            alpha: f.alpha,
            warmupEpochs: f.distillWarmup,
            attention: f.attention,
            ...(f.teacherRunId === 'float-twin' ? { teacherEpochs: f.teacherEpochs } : {}),
          },
        }
      : {}),
    ...(f.pruneFraction > 0
      ? { prune: { fraction: f.pruneFraction, method: f.pruneMethod, fineTuneEpochs: f.pruneEpochs } }
      : {}),
  };
}

/**
 * The form with a preset's training recipe applied (epochs, batch, Adam learning rate, cosine schedule with
 * warm-up, augmentation, BatchNorm re-estimation) and no validation split, as the documented accuracy was measured; the rest is kept.
 */
export function formFromRecipe(recipe: TrainRecipe, base: TrainForm): TrainForm {
  return {
    ...base,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    optimizer: recipe.optimizer.id,
    learningRate: recipe.optimizer.learningRate,
    schedule: recipe.schedule.id,
    warmupEpochs: recipe.schedule.warmupEpochs,
    minLearningRate: recipe.schedule.minLearningRate,
    shift: recipe.augmentation.shift,
    flip: recipe.augmentation.flip,
    noise: recipe.augmentation.noise,
    recalibrateBatchNorm: recipe.recalibrateBatchNorm ?? 0,
    validationSplit: 0,
  };
}
