/**
 * Training recipes: how each preset is trained for its documented accuracy (`documented-accuracy.ts`). The bench
 * (`src/bench/training.ts`), the CLI (`bnn-studio train` on a preset graph), the API and the web train form start
 * from these, so a preset trained with defaults reproduces its documented figure.
 *
 * A recipe is a plain object shaped like bnn-core/tf's `TrainConfigInput` (schedule, augmentation, optimizer)
 * plus the built-in dataset it is measured on; `recipeTrainConfig` turns it into a config for one seed.
 */

/** Built-in datasets a recipe can be measured on (ids of the API's built-in datasets). */
export type BuiltinDatasetId = 'mnist' | 'fashion-mnist';

export interface TrainRecipe {
  /** Built-in dataset the documented accuracy is measured on. */
  dataset: BuiltinDatasetId;
  epochs: number;
  batchSize: number;
  optimizer: { id: 'adam'; learningRate: number };
  /** Linear warm-up over `warmupEpochs`, then cosine decay to `minLearningRate`. */
  schedule: { id: 'cosine'; warmupEpochs: number; minLearningRate: number };
  /** ±`shift` pixel translations (zero fill), optional left–right flips and Gaussian noise. */
  augmentation: { shift: number; flip: boolean; noise: number };
  /**
   * After the last epoch, BatchNorm statistics re-estimated for the final weights over this many training batches
   * (the trainer's `recalibrateBatchNorm`; absent or 0: Keras' moving averages are kept).
   */
  recalibrateBatchNorm?: number;
}

/** The training config of a recipe for one seed (no checkpoints: the bench and the CLI keep the final weights). */
export function recipeTrainConfig(
  recipe: TrainRecipe,
  seed: number,
): {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: TrainRecipe['optimizer'];
  schedule: TrainRecipe['schedule'];
  augmentation: TrainRecipe['augmentation'];
  recalibrateBatchNorm?: number;
} {
  return {
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    seed,
    optimizer: { ...recipe.optimizer },
    schedule: { ...recipe.schedule },
    augmentation: { ...recipe.augmentation },
    ...(recipe.recalibrateBatchNorm ? { recalibrateBatchNorm: recipe.recalibrateBatchNorm } : {}),
  };
}

/**
 * The common recipe: Adam 2e-3, cosine decay to 1e-5 after one warm-up epoch, ±1-pixel shifts, batch 64.
 * Epochs per preset are chosen so a run fits this shared 2-core machine (minutes in documented-accuracy.ts).
 */
export function standardRecipe(epochs: number, dataset: BuiltinDatasetId = 'mnist'): TrainRecipe {
  return {
    dataset,
    epochs,
    batchSize: 64,
    optimizer: { id: 'adam', learningRate: 2e-3 },
    schedule: { id: 'cosine', warmupEpochs: Math.min(1, epochs - 1), minLearningRate: 1e-5 },
    augmentation: { shift: 1, flip: false, noise: 0 },
  };
}
