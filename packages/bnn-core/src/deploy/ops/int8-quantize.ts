import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * float32 → int8 (TFLite QUANTIZE): `q = clamp(round(x / scale) + zeroPoint, −128, 127)` with the output's
 * quantization, the division in float32 and rounding ties away from zero. Shapes equal.
 */
export interface Int8QuantizeOp extends OpBase {
  op: 'int8_quantize';
}

export const int8QuantizeOp = defineOp<Int8QuantizeOp>({
  kind: 'int8_quantize',
  arity: 'one',
  summary: 'float32 → int8 (TFLite QUANTIZE: round(x / scale) + zero point, saturated)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'int8');
  },
});
