// Public API of @bnn-studio/bnn-core/tf: quantizers, layers, training and data on TensorFlow.js.
// Never imported by the pure entry (src/index.ts). Name every export; no `export *`.
export const TF_ENTRY = 'bnn-core/tf';
export type { BackendName, InitBackendOptions } from './backend/init-backend.js';
export { initBackend } from './backend/init-backend.js';
export { registerWasmGradKernels } from './backend/wasm-grad-kernels.js';
export type { BuildOptions, ModelInfo } from './build-model.js';
export { buildModel, floatTwin, modelInfo, topoOrder } from './build-model.js';
export type { BnnWeightInfo, ConstrainedWeight, QuantizedWeight } from './layers/quant-layers.js';
export { dilateKernel, QuantConv, QuantDense, samePadding } from './layers/quant-layers.js';
export { HardTanh, InputNormalization, LeakyTanh, SeededDropout } from './layers/simple-layers.js';
export type { QuantizerFn } from './quantizers.js';
export { makeQuantizer, precisionOf, signZeroPositive, stopGradient } from './quantizers.js';
export { disposeModel, extractWeights, loadWeights, predict, runModel } from './weights.js';
