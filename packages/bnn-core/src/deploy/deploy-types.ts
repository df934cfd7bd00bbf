/**
 * The deployable graph: the contract between bnn-core (which produces it with `lower`), packages/kernels
 * (which executes it) and packages/exporters (which serialises it and generates firmware from it).
 * `docs/deploy-graph.md` explains it in prose; this file is the normative definition.
 *
 * Conventions
 * - Tensors are per sample (no batch dimension): `[H, W, C]` feature maps in NHWC order, or `[C]` vectors.
 *   Executors take a batch as `N` samples laid out one after another.
 * - A tensor is `float32` (one float per element), `int8` (one int8 per element with a per-tensor `quant`:
 *   `real = scale · (q − zeroPoint)`, TensorFlow Lite's quantization; int8 ops compute with TFLite's reference
 *   integer kernels, see `./ops/int8-common.ts` and `../math/int8.ts`) or `bitpacked`. Bit-packed tensors follow Larq
 *   Compute Engine: the channel (last) dimension is packed into little-endian int32 words, LSB first
 *   (channel 32·w + i is bit i of word w), bit 1 means −1 and bit 0 means +1 (x ≥ 0, including 0, packs as
 *   +1), and unused tail bits are 0. A bit-packed `[H, W, C]` tensor stores `H·W·ceil(C/32)` words.
 * - Binary weights are packed the same way along the input-channel dimension: conv filters OHWI
 *   `[Cout, KH, KW, ceil(Cin/32)]`, dense filters `[Cout, ceil(Cin/32)]`, depthwise filters
 *   `[KH, KW, ceil(C/32)]` (packed along channels).
 * - Float weights keep the Keras layouts: conv HWIO `[KH, KW, Cin, Cout]`, depthwise `[KH, KW, C, M]`
 *   (output channel c·M + m), dense `[Cin, Cout]`.
 * - Ops are listed in a valid execution order (topologically sorted).
 * - Each op kind's attributes, input kinds, output-shape rule and structural check live in one file under
 *   `./ops/` (its contract); `./ops/table.ts` lists them all.
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

export type { AddOp } from './ops/add.js';
export type { AvgPool2DOp } from './ops/avgpool2d.js';
export type { BConv2DOp } from './ops/bconv2d.js';
export type { BDenseOp } from './ops/bdense.js';
export type { BDepthwiseConv2DOp } from './ops/bdepthwise-conv2d.js';
export type { BMaxPool2DOp } from './ops/bmaxpool2d.js';
export type {
  BitpackedOutputTransform,
  DeployTensor,
  DotClamp,
  FloatActivation,
  FloatOutputTransform,
  Int8Quant,
  OpBase,
  OutputTransform,
  Padding,
  TensorKind,
} from './ops/common.js';
export { clampDot, DOT_CLAMP_RANGE, DOT_CLAMPS } from './ops/common.js';
export type { ConcatOp } from './ops/concat.js';
export type { Conv2DOp } from './ops/conv2d.js';
export type { DenseOp } from './ops/dense.js';
export type { DepthwiseConv2DOp } from './ops/depthwise-conv2d.js';
export type { DequantizeOp } from './ops/dequantize.js';
export type { GlobalAvgPoolOp } from './ops/global-avgpool.js';
export type { HardSwishOp } from './ops/hard-swish.js';
export type { HardTanhOp } from './ops/hard-tanh.js';
export type { Int8AddOp } from './ops/int8-add.js';
export type { Int8BConv2DOp } from './ops/int8-bconv2d.js';
export type { Int8BitpackOp } from './ops/int8-bitpack.js';
export type { Int8Conv2DOp } from './ops/int8-conv2d.js';
export type { Int8DenseOp } from './ops/int8-dense.js';
export type { Int8DepthwiseConv2DOp } from './ops/int8-depthwise-conv2d.js';
export type { Int8DequantizeOp } from './ops/int8-dequantize.js';
export type { Int8HardSwishOp } from './ops/int8-hard-swish.js';
export type { Int8MeanOp } from './ops/int8-mean.js';
export type { Int8Constant, Int8MulOp } from './ops/int8-mul.js';
export type { Int8AvgPool2DOp, Int8MaxPool2DOp } from './ops/int8-pools.js';
export type { Int8QuantizeOp } from './ops/int8-quantize.js';
export type { Int8RequantizeOp } from './ops/int8-requantize.js';
export type { Int8SoftmaxOp } from './ops/int8-softmax.js';
export type { LeakyTanhOp } from './ops/leaky-tanh.js';
export type { MaxPool2DOp } from './ops/maxpool2d.js';
export type { PoolOpBase } from './ops/pool.js';
export type { PReluOp } from './ops/prelu.js';
export type { QuantizeOp } from './ops/quantize.js';
export type { ReluOp } from './ops/relu.js';
export type { Relu6Op } from './ops/relu6.js';
export type { ReshapeOp } from './ops/reshape.js';
export type { ScaleShiftOp } from './ops/scale-shift.js';
export type { SoftmaxOp } from './ops/softmax.js';
/**
 * Ops (one file each in `./ops/`, listed in `./ops/table.ts`). `DeployOp` is the union of their attribute
 * types and `DeployOpKind` the table's keys.
 */
export type { DeployOp, DeployOpKind, DeployOpOf } from './ops/table.js';

import type { DeployTensor } from './ops/common.js';
import type { DeployOp } from './ops/table.js';

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
