/**
 * What an int8-precision Conv2D / DepthwiseConv2D / Dense computes (quantization-aware training's forward pass,
 * and what lowering deploys), from its float weights and its tracked activation ranges:
 *
 *   x̂ = s_in·(q(x) − zp_in),  q(x) = clamp(round(x / s_in) + zp_in)       (input, per tensor)
 *   ŵ = s_w[c]·clamp(round(w / s_w[c]), −127, 127),  s_w[c] = max|w[c]|/127  (weights, per output channel)
 *   b̂ = s_in·s_w[c]·round(b / (s_in·s_w[c]))                                 (int32 bias)
 *   y  = fq_out(layer(x̂; ŵ) + b̂)                                              (output, per tensor)
 *
 * with (s, zp) = `rangeQuant(min, max)` of the `input_*` / `output_*` ranges. The deployed int8 ops compute the
 * same up to TFLite's fixed-point requantization (one output step at most).
 */
import {
  dequantizeInt8,
  type Int8Quant,
  quantizeBias,
  quantizeToInt8,
  quantizeWeight,
  rangeQuant,
  weightScales,
} from '../math/int8.js';
import type { WeightMap } from '../spec/graph-types.js';
import { getWeight } from './weights-access.js';

export interface Int8LayerQuant {
  input: Int8Quant;
  output: Int8Quant;
}

/** The input and output quantization of an int8 layer, from its `input_*` / `output_*` range variables. */
export function int8LayerQuant(weights: WeightMap, id: string): Int8LayerQuant {
  const v = (name: string) => getWeight(weights, id, name, 1)[0]!;
  return {
    input: rangeQuant(v('input_min'), v('input_max')),
    output: rangeQuant(v('output_min'), v('output_max')),
  };
}

/** Values on the int8 grid of `q` (quantize then dequantize, as the deployed QUANTIZE → DEQUANTIZE). */
export function fakeQuantActivations(x: Float32Array, q: Int8Quant): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = dequantizeInt8(quantizeToInt8(x[i]!, q), q);
  return y;
}

/**
 * Per-output-channel int8 weights of a kernel whose output channel is the last axis (`i % channels`):
 * the int8 values, their scales and the fake-quantized float kernel.
 */
export function int8Weights(
  w: Float32Array,
  channels: number,
): { q: Int8Array; scales: Float32Array; fake: Float32Array } {
  const scales = weightScales(w, channels, (i) => i % channels);
  const q = new Int8Array(w.length);
  const fake = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scales[i % channels]!;
    q[i] = quantizeWeight(w[i]!, s);
    fake[i] = q[i]! * s;
  }
  return { q, scales, fake };
}

/** The int32 bias (scale s_in·s_w[c]) and its real values. */
export function int8Bias(
  b: Float32Array,
  inScale: number,
  scales: Float32Array,
): { q: Int32Array; fake: Float64Array } {
  const q = new Int32Array(b.length);
  const fake = new Float64Array(b.length);
  for (let c = 0; c < b.length; c++) {
    q[c] = quantizeBias(b[c]!, inScale, scales[c]!);
    fake[c] = q[c]! * inScale * scales[c]!;
  }
  return { q, fake };
}

/** The bias of an int8 layer (zeros when the layer has none), for the fake-quantized forward pass. */
export function int8BiasOrZero(
  weights: WeightMap,
  id: string,
  useBias: boolean,
  n: number,
  inScale: number,
  scales: Float32Array,
): { q: Int32Array | null; fake: Float64Array } {
  if (!useBias) return { q: null, fake: new Float64Array(n) };
  return int8Bias(getWeight(weights, id, 'bias', n), inScale, scales);
}
