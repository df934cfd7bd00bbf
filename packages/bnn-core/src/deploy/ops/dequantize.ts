import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** bitpacked → float32 ±1. */
export interface DequantizeOp extends OpBase {
  op: 'dequantize';
}

export const dequantizeOp = defineOp<DequantizeOp>({
  kind: 'dequantize',
  arity: 'one',
  summary: 'bit-packed → float32 ±1',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'bitpacked', out, 'float32');
  },
});
