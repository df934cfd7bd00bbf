import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Element-wise sum of float tensors of equal shape. */
export interface AddOp extends OpBase {
  op: 'add';
}

export const addOp = defineOp<AddOp>({
  kind: 'add',
  arity: 'many',
  summary: 'element-wise sum of float tensors of equal shape',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    const x = ins[0]!;
    for (const t of ins) {
      c.kind(t, 'float32', 'input');
      if (!c.sameShape(t.shape, x.shape))
        c.fail(`inputs have shapes [${x.shape}] and [${t.shape}].`, 'Add tensors of equal shape.');
    }
    c.kind(out, 'float32', 'output');
  },
});
