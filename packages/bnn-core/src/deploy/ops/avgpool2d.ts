import { defineOp, windowOut } from './contract.js';
import type { PoolOpBase } from './pool.js';

/** Float average-pool; `same` averages only in-bounds taps (TensorFlow semantics). */
export interface AvgPool2DOp extends PoolOpBase {
  op: 'avgpool2d';
}

export const avgpool2dOp = defineOp<AvgPool2DOp>({
  kind: 'avgpool2d',
  arity: 'one',
  summary: 'float average-pool (same: mean of the in-bounds taps)',
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
