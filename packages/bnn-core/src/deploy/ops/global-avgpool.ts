import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** `[H, W, C]` → `[C]`. */
export interface GlobalAvgPoolOp extends OpBase {
  op: 'global_avgpool';
}

export const globalAvgpoolOp = defineOp<GlobalAvgPoolOp>({
  kind: 'global_avgpool',
  arity: 'one',
  summary: 'mean over height and width, [H, W, C] → [C]',
  outputShape: (_op, [x]) => [x!.channels],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
    c.rank(ins[0]!, 3, 'input');
  },
});
