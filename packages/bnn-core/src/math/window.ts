/**
 * TensorFlow's sliding-window arithmetic, the one copy in the repo (shape inference, lowering, the deploy-graph
 * validator, every executor, the .tflite writer and the C code generator use it).
 *
 * Along one axis of length n, a window of `kernel` taps spaced `dilation` apart covers ek = (kernel − 1)·dilation + 1
 * elements and moves by `stride`:
 *   valid: out = floor((n − ek) / stride) + 1 (0 when ek > n), no padding;
 *   same:  out = ceil(n / stride), total padding = max((out − 1)·stride + ek − n, 0), of which
 *          floor(total / 2) goes before the first element and the rest after (TensorFlow's split).
 */

export type WindowPadding = 'valid' | 'same';

/** Output length and padding of one spatial axis. */
export interface AxisWindow {
  /** Output length (0 when a `valid` window is larger than the input). */
  out: number;
  /** Padded elements before the first input element (0 for `valid`). */
  padBefore: number;
  /** Padded elements after the last input element (0 for `valid`). */
  padAfter: number;
}

/** Elements one window covers: (kernel − 1)·dilation + 1. */
export function windowExtent(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/** TensorFlow's `valid` / `same` output length and padding along one axis. */
export function axisWindow(
  inSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: WindowPadding,
): AxisWindow {
  const extent = windowExtent(kernel, dilation);
  if (padding === 'valid') {
    return { out: Math.max(0, Math.floor((inSize - extent) / stride) + 1), padBefore: 0, padAfter: 0 };
  }
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + extent - inSize, 0);
  const padBefore = Math.floor(total / 2);
  return { out, padBefore, padAfter: total - padBefore };
}

/** A window sliding over an `[H, W, ·]` map: input and output sizes and the leading padding. */
export interface Window2d {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

/** `axisWindow` along height and width. */
export function window2d(
  inH: number,
  inW: number,
  kernel: readonly [number, number] | readonly number[],
  strides: readonly [number, number] | readonly number[],
  dilations: readonly [number, number] | readonly number[],
  padding: WindowPadding,
): Window2d {
  const y = axisWindow(inH, kernel[0]!, strides[0]!, dilations[0]!, padding);
  const x = axisWindow(inW, kernel[1]!, strides[1]!, dilations[1]!, padding);
  return { inH, inW, outH: y.out, outW: x.out, padTop: y.padBefore, padLeft: x.padBefore };
}
