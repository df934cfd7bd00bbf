import type { FloatActivation, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';
import { checkAccumulator, checkInt8Weights } from './int8-common.js';

/** int8 2-D convolution (TFLite CONV_2D, per-channel int8 weights; semantics in `./int8-common.ts`). */
export interface Int8Conv2DOp extends OpBase {
  op: 'int8_conv2d';
  /** OHWI `[Cout, KH, KW, Cin]` (TFLite's layout), symmetric int8. */
  filter: Int8Array;
  /** `[Cout]` weight scales. */
  filterScales: Float32Array;
  /** `[Cout]` int32, scale `in.scale · filterScales[c]`. */
  bias: Int32Array | null;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

export const int8Conv2dOp = defineOp<Int8Conv2DOp>({
  kind: 'int8_conv2d',
  arity: 'one',
  summary:
    'int8 2-D convolution (TFLite CONV_2D: per-channel weights, int32 bias, fixed-point requantization)',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.outChannels];
  },
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.rank(x, 3, 'input');
    c.pairs(op);
    c.padding(op.padding);
    c.channels(op.inChannels, x.channels, 'inChannels');
    c.positive(op.outChannels, 'outChannels');
    const taps = op.kernel[0] * op.kernel[1] * op.inChannels;
    checkInt8Weights(
      c,
      ins,
      out,
      op,
      { value: op.filter, length: op.outChannels * taps, name: 'filter' },
      op.outChannels,
    );
    checkAccumulator(c, taps, op.bias, 'filter');
    c.window(x, op, op.kernel, op.dilations, 'kernel');
  },
});
