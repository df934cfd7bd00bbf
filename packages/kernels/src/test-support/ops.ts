/** Deploy-op builders shared by tests and benchmarks. */
import type { BConv2DOp, OutputTransform } from '@bnn-studio/bnn-core';
import type { Rng } from './random.js';

/** The window fields of a 3×3 conv, depthwise conv or pool: `same` padding, stride `s`, dilation 1. */
export function window3x3(s = 1): Pick<BConv2DOp, 'kernel' | 'strides' | 'dilations' | 'padding'> {
  return { kernel: [3, 3], strides: [s, s], dilations: [1, 1], padding: 'same' };
}

type BConvFields = Pick<
  BConv2DOp,
  'filter' | 'inChannels' | 'outChannels' | 'kernel' | 'strides' | 'dilations' | 'padding' | 'padValue'
>;

/**
 * What every 3×3 binary conv (`bconv2d`, `int8_bconv2d`) has besides its output stage: random filter bits (drawn
 * from `rng` here), `same` padding with ones, stride and dilation 1 unless overridden.
 */
export function bconv3x3Fields(
  rng: Rng,
  cin: number,
  cout: number,
  overrides: Partial<Pick<BConv2DOp, 'strides' | 'dilations' | 'padValue'>> = {},
): BConvFields {
  return {
    filter: rng.packed(cout * 9, cin),
    inChannels: cin,
    outChannels: cout,
    ...window3x3(),
    padValue: 1,
    ...overrides,
  };
}

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
    ...bconv3x3Fields(rng, cin, cout, overrides),
    transform,
  };
}
