import type { OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Per-channel affine map (an unfolded BatchNorm or an input normalisation): y = x·scale[c] + shift[c]. */
export interface ScaleShiftOp extends OpBase {
  op: 'scale_shift';
  scale: Float32Array;
  shift: Float32Array;
}

export const scaleShiftOp = defineOp<ScaleShiftOp>({
  kind: 'scale_shift',
  arity: 'one',
  summary: 'per-channel y = x·scale[c] + shift[c]',
  outputShape: (_op, [x]) => [...x!.shape],
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    c.array(op.scale, Float32Array, x.channels, 'scale');
    c.array(op.shift, Float32Array, x.channels, 'shift');
  },
});
