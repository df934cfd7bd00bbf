/**
 * Training configuration (zod schema + type). Defaults follow Keras/Larq: Adam(lr 1e-3, β1 0.9, β2 0.999,
 * ε 1e-7), SGD momentum 0.9, Bop(threshold 1e-8, gamma 1e-4) as in `larq/optimizers.py`.
 */
import { z } from 'zod';
import { DISTILL_DEFAULTS } from './distill-defaults.js';

const adam = z.object({
  id: z.literal('adam'),
  learningRate: z.number().positive().max(10).default(1e-3),
  beta1: z.number().min(0).max(0.9999).default(0.9),
  beta2: z.number().min(0).max(0.99999).default(0.999),
  epsilon: z.number().positive().max(1).default(1e-7),
});
const sgd = z.object({
  id: z.literal('sgd'),
  learningRate: z.number().positive().max(10).default(1e-2),
  momentum: z.number().min(0).max(0.9999).default(0.9),
  nesterov: z.boolean().default(false),
});
const bopParams = {
  threshold: z.number().min(0).max(1).default(1e-8),
  gamma: z.number().positive().max(1).default(1e-4),
};
/** Floating-point optimizer used for the non-binary variables by 'bop' and 'case'. */
export const FloatOptimizerSchema = z.discriminatedUnion('id', [adam, sgd]);
const bop = z.object({
  id: z.literal('bop'),
  ...bopParams,
  /** Optimizer of the non-binary variables (BatchNorm, float layers); Adam by default. */
  fp: FloatOptimizerSchema.optional(),
});
const caseOpt = z.object({
  id: z.literal('case'),
  /** Bop settings for binary (precision 1) latent kernels. */
  bop: z.object(bopParams).default({ threshold: 1e-8, gamma: 1e-4 }),
  /** Optimizer of every other variable. */
  fp: FloatOptimizerSchema.default({
    id: 'adam',
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  }),
});
export const OptimizerConfigSchema = z.discriminatedUnion('id', [adam, sgd, bop, caseOpt]);

export const ScheduleConfigSchema = z.discriminatedUnion('id', [
  z.object({ id: z.literal('constant') }),
  z.object({
    id: z.literal('cosine'),
    /** Linear warm-up from 0 over this many epochs, then cosine decay to `minLearningRate`. */
    warmupEpochs: z.number().min(0).max(1000).default(0),
    minLearningRate: z.number().min(0).default(0),
  }),
  z.object({
    id: z.literal('step'),
    /** Multiply the learning rate by `gamma` every `stepEpochs` epochs. */
    stepEpochs: z.number().int().min(1).max(1000),
    gamma: z.number().positive().max(1).default(0.1),
  }),
]);

export const TrainConfigSchema = z.object({
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(8192),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  optimizer: OptimizerConfigSchema.default({
    id: 'adam',
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  }),
  schedule: ScheduleConfigSchema.optional(),
  /** Fraction of the training set held out for validation (the last samples after a seeded shuffle). */
  validationSplit: z.number().min(0).max(0.5).optional(),
  earlyStopping: z
    .object({
      monitor: z.enum(['val_loss', 'val_accuracy', 'loss', 'accuracy']).default('val_loss'),
      patience: z.number().int().min(0).max(1000).default(3),
      minDelta: z.number().min(0).default(0),
      restoreBestWeights: z.boolean().default(true),
    })
    .optional(),
  /**
   * Knowledge distillation (Hinton; label refinery): loss = (1 − w)·CE(labels) + w·T²·KL(teacher_T ‖ student_T),
   * both softmaxes at temperature T, w ramping from 0 to `alpha` over `warmupEpochs` (src/train/distill.ts).
   * The teacher is `teacherGraph` (default: this graph's float twin, `floatTeacher`) with `teacherWeights`; without weights the
   * float twin is trained first for `teacherEpochs` (default: the student's epochs). Defaults: DISTILL_DEFAULTS.
   */
  distillation: z
    .object({
      teacherWeights: z.any().optional(),
      teacherGraph: z.any().optional(),
      teacherEpochs: z.number().int().min(1).max(10_000).optional(),
      temperature: z.number().positive().max(100).default(DISTILL_DEFAULTS.temperature),
      alpha: z.number().min(0).max(1).default(DISTILL_DEFAULTS.alpha),
      warmupEpochs: z.number().min(0).max(1000).default(DISTILL_DEFAULTS.warmupEpochs),
      /**
       * Weight β of attention matching (Real-to-Binary Net): β·Σ‖Q_s/‖Q_s‖ − Q_t/‖Q_t‖‖ over the real-valued
       * activations each binary layer signs, where teacher and student shapes agree (`attentionLoss`). 0 = off.
       */
      attention: z.number().min(0).max(1e6).default(DISTILL_DEFAULTS.attention),
    })
    .optional(),
  /** On-the-fly augmentation of training batches (images `[H, W, C]`; noise also for vectors). */
  augmentation: z
    .object({
      /** Random translation by up to this many pixels in each direction (zero fill). */
      shift: z.number().int().min(0).max(64).default(0),
      /** Random horizontal flip with probability 1/2. */
      flip: z.boolean().default(false),
      /** Standard deviation of added Gaussian noise. */
      noise: z.number().min(0).max(10).default(0),
    })
    .optional(),
  /**
   * After the last epoch (and after early stopping restored the best weights), re-estimate every BatchNorm's
   * moving statistics for the final weights as the exact mean over this many training batches of `batchSize`
   * (no augmentation; 0 = keep Keras' exponential moving averages). See src/train/recalibrate.ts.
   */
  recalibrateBatchNorm: z.number().int().min(0).max(100_000).default(0),
  /** Emit a checkpoint every this many epochs (0 = never). */
  checkpointEvery: z.number().int().min(0).max(10_000).default(1),
});

export type TrainConfig = z.output<typeof TrainConfigSchema>;
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
export type OptimizerConfig = z.output<typeof OptimizerConfigSchema>;
export type FloatOptimizerConfig = z.output<typeof FloatOptimizerSchema>;
export type ScheduleConfig = z.output<typeof ScheduleConfigSchema>;

/** Parses a config, returning every problem as `path: message` lines in one error. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const r = TrainConfigSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new Error(`bnn-core/train: invalid training config:\n${lines.join('\n')}`);
  }
  return r.data;
}
