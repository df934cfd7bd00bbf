/**
 * Types every deploy op shares: tensors, padding, activations, the binary layers' output transforms and the
 * fields of every op. `../deploy-types.ts` states the conventions (layouts, bit-packing, the binary dot product).
 */
import type { Int8Quant } from '../../math/int8.js';
import type { WindowPadding } from '../../math/window.js';

export type { Int8Quant } from '../../math/int8.js';

/**
 * `float32`: one float per element. `bitpacked`: LCE words (see deploy-types.ts). `int8`: one int8 per element,
 * TFLite's per-tensor affine quantization `real = scale · (q − zeroPoint)` (the tensor's `quant`).
 */
export type TensorKind = 'float32' | 'bitpacked' | 'int8';

export interface DeployTensor {
  id: string;
  /** Per-sample logical shape, `[H, W, C]` or `[C]`. */
  shape: number[];
  kind: TensorKind;
  /** Quantization of an `int8` tensor (required there, absent elsewhere). */
  quant?: Int8Quant;
}

export type Padding = WindowPadding;
export type FloatActivation = 'none' | 'relu';

/**
 * Float output of a binary layer:
 *   y[c] = activation( multiplier[c] · clamp(dot) + bias[c] )
 * where `clamp` is applied to the integer dot product first (`'relu'`: max(dot, 0), LCE's
 * fused_activation_function, used when a ReLU sits between the binary layer and its BatchNorm).
 */
export interface FloatOutputTransform {
  kind: 'float';
  clamp: FloatActivation;
  multiplier: Float32Array;
  bias: Float32Array;
  activation: FloatActivation;
}

/**
 * Bit-packed output of a binary layer, so binary layers chain without unpacking:
 *   output bit c = 1 (i.e. −1)  iff  accum[c] > thresholds[c]   (signed 32-bit compare)
 * Lowering derives thresholds from a folded BatchNorm as `floor(0.5 · (bias/|mult| + K))` and, where the
 * multiplier is negative, flips the sign of that output channel's packed filter (so every multiplier is
 * positive). INT32_MIN / INT32_MAX encode "always −1" / "always +1". Requires constant K (no zero-padding).
 */
export interface BitpackedOutputTransform {
  kind: 'bitpacked';
  thresholds: Int32Array;
}

export type OutputTransform = FloatOutputTransform | BitpackedOutputTransform;

/** Fields of every op. */
export interface OpBase {
  /** Id of the graph node this op came from (for error messages and per-layer reports). */
  sourceNode: string;
  inputs: string[];
  outputs: string[];
}
