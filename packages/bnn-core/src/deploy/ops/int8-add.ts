import type { FloatActivation, OpBase } from './common.js';
import { defineOp } from './contract.js';
import { checkInt8Binary, type Int8Constant } from './int8-mul.js';

/**
 * Element-wise sum of two int8 tensors of equal shape, or of one int8 tensor and a broadcast int8 constant
 * (TFLite ADD, int8): each operand is rescaled to a common scale with a 20-bit left shift and its own fixed-point
 * multiplier, the sum requantized to the output (bnn-core `math/int8.ts`, `int8AddParams` / `int8AddElement`),
 * then clamped ([max(−128, zp), 127] with ReLU).
 */
export interface Int8AddOp extends OpBase {
  op: 'int8_add';
  activation: FloatActivation;
  /** The second operand when it is a constant (then the op has one input); absent or null for two tensors. */
  constant?: Int8Constant | null;
}

export const int8AddOp = defineOp<Int8AddOp>({
  kind: 'int8_add',
  arity: 'many',
  summary:
    'element-wise sum of two int8 tensors or with a broadcast int8 constant (TFLite ADD, fixed-point rescaling)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    checkInt8Binary(c, ins, out, op.constant, 'int8 add');
    c.activation(op.activation, 'activation');
  },
});
