import { int8SoftmaxParams, isSoftmaxOutputQuant } from '../../math/int8.js';
import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** The largest last axis: TFLite's reciprocal step shifts right by `bits_over_unit + 23`, at most 31 bits. */
export const INT8_SOFTMAX_MAX_DEPTH = 511;

/**
 * int8 softmax over the last axis, TensorFlow Lite's reference kernel for int8 (`reference_ops::Softmax` with
 * gemmlowp fixed point; also TFLite Micro's and CMSIS-NN's `arm_softmax_s8`): the input differences to the row
 * maximum, scaled by `beta · s_in` as a Q5.26 fixed-point multiplier (`int8SoftmaxParams`), go through gemmlowp's
 * `exp_on_negative_values`, the sum's reciprocal through `one_over_one_plus_x_for_x_in_0_1`, and the output is
 * `round(256 · e / Σe) − 128` computed in those fixed-point steps (bnn-core `math/int8.ts`, `int8SoftmaxRow`).
 * The output's quantization is TFLite's fixed one: scale 1/256, zero point −128. `beta` is the float32 beta of
 * SoftmaxOptions.
 */
export interface Int8SoftmaxOp extends OpBase {
  op: 'int8_softmax';
  beta: number;
}

export const int8SoftmaxOp = defineOp<Int8SoftmaxOp>({
  kind: 'int8_softmax',
  arity: 'one',
  summary:
    'int8 softmax over the last axis (TFLite reference fixed-point kernel; output scale 1/256, zp −128)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    const inQ = c.quant(ins[0]!);
    const outQ = c.quant(out);
    if (!isSoftmaxOutputQuant(outQ)) {
      c.fail(
        `output quantization is scale ${outQ.scale}, zero point ${outQ.zeroPoint}; it must be scale 1/256, zero point −128.`,
        'Give the output TensorFlow Lite’s fixed int8 softmax quantization (scale 1/256, zero point −128).',
      );
    }
    if (typeof op.beta !== 'number' || !Number.isFinite(op.beta) || !(op.beta > 0)) {
      c.fail(`beta is ${String(op.beta)}.`, 'A positive finite beta (1 for a plain softmax).');
    }
    if (!int8SoftmaxParams(op.beta, inQ.scale)) {
      c.fail(
        `beta · input scale (${op.beta} · ${inQ.scale}) is at most 2^−26; TensorFlow Lite refuses such an int8 softmax.`,
        'Quantize the logits with a coarser scale (or compute the softmax in float32).',
      );
    }
    const depth = ins[0]!.channels;
    if (depth > INT8_SOFTMAX_MAX_DEPTH) {
      c.fail(
        `its last axis has ${depth} values; the int8 kernel takes at most ${INT8_SOFTMAX_MAX_DEPTH}.`,
        'Compute a wider softmax in float32 (int8_dequantize → softmax).',
      );
    }
  },
});
