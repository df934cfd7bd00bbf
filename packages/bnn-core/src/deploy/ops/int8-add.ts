import type { FloatActivation, OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * Element-wise sum of two int8 tensors of equal shape (TFLite ADD, int8): each input is rescaled to a common
 * scale with a 20-bit left shift and its own fixed-point multiplier, the sum requantized to the output
 * (bnn-core `math/int8.ts`, `int8AddParams` / `int8AddElement`), then clamped ([max(−128, zp), 127] with ReLU).
 */
export interface Int8AddOp extends OpBase {
  op: 'int8_add';
  activation: FloatActivation;
}

export const int8AddOp = defineOp<Int8AddOp>({
  kind: 'int8_add',
  arity: 'many',
  summary: 'element-wise sum of two int8 tensors (TFLite ADD, fixed-point rescaling)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    if (ins.length !== 2) {
      c.fail(
        `has ${ins.length} inputs; int8 add takes exactly two.`,
        'Chain int8 adds two inputs at a time.',
      );
    }
    const a = ins[0]!;
    const b = ins[1]!;
    c.kinds(ins, 'int8', out, 'int8');
    if (!c.sameShape(a.shape, b.shape))
      c.fail(`inputs have shapes [${a.shape}] and [${b.shape}].`, 'Add tensors of equal shape.');
    c.quant(a);
    c.quant(b);
    c.quant(out);
    c.activation(op.activation, 'activation');
  },
});
