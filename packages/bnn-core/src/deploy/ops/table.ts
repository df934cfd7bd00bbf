/**
 * The deploy op table: every op kind and its contract, in one place. `DeployOpKind` and `DeployOp` are derived
 * from it, so adding an op is: a file in this folder (attribute type + contract), one line here — and then
 * TypeScript names every backend table (`satisfies Record<DeployOpKind, …>`) that lacks the new op.
 */
import { addOp } from './add.js';
import { avgpool2dOp } from './avgpool2d.js';
import { bconv2dOp } from './bconv2d.js';
import { bdenseOp } from './bdense.js';
import { bdepthwiseConv2dOp } from './bdepthwise-conv2d.js';
import { bmaxpool2dOp } from './bmaxpool2d.js';
import { concatOp } from './concat.js';
import type { ContractOp } from './contract.js';
import { conv2dOp } from './conv2d.js';
import { denseOp } from './dense.js';
import { depthwiseConv2dOp } from './depthwise-conv2d.js';
import { dequantizeOp } from './dequantize.js';
import { globalAvgpoolOp } from './global-avgpool.js';
import { hardSwishOp } from './hard-swish.js';
import { hardTanhOp } from './hard-tanh.js';
import { int8AddOp } from './int8-add.js';
import { int8Bconv2dOp } from './int8-bconv2d.js';
import { int8BitpackOp } from './int8-bitpack.js';
import { int8Conv2dOp } from './int8-conv2d.js';
import { int8DenseOp } from './int8-dense.js';
import { int8DepthwiseConv2dOp } from './int8-depthwise-conv2d.js';
import { int8DequantizeOp } from './int8-dequantize.js';
import { int8HardSwishOp } from './int8-hard-swish.js';
import { int8MeanOp } from './int8-mean.js';
import { int8MulOp } from './int8-mul.js';
import { int8Avgpool2dOp, int8Maxpool2dOp } from './int8-pools.js';
import { int8QuantizeOp } from './int8-quantize.js';
import { int8RequantizeOp } from './int8-requantize.js';
import { int8SoftmaxOp } from './int8-softmax.js';
import { leakyTanhOp } from './leaky-tanh.js';
import { maxpool2dOp } from './maxpool2d.js';
import { preluOp } from './prelu.js';
import { quantizeOp } from './quantize.js';
import { reluOp } from './relu.js';
import { relu6Op } from './relu6.js';
import { reshapeOp } from './reshape.js';
import { scaleShiftOp } from './scale-shift.js';
import { softmaxOp } from './softmax.js';

export const DEPLOY_OPS = {
  quantize: quantizeOp,
  dequantize: dequantizeOp,
  bconv2d: bconv2dOp,
  bdepthwise_conv2d: bdepthwiseConv2dOp,
  bdense: bdenseOp,
  bmaxpool2d: bmaxpool2dOp,
  conv2d: conv2dOp,
  depthwise_conv2d: depthwiseConv2dOp,
  dense: denseOp,
  scale_shift: scaleShiftOp,
  maxpool2d: maxpool2dOp,
  avgpool2d: avgpool2dOp,
  global_avgpool: globalAvgpoolOp,
  add: addOp,
  concat: concatOp,
  reshape: reshapeOp,
  relu: reluOp,
  prelu: preluOp,
  hard_tanh: hardTanhOp,
  leaky_tanh: leakyTanhOp,
  softmax: softmaxOp,
  int8_quantize: int8QuantizeOp,
  int8_dequantize: int8DequantizeOp,
  int8_bitpack: int8BitpackOp,
  int8_conv2d: int8Conv2dOp,
  int8_depthwise_conv2d: int8DepthwiseConv2dOp,
  int8_dense: int8DenseOp,
  int8_add: int8AddOp,
  int8_maxpool2d: int8Maxpool2dOp,
  int8_avgpool2d: int8Avgpool2dOp,
  int8_bconv2d: int8Bconv2dOp,
  int8_softmax: int8SoftmaxOp,
  int8_mul: int8MulOp,
  int8_requantize: int8RequantizeOp,
  // activations of imported models (issue 16): float RELU6 and HARD_SWISH, int8 HARD_SWISH
  relu6: relu6Op,
  hard_swish: hardSwishOp,
  int8_hard_swish: int8HardSwishOp,
  int8_mean: int8MeanOp,
} as const;

type Table = typeof DEPLOY_OPS;

/** Every deploy op kind (the keys of `DEPLOY_OPS`). */
export type DeployOpKind = keyof Table;

/** One deploy op: the union of every contract's attribute type. */
export type DeployOp = ContractOp<Table[DeployOpKind]>;

/** The attribute type of the op of kind `K`. */
export type DeployOpOf<K extends DeployOpKind> = ContractOp<Table[K]>;

// Each key names its contract's own kind (a table typo is a compile error here).
type KeyMismatch = { [K in DeployOpKind]: DeployOpOf<K>['op'] extends K ? never : K }[DeployOpKind];
const keysMatchKinds: [KeyMismatch] extends [never] ? true : KeyMismatch = true;
void keysMatchKinds;

/** Every deploy op kind, in table order. */
export const DEPLOY_OP_KINDS = Object.keys(DEPLOY_OPS) as DeployOpKind[];

/** Whether `kind` names a deploy op (for readers of untrusted files). */
export function isDeployOpKind(kind: unknown): kind is DeployOpKind {
  return typeof kind === 'string' && Object.hasOwn(DEPLOY_OPS, kind);
}
