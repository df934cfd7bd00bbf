import type { FloatActivation, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';

/** Float conv (first layer, float layers): zero padding for `same`. */
export interface Conv2DOp extends OpBase {
  op: 'conv2d';
  /** HWIO `[KH, KW, Cin, Cout]`. */
  filter: Float32Array;
  bias: Float32Array | null;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

export const conv2dOp = defineOp<Conv2DOp>({
  kind: 'conv2d',
  arity: 'one',
  summary: 'float 2-D convolution (zero padding), optional bias and ReLU',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.outChannels];
  },
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    c.rank(x, 3, 'input');
    c.pairs(op);
    c.padding(op.padding);
    c.activation(op.activation, 'activation');
    c.channels(op.inChannels, x.channels, 'inChannels');
    c.array(op.filter, Float32Array, op.kernel[0] * op.kernel[1] * op.inChannels * op.outChannels, 'filter');
    if (op.bias !== null) c.array(op.bias, Float32Array, op.outChannels, 'bias');
    c.window(x, op, op.kernel, op.dilations, 'kernel');
  },
});
