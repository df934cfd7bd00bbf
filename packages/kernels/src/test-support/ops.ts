/** Deploy-op builders shared by tests and benchmarks. */
import type { BConv2DOp, OutputTransform } from '@bnn-studio/bnn-core';
import type { Rng } from './random.js';

/** A 3×3 binary conv with random filter bits (`same` padding, stride and dilation 1 unless overridden). */
export function conv3x3Op(
  rng: Rng,
  cin: number,
  cout: number,
  transform: OutputTransform,
  overrides: Partial<Pick<BConv2DOp, 'strides' | 'dilations' | 'padValue'>> = {},
): BConv2DOp {
  return {
    op: 'bconv2d',
    sourceNode: 'conv3x3',
    inputs: ['x'],
    outputs: ['y'],
    filter: rng.packed(cout * 9, cin),
    inChannels: cin,
    outChannels: cout,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'same',
    padValue: 1,
    transform,
    ...overrides,
  };
}
