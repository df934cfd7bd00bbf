// Public API of @bnn-studio/kernels. Name every export; no `export *`.
export { BITS_PER_WORD, packBits, packedWords, popcount32, tailBitsClear, unpackBits } from './bitpack.js';
export { createEngine, runDeployGraph } from './engine/engine.js';
export type { Engine, EngineOptions } from './engine/types.js';
export type { KernelErrorCode } from './errors.js';
export { KernelError } from './errors.js';
export type { AxisGeometry, ConvGeometry } from './geometry.js';
export { axisGeometry, convGeometry } from './geometry.js';
export type { Plan, PlannedOp, TensorInfo } from './plan.js';
export { planDeployGraph } from './plan.js';
export type { BConvParams } from './reference/binary.js';
export {
  bconv2dReference,
  bdenseReference,
  bdepthwiseConv2dReference,
  bgemmReference,
  bitpackedTransformBit,
  bmaxpool2dReference,
  floatTransform,
} from './reference/binary.js';
export { expf } from './reference/expf.js';
export {
  addReference,
  concatReference,
  conv2dReference,
  denseReference,
  depthwiseConv2dReference,
  globalAvgPoolReference,
  hardSwishReference,
  hardTanhReference,
  leakyTanhReference,
  pool2dReference,
  preluReference,
  relu6Reference,
  reluReference,
  scaleShiftReference,
  softmaxReference,
} from './reference/float.js';
export {
  int8AddReference,
  int8Bconv2dReference,
  int8BitpackReference,
  int8Conv2dReference,
  int8DenseReference,
  int8DepthwiseConv2dReference,
  int8DequantizeReference,
  int8HardSwishReference,
  int8MeanReference,
  int8MulReference,
  int8Pool2dReference,
  int8QuantizeReference,
  int8RequantizeReference,
  int8SoftmaxReference,
} from './reference/int8.js';
export { WasmBConv } from './wasm/standalone.js';

export const KERNELS_VERSION = '0.1.0';
