import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** y = clamp(x, −1, 1). */
export interface HardTanhOp extends OpBase {
  op: 'hard_tanh';
}

export const hardTanhOp = defineOp<HardTanhOp>({
  kind: 'hard_tanh',
  arity: 'one',
  summary: 'y = clamp(x, −1, 1)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
  },
});
