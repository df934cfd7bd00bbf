import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** y = min(max(x, 0), 6) (TensorFlow Lite's float RELU6; +0 for ±0). */
export interface Relu6Op extends OpBase {
  op: 'relu6';
}

export const relu6Op = defineOp<Relu6Op>({
  kind: 'relu6',
  arity: 'one',
  summary: 'y = min(max(x, 0), 6)',
  outputShape: (_op, [x]) => [...x!.shape],
  check(_op, c, ins, out) {
    c.kinds(ins, 'float32', out, 'float32');
  },
});
