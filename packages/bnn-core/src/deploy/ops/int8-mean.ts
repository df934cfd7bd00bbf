import { INT8_MEAN_MAX_PIXELS } from '../../math/int8.js';
import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * int8 mean over height and width, `[H, W, C]` → `[C]`: TensorFlow Lite's int8 MEAN over axes [1, 2]
 * (`keep_dims` false, as LCE's converter and the xcore writer emit a global average pooling), computed as
 * TFLite's reduce kernel does (`reference_ops::QuantizedMeanOrSum`, reached from reduce.cc's `EvalQuantizedMean`
 * and TFLite Micro's `EvalIntegerMean`): per channel the int32 sum of the `n = H·W` values,
 * `y = clamp(zp_out + MultiplyByQuantizedMultiplier(sum − zp_in·n, M', S'), −128, 127)` with the 1/n folded into
 * the multiplier of `s_in / s_out` (bnn-core `int8MeanParams`).
 */
export interface Int8MeanOp extends OpBase {
  op: 'int8_mean';
}

export const int8MeanOp = defineOp<Int8MeanOp>({
  kind: 'int8_mean',
  arity: 'one',
  summary: 'int8 mean over height and width, [H, W, C] → [C] (TFLite int8 MEAN over axes 1, 2)',
  outputShape: (_op, [x]) => [x!.channels],
  check(_op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    c.rank(ins[0]!, 3, 'input');
    c.quant(ins[0]!);
    c.quant(out);
    const pixels = ins[0]!.elements / ins[0]!.channels;
    if (pixels > INT8_MEAN_MAX_PIXELS) {
      c.fail(
        `it averages ${pixels} pixels; the int32 sum of the int8 kernel holds at most ${INT8_MEAN_MAX_PIXELS}.`,
        'Pool the map down first (int8_avgpool2d) or average in float32 (int8_dequantize → global_avgpool).',
      );
    }
  },
});
