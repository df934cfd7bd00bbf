import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Larq's leaky_tanh: y = clamp(x, −1, 1) + alpha·(x − clamp(x, −1, 1)). */
export interface LeakyTanhOp extends OpBase {
  op: 'leaky_tanh';
  alpha: number;
}

export const leakyTanhOp = defineOp<LeakyTanhOp>({
  kind: 'leaky_tanh',
  arity: 'one',
  summary: 'y = clamp(x, −1, 1) + alpha·(x − clamp(x, −1, 1))',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
    if (!Number.isFinite(op.alpha)) c.fail('alpha must be finite.', 'Fix alpha.');
  },
});
