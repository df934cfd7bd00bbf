import type { FloatActivation, Int8Quant, OpBase } from './common.js';
import { defineOp, type OpChecker, type OpTensor } from './contract.js';

/**
 * A constant int8 operand of an element-wise int8 op, broadcast along the last axis: `values` has one entry per
 * channel (or one for every element), quantized per tensor with `quant` (TFLite stores it as an INT8 constant
 * tensor of shape [C] or [1]).
 */
export interface Int8Constant {
  values: Int8Array;
  quant: Int8Quant;
}

/**
 * Element-wise product of two int8 tensors of equal shape, or of one int8 tensor and a broadcast int8 constant
 * (TFLite MUL, int8, `reference_integer_ops::Mul`):
 *   y = clamp(zp_out + MultiplyByQuantizedMultiplier((x1 − zp1) · (x2 − zp2), M, S), lo, hi),
 *   (M, S) = QuantizeMultiplier(double(s1) · double(s2) / double(s_out)) (bnn-core `int8MulParams`);
 * [lo, hi] = [−128, 127], or [max(−128, zp_out), 127] with a fused ReLU.
 */
export interface Int8MulOp extends OpBase {
  op: 'int8_mul';
  activation: FloatActivation;
  /** The second operand when it is a constant (then the op has one input); null for two tensors. */
  constant: Int8Constant | null;
}

/** Checks the inputs of an element-wise int8 op with an optional broadcast constant (int8_mul, int8_add). */
export function checkInt8Binary(
  c: OpChecker,
  ins: readonly OpTensor[],
  out: OpTensor,
  constant: Int8Constant | null | undefined,
  what: string,
): void {
  c.kinds(ins, 'int8', out, 'int8');
  if (constant) {
    if (ins.length !== 1) {
      c.fail(
        `has ${ins.length} inputs and a constant; ${what} with a constant takes one input.`,
        'Pass the tensor as the only input.',
      );
    }
    const n = ins[0]!.channels;
    if (
      !(constant.values instanceof Int8Array) ||
      (constant.values.length !== n && constant.values.length !== 1)
    ) {
      c.fail(
        `constant has ${constant.values?.length} values for ${n} channels.`,
        `Give one int8 value per channel (${n}) or one for every element.`,
      );
    }
    const q = constant.quant;
    if (
      !q ||
      !(q.scale > 0) ||
      !Number.isFinite(q.scale) ||
      !Number.isInteger(q.zeroPoint) ||
      q.zeroPoint < -128 ||
      q.zeroPoint > 127
    ) {
      c.fail('constant quantization is invalid.', 'A positive finite scale and a zero point in [−128, 127].');
    }
  } else {
    if (ins.length !== 2)
      c.fail(
        `has ${ins.length} inputs; ${what} takes exactly two (or one and a constant).`,
        `Chain ${what}s two inputs at a time.`,
      );
    if (!c.sameShape(ins[0]!.shape, ins[1]!.shape))
      c.fail(
        `inputs have shapes [${ins[0]!.shape}] and [${ins[1]!.shape}].`,
        'Combine tensors of equal shape.',
      );
    c.quant(ins[1]!);
  }
  c.quant(ins[0]!);
  c.quant(out);
}

export const int8MulOp = defineOp<Int8MulOp>({
  kind: 'int8_mul',
  arity: 'many',
  summary: 'element-wise product of int8 tensors or by a broadcast int8 constant (TFLite MUL int8)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    checkInt8Binary(c, ins, out, op.constant, 'int8 mul');
    c.activation(op.activation, 'activation');
  },
});
