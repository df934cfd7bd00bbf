import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** float32 → bitpacked: sign(x) with sign(0) = +1. Shapes equal. */
export interface QuantizeOp extends OpBase {
  op: 'quantize';
}

export const quantizeOp = defineOp<QuantizeOp>({
  kind: 'quantize',
  arity: 'one',
  summary: 'float32 → bit-packed sign (sign(0) = +1)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'bitpacked');
  },
});
