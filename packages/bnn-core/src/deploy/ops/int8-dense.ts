import type { FloatActivation, OpBase } from './common.js';
import { defineOp } from './contract.js';
import { checkAccumulator, checkInt8Weights } from './int8-common.js';

/**
 * int8 dense → `[Cout]` (TFLite FULLY_CONNECTED with per-channel weights, or LCE's 1×1 CONV_2D; semantics in
 * `./int8-common.ts`). Its input may have any rank: it reads the Cin elements in row-major order (a Flatten
 * before it needs no op, as TFLite's FULLY_CONNECTED flattens its input).
 */
export interface Int8DenseOp extends OpBase {
  op: 'int8_dense';
  /** `[Cout, Cin]` (TFLite's layout), symmetric int8. */
  weights: Int8Array;
  /** `[Cout]` weight scales. */
  filterScales: Float32Array;
  /** `[Cout]` int32. */
  bias: Int32Array | null;
  inChannels: number;
  outChannels: number;
  activation: FloatActivation;
}

export const int8DenseOp = defineOp<Int8DenseOp>({
  kind: 'int8_dense',
  arity: 'one',
  summary:
    'int8 dense layer on the flattened input (per-channel weights, int32 bias, fixed-point requantization)',
  outputShape: (op) => [op.outChannels],
  check(op, c, ins, out) {
    const x = ins[0]!;
    if (op.inChannels !== x.elements) {
      c.fail(`inChannels is ${op.inChannels} but the input has ${x.elements} elements.`, 'Fix the lowering.');
    }
    c.positive(op.outChannels, 'outChannels');
    checkInt8Weights(
      c,
      ins,
      out,
      op,
      { value: op.weights, length: op.inChannels * op.outChannels, name: 'weights' },
      op.outChannels,
    );
    checkAccumulator(c, op.inChannels, op.bias, 'weights');
  },
});
