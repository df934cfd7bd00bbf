/**
 * Fine-tuning a pruned model: an ordinary training run of the pruned graph that starts from the pruned weights
 * (a fresh optimizer, epoch 0 of its own schedule) instead of a fresh initialisation.
 */
import type { Dataset } from '../data/dataset.js';
import type { GraphSpec, WeightMap } from '../spec/graph-types.js';
import type { Checkpoint, EpochMetrics } from './checkpoint.js';
import type { TrainConfigInput } from './config.js';
import { type BatchMetrics, createTrainer, type Trainer } from './trainer.js';

/** A checkpoint that starts training at epoch 0 from `weights` with a fresh optimizer state. */
export function startingCheckpoint(weights: WeightMap, seed: number): Checkpoint {
  return {
    epoch: 0,
    step: 0,
    weights,
    optimizerState: { step: 0, slots: {} },
    rngState: seed >>> 0,
    history: [],
    best: null,
  };
}

export interface FineTuneOptions {
  /** The pruned graph and its weights (`pruneModel`). */
  graph: GraphSpec;
  weights: WeightMap;
  dataset: Dataset;
  /**
   * The run's training config; `epochs` is replaced by `epochs` below, distillation, early stopping and
   * checkpoints are off. Its `validationSplit` and `seed` are kept: the fine-tuning holds out the very samples the
   * run held out (`splitValidation`), never trains on them, and reports the pruned model's `valAccuracy` on them
   * every epoch — what an auto-size search ranks a pruned candidate by.
   */
  config: TrainConfigInput;
  epochs: number;
  onBatchEnd?: (m: BatchMetrics) => void;
  onEpochEnd?: (m: EpochMetrics) => void;
}

/**
 * A trainer that fine-tunes a pruned graph for `epochs` epochs with the run's recipe (optimizer, schedule over the
 * fine-tuning epochs, augmentation, BatchNorm re-estimation, validation split), starting from the pruned weights.
 */
export function createFineTuner(o: FineTuneOptions): Trainer {
  const { distillation: _distillation, earlyStopping: _es, ...rest } = o.config;
  const config: TrainConfigInput = { ...rest, epochs: o.epochs, checkpointEvery: 0 };
  return createTrainer({
    graph: o.graph,
    dataset: o.dataset,
    config,
    resumeFrom: startingCheckpoint(o.weights, o.config.seed ?? 0),
    ...(o.onBatchEnd ? { onBatchEnd: o.onBatchEnd } : {}),
    ...(o.onEpochEnd ? { onEpochEnd: o.onEpochEnd } : {}),
  });
}
