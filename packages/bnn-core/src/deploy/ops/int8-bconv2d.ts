import { bconvInt8Effective } from '../../math/int8.js';
import type { DotClamp, OpBase, Padding } from './common.js';
import { defineOp, windowOut } from './contract.js';

/**
 * Binary conv writing int8 (LCE's LceBconv2d with an int8 output tensor, `OutputTransform<int8>`): for output
 * channel c over K = KH·KW·Cin taps, `dot = K − 2·popcount(x XOR w)`, then
 *
 *   y = saturate_int8(round(float(float(clamp(dot)) · m'[c]) + b'[c]))
 *
 * where `clamp` is the fused activation on the integer dot, in int32 (`DOT_CLAMP_RANGE`: `relu` max(dot, 0),
 * `relu6` [0, 6], `relu_n1_to_1` [−1, 1]), `round` ties away from zero
 * (TfLiteRound), and `m'[c] = float(multiplier[c] / out.scale)`, `b'[c] = float(bias[c] / out.scale + out.zp)`
 * (double arithmetic; bnn-core `math/int8.ts`, `bconvInt8Effective`). `multiplier`/`bias` are LCE's
 * post_activation_multiplier / post_activation_bias (the folded BatchNorm), stored unscaled as in the .tflite.
 * 'same' padding must be one-padding (LCE refuses int8 output with zero-padding).
 */
export interface Int8BConv2DOp extends OpBase {
  op: 'int8_bconv2d';
  /** Packed OHWI filter, `Cout·KH·KW·ceil(Cin/32)` words. */
  filter: Int32Array;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  /** With `same`: must be 1 (one-padding). */
  padValue: 0 | 1;
  /** Fused activation on the integer dot product (LCE's fused_activation_function, `DOT_CLAMP_RANGE`). */
  clamp: DotClamp;
  multiplier: Float32Array;
  bias: Float32Array;
}

export const int8Bconv2dOp = defineOp<Int8BConv2DOp>({
  kind: 'int8_bconv2d',
  arity: 'one',
  summary: 'binary 2-D convolution with int8 output (LCE output transform, one-padding)',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.kernel, op.strides, op.dilations, op.padding);
    return [oh, ow, op.outChannels];
  },
  check(op, c, [x], out) {
    c.kind(x!, 'bitpacked', 'input');
    c.kind(out, 'int8', 'output');
    c.rank(x!, 3, 'input');
    c.pairs(op);
    c.padding(op.padding, op.padValue);
    c.channels(op.inChannels, x!.channels, 'inChannels');
    c.positive(op.outChannels, 'outChannels');
    c.packedFilter(op.filter, op.outChannels * op.kernel[0] * op.kernel[1], op.inChannels);
    c.dotClamp(op.clamp, 'clamp');
    c.array(op.multiplier, Float32Array, op.outChannels, 'multiplier');
    c.array(op.bias, Float32Array, op.outChannels, 'bias');
    if (op.padding === 'same' && op.padValue === 0) {
      c.fail(
        "int8 output with 'same' zero-padding (padValue 0): LCE's LceBconv2d refuses it.",
        "Use one-padding (pad_values=1), 'valid' padding, or a float output.",
        'int8.zero_padding',
      );
    }
    const eff = bconvInt8Effective(op.multiplier, op.bias, c.quant(out));
    if (!eff.multiplier.every(Number.isFinite) || !eff.bias.every(Number.isFinite)) {
      c.fail(
        'multiplier / bias divided by the output scale overflow float32.',
        'Calibrate the output range again (its scale is too small).',
        'weights.finite',
      );
    }
    c.window(x!, op, op.kernel, op.dilations, 'kernel');
  },
});
