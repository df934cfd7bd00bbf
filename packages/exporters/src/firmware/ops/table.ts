/**
 * The C emitter of every deploy op, one table the compiler checks against bnn-core's op table: a new op kind
 * without an emitter here (and a C kernel in runtime/src/bnn_runtime.c) does not compile.
 */
import type { DeployOp, DeployOpKind } from '@bnn-studio/bnn-core';
import { bconv2dC, bdenseC, bdepthwiseConv2dC, bmaxpool2dC, dequantizeC, quantizeC } from './binary.js';
import {
  addC,
  avgpool2dC,
  concatC,
  globalAvgpoolC,
  hardSwishC,
  hardTanhC,
  leakyTanhC,
  maxpool2dC,
  preluC,
  relu6C,
  reluC,
  reshapeC,
  scaleShiftC,
  softmaxC,
} from './elementwise.js';
import type { CEmitContext, CKernel, CTensorsOf } from './emitter.js';
import { conv2dC, denseC, depthwiseConv2dC } from './float-conv.js';
import {
  int8AddC,
  int8Avgpool2dC,
  int8Bconv2dC,
  int8BitpackC,
  int8Conv2dC,
  int8DenseC,
  int8DepthwiseConv2dC,
  int8DequantizeC,
  int8HardSwishC,
  int8Maxpool2dC,
  int8MeanC,
  int8MulC,
  int8QuantizeC,
  int8RequantizeC,
  int8SoftmaxC,
} from './int8.js';

export const C_KERNELS = {
  quantize: quantizeC,
  dequantize: dequantizeC,
  bconv2d: bconv2dC,
  bdepthwise_conv2d: bdepthwiseConv2dC,
  bdense: bdenseC,
  bmaxpool2d: bmaxpool2dC,
  conv2d: conv2dC,
  depthwise_conv2d: depthwiseConv2dC,
  dense: denseC,
  scale_shift: scaleShiftC,
  maxpool2d: maxpool2dC,
  avgpool2d: avgpool2dC,
  global_avgpool: globalAvgpoolC,
  add: addC,
  concat: concatC,
  reshape: reshapeC,
  relu: reluC,
  prelu: preluC,
  hard_tanh: hardTanhC,
  leaky_tanh: leakyTanhC,
  softmax: softmaxC,
  int8_quantize: int8QuantizeC,
  int8_dequantize: int8DequantizeC,
  int8_bitpack: int8BitpackC,
  int8_conv2d: int8Conv2dC,
  int8_depthwise_conv2d: int8DepthwiseConv2dC,
  int8_dense: int8DenseC,
  int8_add: int8AddC,
  int8_maxpool2d: int8Maxpool2dC,
  int8_avgpool2d: int8Avgpool2dC,
  int8_bconv2d: int8Bconv2dC,
  int8_softmax: int8SoftmaxC,
  int8_mul: int8MulC,
  int8_requantize: int8RequantizeC,
  // imported activations (issue 16)
  relu6: relu6C,
  hard_swish: hardSwishC,
  int8_hard_swish: int8HardSwishC,
  int8_mean: int8MeanC,
} satisfies { [K in DeployOpKind]: CKernel<K> };

type AnyCKernel = {
  emit(op: DeployOp, c: CEmitContext): string;
  scratchBytes?(op: DeployOp, io: CTensorsOf): number;
};

/** The C emitter of `op`'s kind. */
export function cKernelOf(op: DeployOp): AnyCKernel {
  return C_KERNELS[op.op] as AnyCKernel;
}
