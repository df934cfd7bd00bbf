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
 * Clamp of a binary layer's integer dot product before its multiplier: LCE's `fused_activation_function` on
 * LceBconv2d (NONE, RELU, RELU_N1_TO_1, RELU6), which LCE turns into an int32 range with TFLite's integer
 * `CalculateActivationRange` and applies to `dot` in int32 (`DOT_CLAMP_RANGE`). The studio's own lowering
 * writes `none` / `relu` (a ReLU between the binary layer and its BatchNorm); imported models also the others.
 */
export type DotClamp = 'none' | 'relu' | 'relu_n1_to_1' | 'relu6';

/** The one mapping of a dot clamp to its int32 range `[lo, hi]` (TFLite's integer `CalculateActivationRange`). */
export const DOT_CLAMP_RANGE = {
  none: [-2147483648, 2147483647],
  relu: [0, 2147483647],
  relu_n1_to_1: [-1, 1],
  relu6: [0, 6],
} as const satisfies Record<DotClamp, readonly [number, number]>;

/** The dot clamps, in LCE's `fused_activation_function` order (index = its enum value). */
export const DOT_CLAMPS = ['none', 'relu', 'relu_n1_to_1', 'relu6'] as const satisfies readonly DotClamp[];

/** `min(max(dot, lo), hi)` with the clamp's range (dot is an int32; as `Math.max(dot, 0)` for relu, −0 → +0). */
export function clampDot(dot: number, clamp: DotClamp): number {
  const [lo, hi] = DOT_CLAMP_RANGE[clamp];
  return Math.min(Math.max(dot, lo), hi);
}

/**
 * Float output of a binary layer:
 *   y[c] = activation( multiplier[c] · clamp(dot) + bias[c] )
 * where `clamp` is applied to the integer dot product first (`DotClamp`: `'relu'` max(dot, 0), LCE's
 * fused_activation_function, used when a ReLU sits between the binary layer and its BatchNorm; `'relu6'`
 * [0, 6] and `'relu_n1_to_1'` [−1, 1] from imported LCE models).
 */
export interface FloatOutputTransform {
  kind: 'float';
  clamp: DotClamp;
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
