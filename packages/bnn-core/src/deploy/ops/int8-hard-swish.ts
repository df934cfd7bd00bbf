import { int8HardSwishParams, isHardSwishRefusal } from '../../math/hard-swish.js';
import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * int8 HARD_SWISH, TensorFlow Lite's reference integer kernel (`reference_ops::HardSwish` with `HardSwishParams`
 * from `HardSwishPrepare`): the input on a 2^7 finer int16 grid, rescaled to the output scale and multiplied by a
 * Q0.15 "relu-ish" factor relu6(x + 3) / 6 — every step in bnn-core `math/hard-swish.ts`
 * (`int8HardSwishParams`, `int8HardSwishElement`). Input and output quantization are the tensors' own; scales
 * TensorFlow Lite refuses (input scale / output scale ≥ 128) or whose shifts leave [−15, 30] are refused here.
 */
export interface Int8HardSwishOp extends OpBase {
  op: 'int8_hard_swish';
}

export const int8HardSwishOp = defineOp<Int8HardSwishOp>({
  kind: 'int8_hard_swish',
  arity: 'one',
  summary: 'int8 HARD_SWISH (TFLite reference int16 fixed-point kernel)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'int8', out, 'int8');
    const p = int8HardSwishParams(c.quant(ins[0]!), c.quant(out));
    if (isHardSwishRefusal(p)) c.fail(p.error, p.fix);
  },
});
