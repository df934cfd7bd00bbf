import type { OpBase, OutputTransform, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';

/** Binary conv: input bitpacked `[H, W, Cin]`; output float32 or bitpacked `[OH, OW, Cout]`. */
export interface BConv2DOp extends OpBase {
  op: 'bconv2d';
  /** Packed OHWI filter, `Cout·KH·KW·ceil(Cin/32)` words. */
  filter: Int32Array;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  /** With `same`: 1 = one-padding (+1), 0 = zero-padding (float output only). Ignored for `valid`. */
  padValue: 0 | 1;
  transform: OutputTransform;
}

export const bconv2dOp = defineOp<BConv2DOp>({
  kind: 'bconv2d',
  arity: 'one',
  summary: 'binary 2-D convolution (XOR + popcount), float or bit-packed output',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.outChannels];
  },
  check(op, c, [x], out) {
    c.kind(x!, 'bitpacked', 'input');
    c.rank(x!, 3, 'input');
    c.pairs(op);
    c.padding(op.padding, op.padValue);
    c.channels(op.inChannels, x!.channels, 'inChannels');
    c.positive(op.outChannels, 'outChannels');
    c.packedFilter(op.filter, op.outChannels * op.kernel[0] * op.kernel[1], op.inChannels);
    c.window(x!, op, op.kernel, op.dilations, 'kernel');
    c.transform(op.transform, op.outChannels, out, op.padding === 'same' && op.padValue === 0);
  },
});
