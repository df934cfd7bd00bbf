import { defineOp, windowOut } from './contract.js';
import type { PoolOpBase } from './pool.js';

/** Float max-pool; `same` ignores out-of-bounds taps. */
export interface MaxPool2DOp extends PoolOpBase {
  op: 'maxpool2d';
}

export const maxpool2dOp = defineOp<MaxPool2DOp>({
  kind: 'maxpool2d',
  arity: 'one',
  summary: 'float max-pool (same: out-of-bounds taps ignored)',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.pool, op.strides, [1, 1], op.padding);
    return [oh, ow, x!.channels];
  },
  check(op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
    c.padding(op.padding);
    c.window(ins[0]!, op, op.pool, [1, 1], 'pool window');
  },
});
