import { defineOp, windowOut } from './contract.js';
import type { PoolOpBase } from './pool.js';

/** int8 max-pool (TFLite MAX_POOL_2D, int8): the maximum of the in-bounds taps; output quantized as the input. */
export interface Int8MaxPool2DOp extends PoolOpBase {
  op: 'int8_maxpool2d';
}

/**
 * int8 average-pool (TFLite AVERAGE_POOL_2D, int8): the int32 sum of the in-bounds taps divided by their count,
 * rounded to nearest with ties away from zero; output quantized as the input.
 */
export interface Int8AvgPool2DOp extends PoolOpBase {
  op: 'int8_avgpool2d';
}

const outputShape = (op: PoolOpBase, [x]: readonly { shape: number[]; channels: number }[]) => {
  const [oh, ow] = windowOut(x!.shape, op.pool, op.strides, [1, 1], op.padding);
  return [oh, ow, x!.channels];
};

export const int8Maxpool2dOp = defineOp<Int8MaxPool2DOp>({
  kind: 'int8_maxpool2d',
  arity: 'one',
  summary: 'int8 max-pool (same: out-of-bounds taps ignored; quantization kept)',
  outputShape,
  check(op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    c.sameQuant(ins[0]!, out);
    c.padding(op.padding);
    c.window(ins[0]!, op, op.pool, [1, 1], 'pool window');
  },
});

export const int8Avgpool2dOp = defineOp<Int8AvgPool2DOp>({
  kind: 'int8_avgpool2d',
  arity: 'one',
  summary: 'int8 average-pool (rounded mean of the in-bounds taps; quantization kept)',
  outputShape,
  check(op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    c.sameQuant(ins[0]!, out);
    c.padding(op.padding);
    c.window(ins[0]!, op, op.pool, [1, 1], 'pool window');
  },
});
