import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** y = max(x, 0). */
export interface ReluOp extends OpBase {
  op: 'relu';
}

export const reluOp = defineOp<ReluOp>({
  kind: 'relu',
  arity: 'one',
  summary: 'y = max(x, 0)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
  },
});
