import type { Padding } from '@bnn-studio/bnn-core';

/** Output size and leading padding of one spatial axis, with TensorFlow's `valid` / `same` rules. */
export interface AxisGeometry {
  out: number;
  /** Padding before the first input element (`same` only; 0 for `valid`). */
  padBefore: number;
}

export function axisGeometry(
  inSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Padding,
): AxisGeometry {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid')
    return { out: Math.max(0, Math.floor((inSize - effective) / stride) + 1), padBefore: 0 };
  const out = Math.ceil(inSize / stride);
  const padTotal = Math.max((out - 1) * stride + effective - inSize, 0);
  return { out, padBefore: Math.floor(padTotal / 2) };
}

export interface ConvGeometry {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

export function convGeometry(
  inH: number,
  inW: number,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding,
): ConvGeometry {
  const y = axisGeometry(inH, kernel[0], strides[0], dilations[0], padding);
  const x = axisGeometry(inW, kernel[1], strides[1], dilations[1], padding);
  return { inH, inW, outH: y.out, outW: x.out, padTop: y.padBefore, padLeft: x.padBefore };
}
