import type { FloatOutputTransform, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';

/** Binary depthwise conv (depth multiplier 1): per channel, `dot` over KH·KW taps. Float output only. */
export interface BDepthwiseConv2DOp extends OpBase {
  op: 'bdepthwise_conv2d';
  /** Packed `[KH, KW, ceil(C/32)]` words. */
  filter: Int32Array;
  channels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  padValue: 0 | 1;
  transform: FloatOutputTransform;
}

export const bdepthwiseConv2dOp = defineOp<BDepthwiseConv2DOp>({
  kind: 'bdepthwise_conv2d',
  arity: 'one',
  summary: 'binary depthwise 2-D convolution (depth multiplier 1), float output',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.channels];
  },
  check(op, c, [x], out) {
    c.kind(x!, 'bitpacked', 'input');
    c.rank(x!, 3, 'input');
    c.pairs(op);
    c.padding(op.padding, op.padValue);
    c.channels(op.channels, x!.channels, 'channels');
    c.packedFilter(op.filter, op.kernel[0] * op.kernel[1], op.channels);
    c.window(x!, op, op.kernel, op.dilations, 'kernel');
    if (op.transform?.kind !== 'float') c.fail('needs a float output transform.', 'Use a float transform.');
    c.transform(op.transform, op.channels, out, false);
  },
});
