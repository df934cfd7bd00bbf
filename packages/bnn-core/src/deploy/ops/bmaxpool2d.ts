import { defineOp, windowOut } from './contract.js';
import type { PoolOpBase } from './pool.js';

/** Max-pool on bit-packed data: the max of ±1 values is −1 only if all are −1, so it is a bitwise AND. `same` ignores out-of-bounds taps. */
export interface BMaxPool2DOp extends PoolOpBase {
  op: 'bmaxpool2d';
}

export const bmaxpool2dOp = defineOp<BMaxPool2DOp>({
  kind: 'bmaxpool2d',
  arity: 'one',
  summary: 'max-pool of bit-packed data (bitwise AND of the −1 bits)',
  outputShape(op, [x]) {
    const [oh, ow] = windowOut(x!.shape, op.pool, op.strides, [1, 1], op.padding);
    return [oh, ow, x!.channels];
  },
  check(op, c, ins, out) {
    c.kinds(ins, 'bitpacked', out, 'bitpacked');
    c.padding(op.padding);
    c.window(ins[0]!, op, op.pool, [1, 1], 'pool window');
  },
});
