import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Row-major reshape of a float tensor (Flatten is a reshape to `[H·W·C]`); the output tensor declares the shape. */
export interface ReshapeOp extends OpBase {
  op: 'reshape';
}

export const reshapeOp = defineOp<ReshapeOp>({
  kind: 'reshape',
  arity: 'one',
  summary: 'row-major reshape of a float tensor (the output tensor declares the shape)',
  outputShape: () => null,
  check(_op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    if (out.elements !== x.elements)
      c.fail(`cannot reshape ${x.elements} elements into [${out.shape}].`, 'Keep the element count.');
  },
});
