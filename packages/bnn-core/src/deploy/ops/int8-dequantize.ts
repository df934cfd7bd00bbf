import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** int8 → float32 (TFLite DEQUANTIZE): `x = float(scale · (q − zeroPoint))` with the input's quantization. */
export interface Int8DequantizeOp extends OpBase {
  op: 'int8_dequantize';
}

export const int8DequantizeOp = defineOp<Int8DequantizeOp>({
  kind: 'int8_dequantize',
  arity: 'one',
  summary: 'int8 → float32 (TFLite DEQUANTIZE: scale · (q − zero point))',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'float32');
  },
});
