/**
 * The reference kernel of every deploy op, in one table the compiler checks against bnn-core's op table
 * (`satisfies { [K in DeployOpKind]: … }`: a new op kind without a reference kernel does not compile). The
 * reference backend runs every op from it; the WASM backend runs the float ops that have no WASM kernel from it.
 */
import type { DeployOp, DeployOpKind, DeployOpOf } from '@bnn-studio/bnn-core';
import { packBits, unpackBits } from '../bitpack.js';
import { nonFiniteQuantize } from '../errors.js';
import type { TensorInfo } from '../plan.js';
import {
  bconv2dReference,
  bdenseReference,
  bdepthwiseConv2dReference,
  bmaxpool2dReference,
} from './binary.js';
import {
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
} from './float.js';
import {
  broadcastInt8Constant,
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
} from './int8.js';

/** A per-sample value: float32 elements, LCE bit-packed words, or int8 elements. */
export type Value = Float32Array | Int32Array | Int8Array;

/** Runs one op on one sample: `xs` are its inputs' values, `infos` their tensors, `out` its output's tensor. */
export type ReferenceKernel<K extends DeployOpKind> = (
  op: DeployOpOf<K>,
  xs: Value[],
  infos: TensorInfo[],
  out: TensorInfo,
) => Value;

const floats = (v: Value | undefined) => v as Float32Array;
const words = (v: Value | undefined) => v as Int32Array;
const int8s = (v: Value | undefined) => v as Int8Array;
const quant = (t: TensorInfo | undefined) => t!.quant!;
const hw = (t: TensorInfo): [number, number] => [t.shape[0] ?? 1, t.shape[1] ?? 1];

export const REFERENCE_KERNELS = {
  quantize: (op, [x], [a]) => {
    if (!floats(x).every(Number.isFinite)) throw nonFiniteQuantize(op.sourceNode);
    return packBits(floats(x), a!.channels);
  },
  dequantize: (_op, [x], [a]) => unpackBits(words(x), a!.channels, a!.positions),
  bconv2d: (op, [x], [a]) => bconv2dReference(words(x), ...hw(a!), op),
  bdepthwise_conv2d: (op, [x], [a]) => bdepthwiseConv2dReference(words(x), ...hw(a!), op),
  bdense: (op, [x]) => bdenseReference(words(x), op),
  bmaxpool2d: (op, [x], [a]) => bmaxpool2dReference(words(x), ...hw(a!), a!.channels, op),
  conv2d: (op, [x], [a]) => conv2dReference(floats(x), ...hw(a!), op),
  depthwise_conv2d: (op, [x], [a]) => depthwiseConv2dReference(floats(x), ...hw(a!), op),
  dense: (op, [x]) => denseReference(floats(x), op),
  scale_shift: (op, [x]) => scaleShiftReference(floats(x), op.scale, op.shift),
  maxpool2d: (op, [x], [a]) => pool2dReference('max', floats(x), ...hw(a!), a!.channels, op),
  avgpool2d: (op, [x], [a]) => pool2dReference('avg', floats(x), ...hw(a!), a!.channels, op),
  global_avgpool: (_op, [x], [a]) => globalAvgPoolReference(floats(x), a!.positions, a!.channels),
  add: (_op, xs) => addReference(xs as Float32Array[]),
  concat: (_op, xs, infos) =>
    concatReference(
      xs as Float32Array[],
      infos.map((t) => t.channels),
      infos[0]!.positions,
    ),
  reshape: (_op, [x]) => floats(x).slice(),
  relu: (_op, [x]) => reluReference(floats(x)),
  prelu: (op, [x]) => preluReference(floats(x), op.alpha),
  hard_tanh: (_op, [x]) => hardTanhReference(floats(x)),
  leaky_tanh: (op, [x]) => leakyTanhReference(floats(x), op.alpha),
  softmax: (_op, [x], [a]) => softmaxReference(floats(x), a!.channels),
  int8_quantize: (op, [x], _infos, out) => int8QuantizeReference(floats(x), quant(out), op.sourceNode),
  int8_dequantize: (_op, [x], [a]) => int8DequantizeReference(int8s(x), quant(a)),
  int8_bitpack: (_op, [x], [a]) => int8BitpackReference(int8s(x), a!.channels, quant(a).zeroPoint),
  int8_conv2d: (op, [x], [a], out) => int8Conv2dReference(int8s(x), ...hw(a!), op, quant(a), quant(out)),
  int8_depthwise_conv2d: (op, [x], [a], out) =>
    int8DepthwiseConv2dReference(int8s(x), ...hw(a!), op, quant(a), quant(out)),
  int8_dense: (op, [x], [a], out) => int8DenseReference(int8s(x), op, quant(a), quant(out)),
  int8_add: (op, [x, y], [a, b], out) =>
    op.constant
      ? int8AddReference(
          int8s(x),
          broadcastInt8Constant(op.constant.values, int8s(x).length, a!.channels),
          quant(a),
          op.constant.quant,
          quant(out),
          op.activation,
        )
      : int8AddReference(int8s(x), int8s(y), quant(a), quant(b), quant(out), op.activation),
  int8_mul: (op, [x, y], [a, b], out) =>
    op.constant
      ? int8MulReference(
          int8s(x),
          broadcastInt8Constant(op.constant.values, int8s(x).length, a!.channels),
          quant(a),
          op.constant.quant,
          quant(out),
          op.activation,
        )
      : int8MulReference(int8s(x), int8s(y), quant(a), quant(b), quant(out), op.activation),
  int8_maxpool2d: (op, [x], [a]) => int8Pool2dReference(int8s(x), ...hw(a!), a!.channels, op),
  int8_avgpool2d: (op, [x], [a]) => int8Pool2dReference(int8s(x), ...hw(a!), a!.channels, op),
  int8_bconv2d: (op, [x], [a], out) => int8Bconv2dReference(words(x), ...hw(a!), op, quant(out)),
  int8_softmax: (op, [x], [a]) => int8SoftmaxReference(int8s(x), a!.channels, op.beta, quant(a)),
  int8_requantize: (op, [x], [a], out) =>
    int8RequantizeReference(int8s(x), quant(a), quant(out), op.min, op.max),
  // imported activations (issue 16)
  relu6: (_op, [x]) => relu6Reference(floats(x)),
  hard_swish: (_op, [x]) => hardSwishReference(floats(x)),
  int8_hard_swish: (_op, [x], [a], out) => int8HardSwishReference(int8s(x), quant(a), quant(out)),
  int8_mean: (_op, [x], [a], out) =>
    int8MeanReference(int8s(x), ...hw(a!), a!.channels, quant(a), quant(out)),
} satisfies { [K in DeployOpKind]: ReferenceKernel<K> };

/** Runs `op` on one sample with its reference kernel. */
export function runReferenceOp(op: DeployOp, xs: Value[], infos: TensorInfo[], out: TensorInfo): Value {
  const kernel = REFERENCE_KERNELS[op.op] as (
    op: DeployOp,
    xs: Value[],
    infos: TensorInfo[],
    out: TensorInfo,
  ) => Value;
  return kernel(op, xs, infos, out);
}
