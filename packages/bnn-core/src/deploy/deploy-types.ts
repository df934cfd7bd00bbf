/**
 * The deployable graph: the contract between bnn-core (which produces it with `lower`), packages/kernels
 * (which executes it) and packages/exporters (which serialises it and generates firmware from it).
 * `docs/deploy-graph.md` explains it in prose; this file is the normative definition.
 *
 * Conventions
 * - Tensors are per sample (no batch dimension): `[H, W, C]` feature maps in NHWC order, or `[C]` vectors.
 *   Executors take a batch as `N` samples laid out one after another.
 * - A tensor is either `float32` (one float per element) or `bitpacked`. Bit-packed tensors follow Larq
 *   Compute Engine: the channel (last) dimension is packed into little-endian int32 words, LSB first
 *   (channel 32·w + i is bit i of word w), bit 1 means −1 and bit 0 means +1 (x ≥ 0, including 0, packs as
 *   +1), and unused tail bits are 0. A bit-packed `[H, W, C]` tensor stores `H·W·ceil(C/32)` words.
 * - Binary weights are packed the same way along the input-channel dimension: conv filters OHWI
 *   `[Cout, KH, KW, ceil(Cin/32)]`, dense filters `[Cout, ceil(Cin/32)]`, depthwise filters
 *   `[KH, KW, ceil(C/32)]` (packed along channels).
 * - Float weights keep the Keras layouts: conv HWIO `[KH, KW, Cin, Cout]`, depthwise `[KH, KW, C, M]`
 *   (output channel c·M + m), dense `[Cin, Cout]`.
 * - Ops are listed in a valid execution order (topologically sorted).
 *
 * Binary dot products (LCE's output transform)
 *   For one output element, over its K = KH·KW·Cin taps: `accum = Σ popcount(x XOR w)` (number of
 *   disagreeing signs) and `dot = K − 2·accum` (the ±1 dot product).
 *   - `valid` padding, or `same` with `padValue: 1` (one-padding: padded positions hold +1, i.e. bit 0,
 *     applied after binarisation): K is constant.
 *   - `same` with `padValue: 0` (zero-padding): padded taps contribute 0 to `dot`; `dot` is the sum over the
 *     in-bounds taps only. Only float output is allowed with zero-padding (as in LCE).
 */

export const DEPLOY_FORMAT = 'bnn-studio.deploy' as const;
export const DEPLOY_VERSION = 1 as const;

export type TensorKind = 'float32' | 'bitpacked';

export interface DeployTensor {
  id: string;
  /** Per-sample logical shape, `[H, W, C]` or `[C]`. */
  shape: number[];
  kind: TensorKind;
}

export type Padding = 'valid' | 'same';
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

interface OpBase {
  /** Id of the graph node this op came from (for error messages and per-layer reports). */
  sourceNode: string;
  inputs: string[];
  outputs: string[];
}

/** float32 → bitpacked: sign(x) with sign(0) = +1. Shapes equal. */
export interface QuantizeOp extends OpBase {
  op: 'quantize';
}
/** bitpacked → float32 ±1. */
export interface DequantizeOp extends OpBase {
  op: 'dequantize';
}

/** Binary conv: input bitpacked `[H, W, Cin]`; output float32 or bitpacked `[OH, OW, Cout]`. */
export interface BConv2DOp extends OpBase {
  op: 'bconv2d';
  /** Packed OHWI filter, `Cout·KH·KW·ceil(Cin/32)` words. */
  filter: Int32Array;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  /** With `same`: 1 = one-padding (+1), 0 = zero-padding (float output only). Ignored for `valid`. */
  padValue: 0 | 1;
  transform: OutputTransform;
}

/** Binary depthwise conv (depth multiplier 1): per channel, `dot` over KH·KW taps. Float output only. */
export interface BDepthwiseConv2DOp extends OpBase {
  op: 'bdepthwise_conv2d';
  /** Packed `[KH, KW, ceil(C/32)]` words. */
  filter: Int32Array;
  channels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  padValue: 0 | 1;
  transform: FloatOutputTransform;
}

/** Binary dense: input bitpacked `[Cin]`; output float32 or bitpacked `[Cout]`. K = Cin. */
export interface BDenseOp extends OpBase {
  op: 'bdense';
  /** Packed `[Cout, ceil(Cin/32)]` words. */
  filter: Int32Array;
  inChannels: number;
  outChannels: number;
  transform: OutputTransform;
}

/** Max-pool on bit-packed data: the max of ±1 values is −1 only if all are −1, so it is a bitwise AND. */
export interface BMaxPool2DOp extends OpBase {
  op: 'bmaxpool2d';
  pool: [number, number];
  strides: [number, number];
  /** `same` ignores out-of-bounds taps. */
  padding: Padding;
}

/** Float conv (first layer, float layers): zero padding for `same`. */
export interface Conv2DOp extends OpBase {
  op: 'conv2d';
  /** HWIO `[KH, KW, Cin, Cout]`. */
  filter: Float32Array;
  bias: Float32Array | null;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

export interface DepthwiseConv2DOp extends OpBase {
  op: 'depthwise_conv2d';
  /** `[KH, KW, C, M]`. */
  filter: Float32Array;
  bias: Float32Array | null;
  channels: number;
  depthMultiplier: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  activation: FloatActivation;
}

/** Float dense: `[Cin]` → `[Cout]`, weights `[Cin, Cout]`. */
export interface DenseOp extends OpBase {
  op: 'dense';
  weights: Float32Array;
  bias: Float32Array | null;
  inChannels: number;
  outChannels: number;
  activation: FloatActivation;
}

/** Per-channel affine map (an unfolded BatchNorm or an input normalisation): y = x·scale[c] + shift[c]. */
export interface ScaleShiftOp extends OpBase {
  op: 'scale_shift';
  scale: Float32Array;
  shift: Float32Array;
}

export interface PoolOpBase extends OpBase {
  pool: [number, number];
  strides: [number, number];
  padding: Padding;
}
/** Float max-pool; `same` ignores out-of-bounds taps. */
export interface MaxPool2DOp extends PoolOpBase {
  op: 'maxpool2d';
}
/** Float average-pool; `same` averages only in-bounds taps (TensorFlow semantics). */
export interface AvgPool2DOp extends PoolOpBase {
  op: 'avgpool2d';
}
/** `[H, W, C]` → `[C]`. */
export interface GlobalAvgPoolOp extends OpBase {
  op: 'global_avgpool';
}

/** Element-wise sum of float tensors of equal shape. */
export interface AddOp extends OpBase {
  op: 'add';
}
/** Concatenation of float tensors along the channel (last) axis, in input order. */
export interface ConcatOp extends OpBase {
  op: 'concat';
}
/** Row-major reshape of a float tensor (Flatten is a reshape to `[H·W·C]`). */
export interface ReshapeOp extends OpBase {
  op: 'reshape';
}

export interface ReluOp extends OpBase {
  op: 'relu';
}
/** y = x ≥ 0 ? x : alpha[c]·x. */
export interface PReluOp extends OpBase {
  op: 'prelu';
  alpha: Float32Array;
}
/** y = clamp(x, −1, 1). */
export interface HardTanhOp extends OpBase {
  op: 'hard_tanh';
}
/** Larq's leaky_tanh: y = clamp(x, −1, 1) + alpha·(x − clamp(x, −1, 1)). */
export interface LeakyTanhOp extends OpBase {
  op: 'leaky_tanh';
  alpha: number;
}
/** Softmax over the last axis. */
export interface SoftmaxOp extends OpBase {
  op: 'softmax';
}

export type DeployOp =
  | QuantizeOp
  | DequantizeOp
  | BConv2DOp
  | BDepthwiseConv2DOp
  | BDenseOp
  | BMaxPool2DOp
  | Conv2DOp
  | DepthwiseConv2DOp
  | DenseOp
  | ScaleShiftOp
  | MaxPool2DOp
  | AvgPool2DOp
  | GlobalAvgPoolOp
  | AddOp
  | ConcatOp
  | ReshapeOp
  | ReluOp
  | PReluOp
  | HardTanhOp
  | LeakyTanhOp
  | SoftmaxOp;

export type DeployOpKind = DeployOp['op'];

export interface DeployGraph {
  format: typeof DEPLOY_FORMAT;
  version: typeof DEPLOY_VERSION;
  name: string;
  /** The single float32 input tensor (raw data; any normalisation is an explicit first op). */
  input: string;
  /** Output tensor ids (usually one: class scores, after softmax when the graph has one). */
  outputs: string[];
  tensors: DeployTensor[];
  ops: DeployOp[];
  /** Labels of the output classes when known. */
  labels?: string[];
}
