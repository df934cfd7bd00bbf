import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** y = x ≥ 0 ? x : alpha·x, with alpha per channel (`[C]`) or per element. */
export interface PReluOp extends OpBase {
  op: 'prelu';
  alpha: Float32Array;
}

export const preluOp = defineOp<PReluOp>({
  kind: 'prelu',
  arity: 'one',
  summary: 'y = x ≥ 0 ? x : alpha·x (alpha per channel or per element)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    const n = op.alpha instanceof Float32Array ? op.alpha.length : -1;
    c.array(op.alpha, Float32Array, n === x.elements ? x.elements : x.channels, 'alpha');
  },
});
