/** The benchmark's 3×3 binary conv cases, shared by the Node run, the Chromium page and the quick scripts. */
import type { BConv2DOp } from '@bnn-studio/bnn-core';
import { conv3x3Op } from '../test-support/ops.js';
import type { Rng } from '../test-support/random.js';

/** [H (= W), channels] of the 3×3 convs the issue names (each `c → c`, stride 1, `same` with one-padding). */
export const CONV_SHAPES: [number, number][] = [
  [32, 64],
  [16, 128],
  [8, 256],
  [4, 512],
];

/** A 3×3 `c → c` binary conv, `same` one-padding, float output transform with random multiplier and bias. */
export function benchConvOp(c: number, rng: Rng): BConv2DOp {
  return conv3x3Op(rng, c, c, {
    kind: 'float',
    clamp: 'none',
    activation: 'none',
    multiplier: rng.floats(c),
    bias: rng.floats(c),
  });
}
