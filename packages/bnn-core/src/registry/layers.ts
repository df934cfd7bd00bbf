import type { GraphNode, ParamValue } from '../spec/graph-types.js';
import { idRegistry, type ParamDef } from './param-def.js';

/**
 * Metadata of every layer type a graph node may use: id, category, help, parameters with their Keras/Larq names,
 * defaults and ranges, and how many inputs the layer takes. Pure data: shape/cost rules live in `src/infer`,
 * tfjs implementations in `src/tf`.
 */
export type LayerCategory =
  | 'input'
  | 'binary'
  | 'float'
  | 'normalization'
  | 'activation'
  | 'pooling'
  | 'merge'
  | 'shape'
  | 'head'
  | 'regularization';

export interface LayerDef {
  type: string;
  /** Other names accepted on load (Keras spellings). */
  aliases: string[];
  category: LayerCategory;
  label: string;
  help: string;
  params: ParamDef[];
  inputs: { min: number; max: number };
}

const MAX_DIM = 1 << 16;

const filters: ParamDef = {
  name: 'filters',
  kind: 'int',
  default: 32,
  min: 1,
  max: 4096,
  help: 'Number of output channels.',
};
const units: ParamDef = {
  name: 'units',
  kind: 'int',
  default: 10,
  min: 1,
  max: 65536,
  help: 'Number of output features.',
};
/** A (height, width) pair of window sizes, steps or dilations: 1 to 64 each. */
const windowPair = (name: string, dflt: [number, number], help: string): ParamDef => ({
  name,
  kind: 'intPair',
  default: dflt,
  min: 1,
  max: 64,
  help,
});
const kernelSize = windowPair('kernel_size', [3, 3], 'Height and width of the convolution window.');
const strides = windowPair('strides', [1, 1], 'Step of the window along height and width.');
const padding: ParamDef = {
  name: 'padding',
  kind: 'enum',
  default: 'valid',
  options: ['valid', 'same'],
  help: "'valid': no padding, output shrinks. 'same': pad so output size = ceil(input / stride).",
};
const padValues: ParamDef = {
  name: 'pad_values',
  kind: 'enum',
  default: 0,
  options: [0, 1],
  help: "Value of the padding with 'same' padding, applied after the input is binarised. 1 (one-padding) keeps every tap ±1 so the layer can chain bit-packed; 0 (zero-padding) needs float output.",
};
const dilation = windowPair(
  'dilation_rate',
  [1, 1],
  'Spacing between kernel taps (atrous convolution). Strides must be 1 when dilation > 1.',
);
const useBias: ParamDef = {
  name: 'use_bias',
  kind: 'bool',
  default: true,
  help: 'Add a learned per-channel bias. Usually off when a BatchNormalization follows.',
};
/** Deployment arithmetic of a float layer (not a Keras argument: the studio's quantization-aware training). */
const precision: ParamDef = {
  name: 'precision',
  kind: 'enum',
  default: 'float32',
  options: ['float32', 'int8'],
  help:
    'float32, or int8: TensorFlow Lite int8 quantization, trained quantization-aware — weights symmetric per ' +
    'output channel, s[c] = max|w[c]|/127; input and output per tensor, real = s·(q − zp), their ranges tracked ' +
    'during training (moving average of batch min/max); int32 bias of scale s_in·s_w[c]. Exported as int8 ' +
    'CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED, as Larq Compute Engine keeps the first and last layers.',
};

const depthMultiplier: ParamDef = {
  name: 'depth_multiplier',
  kind: 'int',
  default: 1,
  min: 1,
  max: 64,
  help: 'Output channels per input channel of the depthwise step.',
};
const quantizer = (name: string, help: string): ParamDef => ({
  name,
  kind: 'quantizer',
  default: null,
  nullable: true,
  help,
});
const constraint = (name: string, help: string): ParamDef => ({
  name,
  kind: 'constraint',
  default: null,
  nullable: true,
  help,
});
const inputQuantizer = quantizer(
  'input_quantizer',
  'Quantizer applied to the layer input (e.g. ste_sign for binary activations). None keeps float inputs.',
);
const poolSize = windowPair('pool_size', [2, 2], 'Height and width of the pooling window.');
const poolStrides: ParamDef = {
  name: 'strides',
  kind: 'intPair',
  default: null,
  nullable: true,
  min: 1,
  max: 64,
  help: 'Step of the window; None means the pool size.',
};

/** An `axis` param fixed to the last (channel) axis, the only one the layers support. */
const lastAxis = (help: string): ParamDef => ({
  name: 'axis',
  kind: 'int',
  default: -1,
  min: -1,
  max: -1,
  help,
});

const ONE = { min: 1, max: 1 };

/** A registry entry whose `type` keeps its literal type (so `LayerType` is derived from the registry). */
function layer<const T extends string>(def: LayerDef & { type: T }): LayerDef & { type: T } {
  return def;
}

const LAYERS = [
  layer({
    type: 'Input',
    aliases: ['InputLayer'],
    category: 'input',
    label: 'Input',
    help: 'The data entering the model: [H, W, C] images or [N] feature vectors, with the raw value range and an optional normalisation (x − mean) / std.',
    inputs: { min: 0, max: 0 },
    params: [
      {
        name: 'shape',
        kind: 'shape',
        default: [28, 28, 1],
        min: 1,
        max: MAX_DIM,
        help: 'Per-sample shape: [height, width, channels] or [features].',
      },
      {
        name: 'range',
        kind: 'floatPair',
        default: [0, 1],
        min: -1e9,
        max: 1e9,
        help: 'Raw value range of the data, e.g. [0, 1] or [0, 255].',
      },
      {
        name: 'normalization',
        kind: 'normalization',
        default: null,
        nullable: true,
        help: 'Optional normalisation applied first: (x − mean) / std.',
      },
    ],
  }),
  layer({
    type: 'QuantConv2D',
    aliases: [],
    category: 'binary',
    label: 'Quant Conv2D',
    help: 'Larq QuantConv2D: a 2-D convolution whose input and kernel pass through quantizers. With ste_sign on both it is a binary convolution (XNOR + popcount).',
    inputs: ONE,
    params: [
      filters,
      kernelSize,
      strides,
      padding,
      padValues,
      dilation,
      useBias,
      inputQuantizer,
      quantizer(
        'kernel_quantizer',
        'Quantizer of the latent kernel (e.g. ste_sign). None keeps float weights.',
      ),
      constraint(
        'kernel_constraint',
        'Constraint on the latent kernel (weight_clip keeps binary latent weights from starving).',
      ),
    ],
  }),
  layer({
    type: 'QuantDepthwiseConv2D',
    aliases: [],
    category: 'binary',
    label: 'Quant DepthwiseConv2D',
    help: 'Larq QuantDepthwiseConv2D: one filter per input channel (times depth_multiplier), with quantized input and depthwise kernel.',
    inputs: ONE,
    params: [
      kernelSize,
      strides,
      padding,
      padValues,
      depthMultiplier,
      dilation,
      useBias,
      inputQuantizer,
      quantizer('depthwise_quantizer', 'Quantizer of the latent depthwise kernel.'),
      constraint('depthwise_constraint', 'Constraint on the latent depthwise kernel.'),
    ],
  }),
  layer({
    type: 'QuantSeparableConv2D',
    aliases: [],
    category: 'binary',
    label: 'Quant SeparableConv2D',
    help: 'Larq QuantSeparableConv2D: a depthwise convolution followed by a 1×1 pointwise convolution, with quantized input, depthwise and pointwise kernels.',
    inputs: ONE,
    params: [
      filters,
      kernelSize,
      strides,
      padding,
      padValues,
      depthMultiplier,
      dilation,
      useBias,
      inputQuantizer,
      quantizer('depthwise_quantizer', 'Quantizer of the latent depthwise kernel.'),
      quantizer('pointwise_quantizer', 'Quantizer of the latent pointwise kernel.'),
      constraint('depthwise_constraint', 'Constraint on the latent depthwise kernel.'),
      constraint('pointwise_constraint', 'Constraint on the latent pointwise kernel.'),
    ],
  }),
  layer({
    type: 'QuantDense',
    aliases: [],
    category: 'binary',
    label: 'Quant Dense',
    help: 'Larq QuantDense: a fully connected layer with quantized input and kernel. Needs a [N] input (add Flatten or GlobalAveragePooling2D after feature maps).',
    inputs: ONE,
    params: [
      units,
      useBias,
      inputQuantizer,
      quantizer('kernel_quantizer', 'Quantizer of the latent kernel (e.g. ste_sign).'),
      constraint('kernel_constraint', 'Constraint on the latent kernel (e.g. weight_clip).'),
    ],
  }),
  layer({
    type: 'Conv2D',
    aliases: ['Convolution2D'],
    category: 'float',
    label: 'Conv2D',
    help: 'Float 2-D convolution (zero padding), typically the first layer (stem).',
    inputs: ONE,
    params: [filters, kernelSize, strides, padding, dilation, useBias, precision],
  }),
  layer({
    type: 'DepthwiseConv2D',
    aliases: [],
    category: 'float',
    label: 'DepthwiseConv2D',
    help: 'Float depthwise 2-D convolution: one filter per input channel (times depth_multiplier).',
    inputs: ONE,
    params: [kernelSize, strides, padding, depthMultiplier, dilation, useBias, precision],
  }),
  layer({
    type: 'Dense',
    aliases: [],
    category: 'float',
    label: 'Dense',
    help: 'Float fully connected layer, typically the classifier head. Needs a [N] input.',
    inputs: ONE,
    params: [units, useBias, precision],
  }),
  layer({
    type: 'BatchNormalization',
    aliases: ['BatchNorm'],
    category: 'normalization',
    label: 'BatchNormalization',
    help: 'Per-channel normalisation with learned scale (gamma) and offset (beta). Folded into the previous binary layer on export.',
    inputs: ONE,
    params: [
      {
        name: 'momentum',
        kind: 'float',
        default: 0.99,
        min: 0,
        max: 1,
        help: 'Momentum of the moving mean and variance.',
      },
      {
        name: 'epsilon',
        kind: 'float',
        default: 0.001,
        min: 0,
        max: 1,
        help: 'Added to the variance to avoid division by zero.',
      },
      { name: 'center', kind: 'bool', default: true, help: 'Learn an offset beta.' },
      { name: 'scale', kind: 'bool', default: true, help: 'Learn a scale gamma.' },
    ],
  }),
  layer({
    type: 'MaxPool2D',
    aliases: ['MaxPooling2D'],
    category: 'pooling',
    label: 'MaxPool2D',
    help: 'Maximum over each window. On binarised inputs it runs bit-packed (bitwise AND).',
    inputs: ONE,
    params: [poolSize, poolStrides, padding],
  }),
  layer({
    type: 'AveragePool2D',
    aliases: ['AveragePooling2D', 'AvgPool2D'],
    category: 'pooling',
    label: 'AveragePool2D',
    help: "Mean over each window ('same' averages only in-bounds taps).",
    inputs: ONE,
    params: [poolSize, poolStrides, padding],
  }),
  layer({
    type: 'GlobalAveragePooling2D',
    aliases: ['GlobalAvgPool2D', 'GlobalAveragePool2D'],
    category: 'pooling',
    label: 'GlobalAveragePooling2D',
    help: 'Mean over height and width: [H, W, C] → [C].',
    inputs: ONE,
    params: [],
  }),
  layer({
    type: 'Flatten',
    aliases: [],
    category: 'shape',
    label: 'Flatten',
    help: 'Row-major reshape of [H, W, C] to [H·W·C].',
    inputs: ONE,
    params: [],
  }),
  layer({
    type: 'Reshape',
    aliases: [],
    category: 'shape',
    label: 'Reshape',
    help: 'Row-major reshape to target_shape (same number of elements; per sample, no batch dimension).',
    inputs: ONE,
    params: [
      {
        name: 'target_shape',
        kind: 'shape',
        default: [1],
        min: 1,
        max: MAX_DIM * MAX_DIM,
        help: 'New per-sample shape, e.g. [7, 7, 16] or [784].',
      },
    ],
  }),
  layer({
    type: 'ReLU',
    aliases: ['Relu'],
    category: 'activation',
    label: 'ReLU',
    help: 'max(x, 0). Between a binary conv and its BatchNorm it is fused as the clamp of the integer dot product.',
    inputs: ONE,
    params: [],
  }),
  layer({
    type: 'PReLU',
    aliases: [],
    category: 'activation',
    label: 'PReLU',
    help: 'x for x ≥ 0, alpha[c]·x otherwise, with one learned slope per channel (Keras shared_axes = [1, 2]).',
    inputs: ONE,
    params: [],
  }),
  layer({
    type: 'HardTanh',
    aliases: ['hard_tanh'],
    category: 'activation',
    label: 'hard_tanh',
    help: 'Larq hard_tanh: clip(x, −1, 1).',
    inputs: ONE,
    params: [],
  }),
  layer({
    type: 'LeakyTanh',
    aliases: ['leaky_tanh'],
    category: 'activation',
    label: 'leaky_tanh',
    help: 'Larq leaky_tanh: clip(x, −1, 1) + alpha·(x − clip(x, −1, 1)).',
    inputs: ONE,
    params: [
      {
        name: 'alpha',
        kind: 'float',
        default: 0.2,
        min: 0,
        max: 1,
        help: 'Slope outside [−1, 1].',
      },
    ],
  }),
  layer({
    type: 'Add',
    aliases: [],
    category: 'merge',
    label: 'Add',
    help: 'Element-wise sum of inputs of identical shape (residual shortcut).',
    inputs: { min: 2, max: 8 },
    params: [],
  }),
  layer({
    type: 'Concatenate',
    aliases: ['Concat'],
    category: 'merge',
    label: 'Concatenate',
    help: 'Joins inputs along the channel (last) axis in port order; other dimensions must match.',
    inputs: { min: 2, max: 8 },
    params: [lastAxis('Concatenation axis; only the channel axis (−1) is supported.')],
  }),
  layer({
    type: 'Dropout',
    aliases: [],
    category: 'regularization',
    label: 'Dropout',
    help: 'Zeroes a fraction of activations during training only; identity at inference.',
    inputs: ONE,
    params: [
      {
        name: 'rate',
        kind: 'float',
        default: 0.5,
        min: 0,
        max: 0.99,
        help: 'Fraction of inputs dropped while training.',
      },
    ],
  }),
  layer({
    type: 'Softmax',
    aliases: [],
    category: 'head',
    label: 'Softmax',
    help: 'Turns class scores into probabilities over the last axis; usually the output head.',
    inputs: ONE,
    params: [lastAxis('Axis to normalise; only the last axis (−1) is supported.')],
  }),
];

/** Every layer type id a graph node may use, derived from the registry (its keys). */
export type LayerType = (typeof LAYERS)[number]['type'];

/** The layer type ids in palette order. */
export const LAYER_TYPES: readonly LayerType[] = LAYERS.map((l) => l.type);

const REGISTRY = idRegistry<LayerDef>('layer', LAYERS, (l) => l.type);

/** All layer types, in palette order. */
export function listLayerDefs(): LayerDef[] {
  return REGISTRY.list();
}

export function hasLayerDef(type: string): boolean {
  return REGISTRY.has(type);
}

/** The layer type for an id or alias; throws `UnknownIdError` naming the type and listing the known ones. */
export function getLayerDef(type: string): LayerDef {
  return REGISTRY.get(type);
}

const PARAM_INDEX = new Map<LayerDef, Map<string, ParamDef>>();
for (const def of LAYERS) PARAM_INDEX.set(def, new Map(def.params.map((p) => [p.name, p])));

/** The definition of param `name` of a layer type, or undefined when the layer has no such param. */
export function getParamDef(def: LayerDef, name: string): ParamDef | undefined {
  return (PARAM_INDEX.get(def) ?? new Map(def.params.map((p) => [p.name, p]))).get(name);
}

/** Layer params with the registry's defaults applied. */
export type ResolvedParams = Record<string, ParamValue>;

/**
 * A node's params with defaults filled in and Keras shorthands expanded: an int for an `intPair` becomes
 * `[n, n]`, a quantizer/constraint given as a bare id string (`"ste_sign"`, as Larq allows) becomes `{ id }`,
 * and pooling `strides: null` becomes the pool size. Unknown params are kept (validation reports them).
 * Throws `UnknownIdError` for an unknown layer type.
 */
export function resolveParams(node: Pick<GraphNode, 'type' | 'params'>): ResolvedParams {
  const def = getLayerDef(node.type);
  const out: ResolvedParams = {};
  for (const p of def.params) {
    const given = node.params[p.name];
    let v: ParamValue = given === undefined ? p.default : given;
    if (p.kind === 'intPair' && typeof v === 'number') v = [v, v];
    if ((p.kind === 'quantizer' || p.kind === 'constraint') && typeof v === 'string') v = { id: v };
    out[p.name] = v;
  }
  for (const k in node.params) if (!(k in out)) out[k] = node.params[k]!;
  if (def.category === 'pooling' && 'pool_size' in out && out.strides === null) out.strides = out.pool_size;
  return out;
}
