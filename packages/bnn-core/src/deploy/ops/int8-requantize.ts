import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * int8 → int8 rescale with a clamp, TensorFlow Lite's reference `Requantize` (QUANTIZE int8 → int8) and `ReluX`
 * (RELU, RELU6, RELU_N1_TO_1 on int8 whose output quantization differs from the input's):
 *   y = clamp(zp_out + MultiplyByQuantizedMultiplier(x − zp_in, M, S), min, max),
 *   (M, S) = QuantizeMultiplier(double(s_in) / double(s_out)) (bnn-core `quantizeMultiplier`).
 * `min` / `max` are int8 bounds: [−128, 127] for QUANTIZE; TFLite's `QuantizedReluX` gives
 * [max(−128, zp_out), 127] for RELU, upper bound min(127, zp_out + round(6 / s_out)) for RELU6 and
 * [max(−128, zp_out + round(−1 / s_out)), min(127, zp_out + round(1 / s_out))] for RELU_N1_TO_1 (`int8ReluBounds`).
 */
export interface Int8RequantizeOp extends OpBase {
  op: 'int8_requantize';
  min: number;
  max: number;
}

export const int8RequantizeOp = defineOp<Int8RequantizeOp>({
  kind: 'int8_requantize',
  arity: 'one',
  summary: 'int8 → int8 rescale and clamp (TFLite QUANTIZE int8→int8, int8 RELU / RELU6 / RELU_N1_TO_1)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    c.quant(ins[0]!);
    c.quant(out);
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= -128 && (v as number) <= 127;
    if (!ok(op.min) || !ok(op.max) || op.min > op.max) {
      c.fail(`clamp bounds are [${op.min}, ${op.max}].`, 'Integer bounds with −128 ≤ min ≤ max ≤ 127.');
    }
  },
});
