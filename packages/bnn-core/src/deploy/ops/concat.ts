import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Concatenation of float tensors along the channel (last) axis, in input order. */
export interface ConcatOp extends OpBase {
  op: 'concat';
}

export const concatOp = defineOp<ConcatOp>({
  kind: 'concat',
  arity: 'many',
  summary: 'concatenation of float tensors along the channel axis',
  outputShape: (_op, ins) => [...ins[0]!.shape.slice(0, -1), ins.reduce((a, t) => a + t.channels, 0)],
  check(_op, c, ins, out) {
    const x = ins[0]!;
    for (const t of ins) {
      c.kind(t, 'float32', 'input');
      if (!c.sameShape(t.shape.slice(0, -1), x.shape.slice(0, -1))) {
        c.fail(
          `inputs [${x.shape}] and [${t.shape}] differ outside the channel axis.`,
          'Concatenate equal-sized maps.',
        );
      }
    }
    c.kind(out, 'float32', 'output');
  },
});
