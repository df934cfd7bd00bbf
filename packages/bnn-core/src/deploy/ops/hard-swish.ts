import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/**
 * float HARD_SWISH, TensorFlow Lite's reference formula and order: y = f(f(x · min(6, max(0, f(x + 3)))) / 6)
 * (bnn-core `math/hard-swish.ts`, `hardSwishF32`).
 */
export interface HardSwishOp extends OpBase {
  op: 'hard_swish';
}

export const hardSwishOp = defineOp<HardSwishOp>({
  kind: 'hard_swish',
  arity: 'one',
  summary: 'y = x · relu6(x + 3) / 6 (TFLite reference order, float32)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
  },
});
