import type { FloatActivation, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';

/** Float depthwise conv: output channel c·M + m. */
export interface DepthwiseConv2DOp extends OpBase {
  op: 'depthwise_conv2d';
  /** `[KH, KW, C, M]`. */
  filter: Float32Array;
  bias: Float32Array | null;
  channels: number;
  depthMultiplier: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

export const depthwiseConv2dOp = defineOp<DepthwiseConv2DOp>({
  kind: 'depthwise_conv2d',
  arity: 'one',
  summary: 'float depthwise 2-D convolution (zero padding), optional bias and ReLU',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.channels * op.depthMultiplier];
  },
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    c.rank(x, 3, 'input');
    c.pairs(op);
    c.padding(op.padding);
    c.activation(op.activation, 'activation');
    c.channels(op.channels, x.channels, 'channels');
    const m = op.depthMultiplier;
    c.positive(m, 'depthMultiplier');
    c.array(op.filter, Float32Array, op.kernel[0] * op.kernel[1] * op.channels * m, 'filter');
    if (op.bias !== null) c.array(op.bias, Float32Array, op.channels * m, 'bias');
    c.window(x, op, op.kernel, op.dilations, 'kernel');
  },
});
