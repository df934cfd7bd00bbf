/**
 * Int8 quantisation as TensorFlow Lite defines it: real = scale · (q − zero_point), q ∈ [−128, 127].
 * Activations: asymmetric per tensor, the range widened to include 0 so that 0 is exact.
 * Weights: symmetric (zero_point 0, q ∈ [−127, 127]), per output channel for conv/depthwise, per tensor for
 * fully-connected. Biases: int32 with scale = input_scale · weight_scale (as many scales as the filter), zero_point 0.
 */
import type { QuantParams } from './model-builder.js';

export interface Range {
  min: number;
  max: number;
}

export function activationQuant(r: Range): QuantParams {
  const min = Math.min(r.min, 0);
  let max = Math.max(r.max, 0);
  if (max - min < 1e-8) max = min + 1e-8 * 255;
  const scale = (max - min) / 255;
  // q = −128 ↔ min: zero_point = −128 − min/scale, rounded and kept in range.
  const zp = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale: [Math.fround(scale)], zeroPoint: [zp], min: [r.min], max: [r.max] };
}

export function quantizeValue(x: number, q: { scale: number; zeroPoint: number }): number {
  return Math.max(-128, Math.min(127, Math.round(x / q.scale) + q.zeroPoint));
}

/**
 * Symmetric int8 weights. `channelOf(i)` gives the quantisation channel of element i (or 0 for per tensor);
 * `channels` is the number of channels.
 */
export function quantizeWeightsSymmetric(
  w: Float32Array,
  channels: number,
  channelOf: (i: number) => number,
): { data: Int8Array; scales: number[] } {
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w[i]!));
  }
  const scales = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1));
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    data[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scales[channelOf(i)]!)));
  }
  return { data, scales };
}

/**
 * int32 bias whose quantisation follows the filter's: a per-tensor filter (one scale) gives a per-tensor bias
 * scale `s_in · s_w`, a per-channel filter one scale `s_in · s_w[c]` per output channel (TFLite's kernels and
 * XNNPACK check `bias_scale == input_scale · filter_scale` for the same count).
 */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: number[],
): { data: Int32Array; scales: number[] } {
  if (weightScales.length !== 1 && weightScales.length !== bias.length) {
    throw new Error(
      `quantizeBias: ${weightScales.length} filter scales for ${bias.length} biases; pass one scale (per tensor) or one per output channel.`,
    );
  }
  const scales = weightScales.map((s) => inputScale * s);
  const data = new Int32Array(bias.length);
  for (let i = 0; i < bias.length; i++) data[i] = Math.round(bias[i]! / scales[scales.length === 1 ? 0 : i]!);
  return { data, scales };
}
