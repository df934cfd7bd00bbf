import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** softmax over the last axis. */
export interface SoftmaxOp extends OpBase {
  op: 'softmax';
}

export const softmaxOp = defineOp<SoftmaxOp>({
  kind: 'softmax',
  arity: 'one',
  summary: 'softmax over the last axis',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
  },
});
