import type { FloatActivation, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';
import { checkAccumulator, checkInt8Weights } from './int8-common.js';

/**
 * int8 depthwise convolution (TFLite DEPTHWISE_CONV_2D; semantics in `./int8-common.ts`): output channel
 * `c·M + m` reads input channel `c`.
 */
export interface Int8DepthwiseConv2DOp extends OpBase {
  op: 'int8_depthwise_conv2d';
  /** `[KH, KW, C·M]` (TFLite's `[1, KH, KW, C·M]`), symmetric int8. */
  filter: Int8Array;
  /** `[C·M]` weight scales. */
  filterScales: Float32Array;
  /** `[C·M]` int32. */
  bias: Int32Array | null;
  channels: number;
  depthMultiplier: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

export const int8DepthwiseConv2dOp = defineOp<Int8DepthwiseConv2DOp>({
  kind: 'int8_depthwise_conv2d',
  arity: 'one',
  summary: 'int8 depthwise 2-D convolution (TFLite DEPTHWISE_CONV_2D, per-channel weights)',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.channels * op.depthMultiplier];
  },
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.rank(x, 3, 'input');
    c.pairs(op);
    c.padding(op.padding);
    c.channels(op.channels, x.channels, 'channels');
    c.positive(op.depthMultiplier, 'depthMultiplier');
    const n = op.channels * op.depthMultiplier;
    checkInt8Weights(
      c,
      ins,
      out,
      op,
      { value: op.filter, length: op.kernel[0] * op.kernel[1] * n, name: 'filter' },
      n,
    );
    checkAccumulator(c, op.kernel[0] * op.kernel[1], op.bias, 'filter');
    c.window(x, op, op.kernel, op.dilations, 'kernel');
  },
});
