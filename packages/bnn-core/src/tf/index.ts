// Public API of @bnn-studio/bnn-core/tf: quantizers, layers, training and data on TensorFlow.js.
// Never imported by the pure entry (src/index.ts). Name every export; no `export *`.
export const TF_ENTRY = 'bnn-core/tf';
export {
  FASHION_MNIST_DIR,
  FASHION_MNIST_INSTALL,
  FASHION_MNIST_LABELS,
  FASHION_MNIST_PACKAGE,
} from '../data/builtin-datasets.js';
export type { CsvOptions } from '../data/csv.js';
export { loadCsv } from '../data/csv.js';
export type { Dataset } from '../data/dataset.js';
export { checkDataset, datasetSize, sampleSize, subset } from '../data/dataset.js';
export {
  FashionMnistMissingError,
  fashionMnistAvailable,
  fashionMnistDir,
  loadFashionMnist,
} from '../data/fashion-mnist.js';
export type { IdxOptions } from '../data/idx.js';
export { loadIdx, writeIdx } from '../data/idx.js';
export type { ImageZipOptions } from '../data/image-zip.js';
export { loadImageFolderZip } from '../data/image-zip.js';
export { DatasetError, MAX_DATASET_BYTES, MAX_FILE_BYTES, MAX_IMAGE_BYTES } from '../data/limits.js';
export { loadMnist, MNIST_SPLIT_SEED, MNIST_TRAIN_FRACTION } from '../data/mnist.js';
export type { RgbaImage } from '../data/png.js';
export { decodePng } from '../data/png.js';
export { MAX_RESIZED_FLOATS, relabelDataset, resizeBilinearInto, resizeDataset } from '../data/resize.js';
export { Rng } from '../math/rng.js';
export { augmentBatch } from '../train/augment.js';
export type { Checkpoint, EpochMetrics } from '../train/checkpoint.js';
export { checkpointFromBytes, checkpointToBytes } from '../train/checkpoint.js';
export type {
  FloatOptimizerConfig,
  OptimizerConfig,
  ScheduleConfig,
  TrainConfig,
  TrainConfigInput,
} from '../train/config.js';
export {
  OptimizerConfigSchema,
  parseTrainConfig,
  ScheduleConfigSchema,
  TrainConfigSchema,
} from '../train/config.js';
export type { DistillationSettings } from '../train/distill.js';
export { distillationLoss, distillationWeight } from '../train/distill.js';
export type { FineTuneOptions } from '../train/fine-tune.js';
export { createFineTuner, startingCheckpoint } from '../train/fine-tune.js';
export type { Optimizer, OptimizerState, TrainableVar } from '../train/optimizers.js';
export { Bop, baseLearningRate, createOptimizer } from '../train/optimizers.js';
export { learningRateAt } from '../train/schedules.js';
export type { BatchMetrics, Trainer, TrainerOptions, TrainResult } from '../train/trainer.js';
export { createTrainer, evaluate, evaluateModel, splitValidation } from '../train/trainer.js';
export type { BackendName, InitBackendOptions } from './backend/init-backend.js';
export { initBackend } from './backend/init-backend.js';
export { registerWasmGradKernels } from './backend/wasm-grad-kernels.js';
export { registerWebglTrainingKernels } from './backend/webgl-train-kernels.js';
export type { BuildOptions, ModelInfo } from './build-model.js';
export { buildModel, floatTeacher, floatTwin, modelInfo, topoOrder } from './build-model.js';
export { BatchNorm } from './layers/batch-norm.js';
export type { BnnWeightInfo, ConstrainedWeight, QuantizedWeight } from './layers/quant-layers.js';
export { dilateKernel, encodeRef, QuantConv, QuantDense, samePadding } from './layers/quant-layers.js';
export { HardTanh, InputNormalization, LeakyTanh, SeededDropout } from './layers/simple-layers.js';
export type { QuantizerFn } from './quantizers.js';
export { makeQuantizer, precisionOf, signTf, signZeroPositive, stopGradient } from './quantizers.js';
export { disposeModel, extractWeights, loadWeights, predict, runModel } from './weights.js';
