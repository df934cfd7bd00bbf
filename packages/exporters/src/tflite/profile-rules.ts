/**
 * What each .tflite profile can express. `arm` (LCE interpreter) takes every DeployGraph op; `xcore` is what
 * XMOS's xcore-opt lowers: binary convs with VALID padding (one-padding becomes Pad + VALID), channels_in a
 * multiple of 32, int8 tensors around binary blocks, LceBconv2d outputs INT32 (bit-packed) or int8 with a
 * fused ReLU and Cout % 4 == 0, no LceDequantize, no LceBMaxPool2d.
 */
import type { DeployGraph, DeployOp, DeployOpKind, DeployOpOf, DotClamp } from '@bnn-studio/bnn-core';
import { ExportRefusedError } from '../errors.js';

export type TfliteProfile = 'arm' | 'xcore';
export const TFLITE_PROFILES: readonly TfliteProfile[] = ['arm', 'xcore'];

export function producersOf(deploy: DeployGraph): Map<string, DeployOp> {
  const m = new Map<string, DeployOp>();
  for (const op of deploy.ops) for (const o of op.outputs) m.set(o, op);
  return m;
}

function refuse(op: DeployOp, rule: string, message: string, fix: string): ExportRefusedError {
  return new ExportRefusedError({
    nodeId: op.sourceNode,
    rule: `xcore.${rule}`,
    message,
    fix,
    target: 'tflite-xcore',
  });
}

const mult32 = (c: number) => Math.ceil(c / 32) * 32;

/** TFLite's name of each dot clamp's fused activation. */
const CLAMP_NAME = {
  none: 'NONE',
  relu: 'RELU',
  relu_n1_to_1: 'RELU_N1_TO_1',
  relu6: 'RELU6',
} as const satisfies Record<DotClamp, string>;

/** True when `tensor` reaches a graph output through element-wise/shape ops only (softmax, reshape, …). */
function feedsOutput(deploy: DeployGraph, tensor: string): boolean {
  const passThrough = new Set(['softmax', 'reshape', 'relu', 'scale_shift', 'prelu']);
  let current = tensor;
  for (let hops = 0; hops < deploy.ops.length; hops++) {
    if (deploy.outputs.includes(current)) return true;
    const next = deploy.ops.filter((o) => o.inputs.includes(current));
    if (next.length !== 1 || !passThrough.has(next[0]!.op)) return false;
    current = next[0]!.outputs[0]!;
  }
  return false;
}

/** What a rule sees of the graph besides the op. */
interface RuleContext {
  deploy: DeployGraph;
  producers: Map<string, DeployOp>;
}

/** The refusals of one op on xcore (empty: xcore-opt expresses it). */
type XcoreRule<K extends DeployOpKind> = (op: DeployOpOf<K>, ctx: RuleContext) => ExportRefusedError[];

const expressible = (): ExportRefusedError[] => [];

function binaryLayerRules(
  op: DeployOpOf<'bconv2d' | 'bdense'>,
  { deploy }: RuleContext,
): ExportRefusedError[] {
  const out: ExportRefusedError[] = [];
  const cin = op.inChannels;
  if (cin % 32 !== 0) {
    out.push(
      refuse(
        op,
        'channels_in_multiple_of_32',
        `its input has ${cin} channels; xcore-opt needs a multiple of 32.`,
        `Give the layer feeding "${op.sourceNode}" ${mult32(cin)} channels (or ${Math.max(32, mult32(cin) - 32)}).`,
      ),
    );
  }
  if (op.op === 'bconv2d' && op.padding === 'same' && op.padValue === 0) {
    out.push(
      refuse(
        op,
        'valid_or_one_padding',
        'it uses "same" zero-padding; xcore-opt takes only "valid" or one-padding ("same" with pad_values=1).',
        `Set padding to "valid", or set the input quantizer's pad_values to 1 (one-padding) on "${op.sourceNode}".`,
      ),
    );
  }
  const t = op.transform;
  if (t.kind === 'float') {
    const head = feedsOutput(deploy, op.outputs[0]!);
    if (t.clamp !== 'relu') {
      out.push(
        refuse(
          op,
          'int8_output_needs_relu',
          `its output is int8 (not bit-packed) ${t.clamp === 'none' ? 'without a fused ReLU' : `with the dot clamp ${t.clamp} (LCE's fused ${CLAMP_NAME[t.clamp]})`}; xcore-opt lowers int8-output binary convs only with ReLU.`,
          head
            ? `Make "${op.sourceNode}" a float (int8) layer: clear its kernel and input quantizers, so the classifier head is not binary.`
            : `Insert a ReLU between "${op.sourceNode}" and its BatchNorm, or feed "${op.sourceNode}" straight into another binary layer (bit-packed output).`,
        ),
      );
    }
    if (op.outChannels % 4 !== 0) {
      out.push(
        refuse(
          op,
          'int8_output_channels_multiple_of_4',
          `it has ${op.outChannels} output channels with int8 output; xcore-opt needs a multiple of 4.`,
          `Set "${op.sourceNode}" to ${Math.ceil(op.outChannels / 4) * 4} filters.`,
        ),
      );
    }
  }
  return out;
}

/**
 * What xcore-opt cannot express, per deploy op: one entry per op kind (compile-checked against bnn-core's op
 * table), so a new op must state whether xcore takes it.
 */
const XCORE_RULES = {
  quantize: expressible,
  dequantize: (op) => [
    refuse(
      op,
      'no_lce_dequantize',
      'it turns bit-packed values back into ±1 floats (LceDequantize), which xcore-opt cannot lower.',
      `Feed the bit-packed output of "${op.sourceNode}" into a binary layer, or give the binary layer before it a float output (BatchNorm + ReLU).`,
    ),
  ],
  bconv2d: binaryLayerRules,
  bdense: binaryLayerRules,
  bdepthwise_conv2d: (op) => [
    refuse(
      op,
      'no_binary_depthwise',
      'xcore-opt has no binary depthwise convolution (it would need LceDequantize).',
      `Replace "${op.sourceNode}" by a float (int8) DepthwiseConv2D, or by a binary Conv2D.`,
    ),
  ],
  bmaxpool2d: (op, { producers }) =>
    producers.get(op.inputs[0]!)?.op === 'quantize'
      ? []
      : [
          refuse(
            op,
            'no_binary_maxpool',
            'it max-pools bit-packed data (LceBMaxPool2d), which xcore-opt cannot lower.',
            `Move "${op.sourceNode}" before the sign quantizer (pool the int8 activations), or drop it and use strides 2 in the next binary conv.`,
          ),
        ],
  conv2d: expressible,
  depthwise_conv2d: expressible,
  dense: expressible,
  scale_shift: expressible,
  maxpool2d: expressible,
  avgpool2d: expressible,
  global_avgpool: expressible,
  add: expressible,
  concat: expressible,
  reshape: expressible,
  relu: expressible,
  prelu: expressible,
  hard_tanh: expressible,
  leaky_tanh: (op) => [
    refuse(
      op,
      'no_leaky_tanh',
      'leaky_tanh has no int8 kernel in the xcore runtime.',
      `Replace "${op.sourceNode}" by hard_tanh or ReLU.`,
    ),
  ],
  softmax: expressible,
  int8_softmax: expressible,
  int8_mul: expressible,
  int8_requantize: expressible,
  int8_mean: expressible,
  int8_quantize: expressible,
  int8_dequantize: expressible,
  int8_bitpack: expressible,
  int8_conv2d: expressible,
  int8_depthwise_conv2d: expressible,
  int8_dense: expressible,
  int8_add: expressible,
  int8_maxpool2d: expressible,
  int8_avgpool2d: expressible,
  int8_bconv2d: (op) => {
    const out: ExportRefusedError[] = [];
    if (op.inChannels % 32 !== 0) {
      out.push(
        refuse(
          op,
          'channels_in_multiple_of_32',
          `its input has ${op.inChannels} channels; xcore-opt needs a multiple of 32.`,
          `Give the layer feeding "${op.sourceNode}" ${mult32(op.inChannels)} channels.`,
        ),
      );
    }
    if (op.clamp !== 'relu') {
      out.push(
        refuse(
          op,
          'int8_output_needs_relu',
          `its output is int8 ${op.clamp === 'none' ? 'without a fused ReLU' : `with the dot clamp ${op.clamp} (LCE's fused ${CLAMP_NAME[op.clamp]})`}; xcore-opt lowers int8-output binary convs only with ReLU.`,
          op.clamp === 'none'
            ? `Insert a ReLU between "${op.sourceNode}" and its BatchNorm.`
            : `Export "${op.sourceNode}" to STM32L4 (its runtime runs every LCE fused activation), or retrain it with a ReLU between the binary conv and its BatchNorm.`,
        ),
      );
    }
    if (op.outChannels % 4 !== 0) {
      out.push(
        refuse(
          op,
          'int8_output_channels_multiple_of_4',
          `it has ${op.outChannels} output channels with int8 output; xcore-opt needs a multiple of 4.`,
          `Set "${op.sourceNode}" to ${Math.ceil(op.outChannels / 4) * 4} filters.`,
        ),
      );
    }
    return out;
  },
  // imported activations (issue 16): TFLite Micro's int8 RELU6 / HARD_SWISH run them (float ones calibrated to int8)
  relu6: expressible,
  hard_swish: expressible,
  int8_hard_swish: expressible,
} satisfies { [K in DeployOpKind]: XcoreRule<K> };

/** Every rule of `profile` the graph breaks, in execution order (empty when the export can proceed). */
export function listTfliteRefusals(deploy: DeployGraph, profile: TfliteProfile): ExportRefusedError[] {
  if (profile === 'arm') return [];
  const ctx: RuleContext = { deploy, producers: producersOf(deploy) };
  return deploy.ops.flatMap((op) => (XCORE_RULES[op.op] as XcoreRule<DeployOpKind>)(op as never, ctx));
}
