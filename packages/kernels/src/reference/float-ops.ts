/** Dispatch of the float ops of a plan to their reference implementations (shared by both backends). */
import type { DeployOp } from '@bnn-studio/bnn-core';
import type { TensorInfo } from '../plan.js';
import {
  addReference,
  concatReference,
  conv2dReference,
  denseReference,
  depthwiseConv2dReference,
  globalAvgPoolReference,
  hardTanhReference,
  leakyTanhReference,
  pool2dReference,
  preluReference,
  reluReference,
  scaleShiftReference,
  softmaxReference,
} from './float.js';

export type FloatOp = Exclude<
  DeployOp,
  { op: 'quantize' | 'dequantize' | 'bconv2d' | 'bdepthwise_conv2d' | 'bdense' | 'bmaxpool2d' }
>;

export function isFloatOp(op: DeployOp): op is FloatOp {
  return !['quantize', 'dequantize', 'bconv2d', 'bdepthwise_conv2d', 'bdense', 'bmaxpool2d'].includes(op.op);
}

/** Runs one float op on one sample; `xs` are the per-sample inputs, `infos` their tensor infos. */
export function runFloatOp(op: FloatOp, xs: Float32Array[], infos: TensorInfo[]): Float32Array {
  const x = xs[0]!;
  const info = infos[0]!;
  const [h = 1, w = 1] = info.shape;
  switch (op.op) {
    case 'conv2d':
      return conv2dReference(x, h, w, op);
    case 'depthwise_conv2d':
      return depthwiseConv2dReference(x, h, w, op);
    case 'dense':
      return denseReference(x, op);
    case 'scale_shift':
      return scaleShiftReference(x, op.scale, op.shift);
    case 'maxpool2d':
      return pool2dReference('max', x, h, w, info.channels, op);
    case 'avgpool2d':
      return pool2dReference('avg', x, h, w, info.channels, op);
    case 'global_avgpool':
      return globalAvgPoolReference(x, info.positions, info.channels);
    case 'add':
      return addReference(xs);
    case 'concat':
      return concatReference(
        xs,
        infos.map((t) => t.channels),
        info.positions,
      );
    case 'reshape':
      return x.slice();
    case 'relu':
      return reluReference(x);
    case 'prelu':
      return preluReference(x, op.alpha);
    case 'hard_tanh':
      return hardTanhReference(x);
    case 'leaky_tanh':
      return leakyTanhReference(x, op.alpha);
    case 'softmax':
      return softmaxReference(x, info.channels);
  }
}
