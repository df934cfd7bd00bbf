/**
 * The parametrised preset families an auto-size search samples from (docs/auto-size-search.md §1), one entry per
 * family in `SEARCH_FAMILY_DEFS`: its base widths, how many stages and how deep it may be, its space defaults, its
 * graph builder, and the presets its parameters rebuild node for node (tests keep them equal):
 * - `mnist-trunk`: mnist-tiny (and mnist-8k) — a first 3×3 conv, 1–3 binary 3×3 convs, flatten, classifier;
 * - `quicknet`: quicknet-28 — a 3×3 stem (float32 or int8), 1–3 sections of one-padded binary 3×3 residual blocks with float
 *   transitions, global pooling, classifier.
 */
import { GraphBuilder } from '../presets/graph-builder.js';
import type { GraphSpec, ParamValue } from '../spec/graph-types.js';

export const SEARCH_FAMILIES = ['mnist-trunk', 'quicknet'] as const;
export type SearchFamily = (typeof SEARCH_FAMILIES)[number];
/** First convolution: float32, int8 (quantization-aware), or binary kernels on float pixels (Larq's MNIST). */
export const FIRST_LAYER_CHOICES = ['float', 'int8', 'binary-kernel'] as const;
/** Classifier: binary dense + BatchNorm with a scale, or a float32 / int8 dense. */
export const LAST_LAYER_CHOICES = ['binary', 'float', 'int8'] as const;
/** Input quantizers of the binary layers (their kernels stay `ste_sign` with a weight clip). */
export const QUANTIZER_CHOICES = ['ste_sign', 'approx_sign', 'swish_sign'] as const;

/** Filters of the trunk's convolutions at width multiplier 1: the float first conv, then up to three binary ones. */
export const TRUNK_BASE_WIDTHS = [32, 64, 64, 64] as const;
/** QuickNet's filters at width multiplier 1: the stem's first conv, then up to three sections. */
export const QUICKNET_BASE_WIDTHS = [16, 32, 64, 128] as const;

/** One point of a search space. */
export interface CandidateParams {
  family: SearchFamily;
  /**
   * Filters per stage (already multiplied). mnist-trunk: the first conv, then the binary convs (only the first
   * `1 + depth` are used). quicknet: the stem's first conv, then one per section (every one is used).
   */
  widths: number[];
  /** mnist-trunk: binary 3×3 convolutions (1–3). quicknet: residual blocks in every section (1–4). */
  depth: number;
  /** Units of a binary hidden dense layer before the classifier (0: none; mnist-trunk only). */
  hidden: number;
  firstLayer: (typeof FIRST_LAYER_CHOICES)[number];
  lastLayer: (typeof LAST_LAYER_CHOICES)[number];
  quantizer: (typeof QUANTIZER_CHOICES)[number];
  prune: number;
  learningRate: number;
}

/** Input shape and class count the candidate is built for (the dataset's). */
export interface TrunkIO {
  inputShape: number[];
  classes: number;
}

/** mnist-tiny's parameters (its first conv int8, as every preset ships: `PRESET_FIRST_LAST_PRECISION`). */
export const TRUNK_DEFAULTS: CandidateParams = {
  family: 'mnist-trunk',
  widths: [32, 64, 64, 64],
  depth: 2,
  hidden: 0,
  firstLayer: 'int8',
  lastLayer: 'binary',
  quantizer: 'ste_sign',
  prune: 0,
  learningRate: 2e-3,
};

/** quicknet-28's parameters: stem 16, sections of 32 and 64 filters, two blocks each, int8 stem and head (as every
 * preset ships them: `PRESET_FIRST_LAST_PRECISION`). */
export const QUICKNET_DEFAULTS: CandidateParams = {
  family: 'quicknet',
  widths: [16, 32, 64],
  depth: 2,
  hidden: 0,
  firstLayer: 'int8',
  lastLayer: 'int8',
  quantizer: 'ste_sign',
  prune: 0,
  learningRate: 2e-3,
};

/** The stages of `widths` a candidate uses. */
export function usedWidths(p: CandidateParams): number[] {
  return p.family === 'mnist-trunk' ? p.widths.slice(0, 1 + p.depth) : p.widths;
}

/** A stable key of a candidate (duplicates are never trained twice): its used parameters in a fixed order. */
export function candidateKey(p: CandidateParams): string {
  return [
    p.family,
    usedWidths(p).join('-'),
    `d${p.depth}`,
    `h${p.hidden}`,
    p.firstLayer,
    p.lastLayer,
    p.quantizer,
    `p${p.prune}`,
    `lr${p.learningRate}`,
  ].join('/');
}

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };
type Layer = [string, Record<string, ParamValue>?];
const BN_NO_SCALE: Layer = ['BatchNormalization', { scale: false }];
const IMAGE_INPUT = { range: [0, 1], normalization: { mean: 0.5, std: 0.5 } } as Record<string, ParamValue>;

/**
 * The graph of a `mnist-trunk` candidate: first 3×3 conv (float, int8 or binary kernels), max-pool, BatchNorm;
 * `depth` binary 3×3 convs (pool + BatchNorm after the first, BatchNorm after the others), flatten, an optional
 * binary hidden dense, the classifier, softmax.
 */
export function trunkGraph(
  p: CandidateParams,
  io: TrunkIO = { inputShape: [28, 28, 1], classes: 10 },
): GraphSpec {
  const q = { id: p.quantizer };
  const binary = { input_quantizer: q, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false };
  const b = new GraphBuilder(
    `Auto-size ${candidateKey(p).replace(/^mnist-trunk\//, '')}`,
    'A candidate of an auto-size search (mnist-trunk family): first 3×3 convolution, binary 3×3 convolutions with pooling and BatchNorm, flattened into the classifier.',
  );
  const x = b.input(io.inputShape, IMAGE_INPUT);
  const layers: Layer[] = [];
  const f0 = p.widths[0]!;
  if (p.firstLayer === 'binary-kernel')
    layers.push([
      'QuantConv2D',
      { filters: f0, kernel_size: [3, 3], kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false },
    ]);
  else
    layers.push([
      'Conv2D',
      {
        filters: f0,
        kernel_size: [3, 3],
        use_bias: false,
        ...(p.firstLayer === 'int8' ? { precision: 'int8' } : {}),
      },
    ]);
  layers.push(['MaxPool2D', { pool_size: [2, 2] }], BN_NO_SCALE);
  for (let i = 1; i <= p.depth; i++) {
    layers.push(['QuantConv2D', { filters: p.widths[i]!, kernel_size: [3, 3], ...binary }]);
    if (i === 1) layers.push(['MaxPool2D', { pool_size: [2, 2] }]);
    layers.push(BN_NO_SCALE);
  }
  layers.push(['Flatten']);
  if (p.hidden > 0) layers.push(['QuantDense', { units: p.hidden, ...binary }], BN_NO_SCALE);
  if (p.lastLayer === 'binary')
    layers.push(['QuantDense', { units: io.classes, ...binary }], ['BatchNormalization', {}]);
  else
    layers.push(['Dense', { units: io.classes, ...(p.lastLayer === 'int8' ? { precision: 'int8' } : {}) }]);
  layers.push(['Softmax']);
  b.chain(x, layers);
  return b.build({ search: 'mnist-trunk' });
}

/**
 * The graph of a `quicknet` candidate (the structure of bnn-core's quicknet-28 preset): a stem (3×3/2 conv — float,
 * int8 or binary kernels — BatchNorm, ReLU, depthwise 3×3/2, BatchNorm, 1×1 conv to the first section's width,
 * BatchNorm); per section a float transition (ReLU → MaxPool 3×3/2 → depthwise 3×3 → BatchNorm → 1×1 conv →
 * BatchNorm) before every section but the first, then `depth` residual blocks `x + BN(ReLU(QuantConv2D_3×3(x)))`
 * with one-padding; ReLU → global average pooling → the classifier (float / int8 dense, or BatchNorm → binary
 * dense → BatchNorm: the pooled ReLU outputs are ≥ 0, so a binary classifier's input is centred first) → softmax.
 */
export function quicknetGraph(
  p: CandidateParams,
  io: TrunkIO = { inputShape: [28, 28, 1], classes: 10 },
): GraphSpec {
  const b = new GraphBuilder(
    `Auto-size ${candidateKey(p)}`,
    'A candidate of an auto-size search (quicknet family): float stem, sections of one-padded binary 3×3 residual blocks with ReLU and BatchNorm, float transitions, global pooling and the classifier.',
  );
  const bn: Layer = ['BatchNormalization', { momentum: 0.9, epsilon: 0.001 }];
  const x = b.input(io.inputShape, IMAGE_INPUT);
  const stem = p.widths[0]!;
  const sections = p.widths.slice(1);
  const stemConv: Layer =
    p.firstLayer === 'binary-kernel'
      ? [
          'QuantConv2D',
          {
            filters: stem,
            kernel_size: [3, 3],
            strides: [2, 2],
            padding: 'same',
            kernel_quantizer: STE,
            kernel_constraint: CLIP,
            use_bias: false,
          },
        ]
      : [
          'Conv2D',
          {
            filters: stem,
            kernel_size: [3, 3],
            strides: [2, 2],
            padding: 'same',
            use_bias: false,
            ...(p.firstLayer === 'int8' ? { precision: 'int8' } : {}),
          },
        ];
  let h = b.chain(x, [
    stemConv,
    bn,
    ['ReLU'],
    ['DepthwiseConv2D', { kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }],
    bn,
    ['Conv2D', { filters: sections[0]!, kernel_size: [1, 1], use_bias: false }],
    bn,
  ]);
  const binary = {
    input_quantizer: { id: p.quantizer },
    kernel_quantizer: STE,
    kernel_constraint: CLIP,
    use_bias: false,
  };
  sections.forEach((filters, si) => {
    if (si > 0)
      h = b.chain(h, [
        ['ReLU'],
        ['MaxPool2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
        ['DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same', use_bias: false }],
        bn,
        ['Conv2D', { filters, kernel_size: [1, 1], use_bias: false }],
        bn,
      ]);
    for (let i = 0; i < p.depth; i++) {
      const main = b.chain(h, [
        ['QuantConv2D', { filters, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...binary }],
        ['ReLU'],
        bn,
      ]);
      h = b.add('Add', {}, main, h);
    }
  });
  const head: Layer[] = [['ReLU'], ['GlobalAveragePooling2D']];
  if (p.lastLayer === 'binary')
    head.push(bn, ['QuantDense', { units: io.classes, ...binary }], ['BatchNormalization', {}]);
  else head.push(['Dense', { units: io.classes, ...(p.lastLayer === 'int8' ? { precision: 'int8' } : {}) }]);
  head.push(['Softmax']);
  b.chain(h, head);
  return b.build({ search: 'quicknet' });
}

/** The choices of a space that depend on its family (its defaults when the space leaves them out). */
export interface FamilySpaceDefaults {
  widths: number[][];
  depths: number[];
  hidden: number[];
  firstLayer: Array<(typeof FIRST_LAYER_CHOICES)[number]>;
  lastLayer: Array<(typeof LAST_LAYER_CHOICES)[number]>;
  quantizers: Array<(typeof QUANTIZER_CHOICES)[number]>;
}

export interface FamilyDef {
  /** What the family is, for messages and the web page. */
  summary: string;
  /** Filters per stage at width multiplier 1. */
  baseWidths: readonly number[];
  /** How many stages (`widths` lists) a space of this family has. */
  stages: { min: number; max: number; what: string };
  /** The range of `depths` and what a depth counts. */
  depth: { min: number; max: number; what: string };
  /** Whether a binary hidden dense layer may be added (`hidden` other than 0). */
  hidden: boolean;
  spaceDefaults: FamilySpaceDefaults;
  /** Presets its parameters rebuild node for node (a search `from` one starts with it). */
  presets: Record<string, Omit<CandidateParams, 'learningRate'>>;
  build(p: CandidateParams, io?: TrunkIO): GraphSpec;
}

const withoutLr = ({ learningRate: _lr, ...rest }: CandidateParams) => rest;

export const SEARCH_FAMILY_DEFS = {
  'mnist-trunk': {
    summary:
      'first 3×3 conv, 1–3 binary 3×3 convs with pooling and BatchNorm, flatten, optional binary hidden dense, classifier (mnist-tiny, mnist-8k)',
    baseWidths: TRUNK_BASE_WIDTHS,
    stages: { min: 4, max: 4, what: 'the first conv, then the three binary convs' },
    depth: { min: 1, max: 3, what: 'binary 3×3 convolutions' },
    hidden: true,
    spaceDefaults: {
      widths: [
        [0.5, 1, 1.5],
        [0.75, 1, 1.5, 2],
        [0.75, 1, 1.5, 2],
        [0.75, 1, 1.5],
      ],
      depths: [1, 2, 3],
      hidden: [0, 64],
      firstLayer: ['float', 'binary-kernel'],
      lastLayer: ['binary'],
      quantizers: ['ste_sign', 'approx_sign'],
    },
    presets: {
      'mnist-tiny': withoutLr(TRUNK_DEFAULTS),
      'mnist-8k': { ...withoutLr(TRUNK_DEFAULTS), widths: [32, 64, 40, 64] },
    },
    build: trunkGraph,
  },
  quicknet: {
    summary:
      '3×3 stem (float32 or int8), 1–3 sections of one-padded binary 3×3 residual blocks with float transitions, global pooling, classifier (quicknet-28)',
    baseWidths: QUICKNET_BASE_WIDTHS,
    stages: { min: 2, max: 4, what: 'the stem, then one per section (1–3 sections)' },
    depth: { min: 1, max: 4, what: 'residual blocks per section' },
    hidden: false,
    spaceDefaults: {
      widths: [
        [0.5, 1],
        [0.5, 0.75, 1],
        [0.5, 0.75, 1],
      ],
      depths: [1, 2],
      hidden: [0],
      firstLayer: ['float'],
      lastLayer: ['float', 'int8'],
      quantizers: ['ste_sign', 'approx_sign'],
    },
    presets: { 'quicknet-28': withoutLr(QUICKNET_DEFAULTS) },
    build: quicknetGraph,
  },
} satisfies Record<SearchFamily, FamilyDef>;

/** The graph a candidate trains (before pruning), built by its family. */
export function candidateGraph(p: CandidateParams, io?: TrunkIO): GraphSpec {
  return SEARCH_FAMILY_DEFS[p.family].build(p, io);
}

/** Presets a search may start from, with their family. */
export const SEARCH_PRESETS: Readonly<Record<string, SearchFamily>> = Object.fromEntries(
  SEARCH_FAMILIES.flatMap((f) => Object.keys(SEARCH_FAMILY_DEFS[f].presets).map((id) => [id, f])),
);
