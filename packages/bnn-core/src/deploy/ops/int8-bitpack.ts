import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * int8 → bitpacked (LCE's LceQuantize on an int8 tensor): bit 1 (−1) where `q < zeroPoint` (the real value is
 * negative), bit 0 (+1) otherwise — sign(0) = +1 as for float input. Shapes equal.
 */
export interface Int8BitpackOp extends OpBase {
  op: 'int8_bitpack';
}

export const int8BitpackOp = defineOp<Int8BitpackOp>({
  kind: 'int8_bitpack',
  arity: 'one',
  summary: 'int8 → bit-packed sign (LceQuantize: bit 1 where q < zero point)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'bitpacked');
  },
});
