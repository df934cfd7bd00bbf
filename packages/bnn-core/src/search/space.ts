/**
 * The auto-size search space (issue 17, docs/auto-size-search.md §1): plain data the user sees and edits, and the
 * parametrised `mnist-trunk` family it samples from. `trunkGraph(params)` with `TRUNK_DEFAULTS` rebuilds the
 * mnist-tiny preset node for node (a test keeps them equal), with the last width 40 mnist-8k.
 */
import { z } from 'zod';
import type { Rng } from '../math/rng.js';
import { GraphBuilder } from '../presets/graph-builder.js';
import type { GraphSpec, ParamValue } from '../spec/graph-types.js';

export const SEARCH_FAMILIES = ['mnist-trunk'] as const;
export type SearchFamily = (typeof SEARCH_FAMILIES)[number];
/** First convolution: float32, int8 (quantization-aware), or binary kernels on float pixels (Larq's MNIST). */
export const FIRST_LAYER_CHOICES = ['float', 'int8', 'binary-kernel'] as const;
/** Classifier: binary dense + BatchNorm with a scale, or a float32 / int8 dense. */
export const LAST_LAYER_CHOICES = ['binary', 'float', 'int8'] as const;
/** Input quantizers of the binary layers (their kernels stay `ste_sign` with a weight clip). */
export const QUANTIZER_CHOICES = ['ste_sign', 'approx_sign', 'swish_sign'] as const;

/** Filters of the trunk's convolutions at width multiplier 1: the float first conv, then up to three binary ones. */
export const TRUNK_BASE_WIDTHS = [32, 64, 64, 64] as const;

const multipliers = z.array(z.number().min(0.125).max(4)).min(1).max(8);
const positive = (max: number) => z.number().positive().max(max);

/** What a search may vary. Every list is a set of choices; a sampled candidate takes one of each. */
export const SearchSpaceSchema = z.strictObject({
  family: z.enum(SEARCH_FAMILIES).default('mnist-trunk'),
  /** Width multipliers per stage (× TRUNK_BASE_WIDTHS): stage 0 is the first conv, 1–3 the binary convs. */
  widths: z
    .array(multipliers)
    .length(4)
    .default([
      [0.5, 1],
      [0.5, 0.75, 1, 1.5],
      [0.5, 0.75, 1, 1.5],
      [0.5, 1],
    ]),
  /** Binary 3×3 convolutions after the first conv (1–3). */
  depths: z.array(z.number().int().min(1).max(3)).min(1).max(3).default([1, 2, 3]),
  /** Units of a binary hidden dense layer before the classifier (0: none). */
  hidden: z.array(z.number().int().min(0).max(1024)).min(1).max(6).default([0, 64]),
  firstLayer: z.array(z.enum(FIRST_LAYER_CHOICES)).min(1).max(3).default(['float', 'binary-kernel']),
  lastLayer: z.array(z.enum(LAST_LAYER_CHOICES)).min(1).max(3).default(['binary']),
  quantizers: z.array(z.enum(QUANTIZER_CHOICES)).min(1).max(3).default(['ste_sign', 'approx_sign']),
  /** Fractions of binary channels pruned after training (the run's `config.prune`; 0: none). */
  prune: z.array(z.number().min(0).max(0.9)).min(1).max(4).default([0]),
  /** Adam learning rates (the rest of the training recipe is the standard one, `standardRecipe`). */
  learningRates: z.array(positive(1)).min(1).max(4).default([2e-3]),
  /** Epochs of a candidate that reaches the last rung, and of the first rung; η is the halving rate. */
  maxEpochs: z.number().int().min(1).max(200).default(9),
  minEpochs: z.number().int().min(1).max(200).default(1),
  eta: z.number().int().min(2).max(8).default(3),
});
export type SearchSpace = z.output<typeof SearchSpaceSchema>;
export type SearchSpaceInput = z.input<typeof SearchSpaceSchema>;

/** One point of the space. */
export interface CandidateParams {
  family: SearchFamily;
  /** Filters per stage (already multiplied; only the first `1 + depth` are used). */
  widths: number[];
  depth: number;
  hidden: number;
  firstLayer: (typeof FIRST_LAYER_CHOICES)[number];
  lastLayer: (typeof LAST_LAYER_CHOICES)[number];
  quantizer: (typeof QUANTIZER_CHOICES)[number];
  prune: number;
  learningRate: number;
}

/** The space with its defaults; a 422-style message naming the bad field otherwise. */
export function parseSearchSpace(
  input: unknown,
): { ok: true; space: SearchSpace } | { ok: false; issues: string[] } {
  const r = SearchSpaceSchema.safeParse(input ?? {});
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.') || 'space'}: ${i.message}`) };
  if (r.data.minEpochs > r.data.maxEpochs)
    return { ok: false, issues: [`minEpochs: ${r.data.minEpochs} is above maxEpochs ${r.data.maxEpochs}`] };
  return { ok: true, space: r.data };
}

/** Filters for a multiplier of a stage: a multiple of 8, at least 8. */
export function stageWidth(stage: number, multiplier: number): number {
  return Math.max(8, Math.round((TRUNK_BASE_WIDTHS[stage]! * multiplier) / 8) * 8);
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

/** A stable key of a candidate (duplicates are never trained twice): its used parameters in a fixed order. */
export function candidateKey(p: CandidateParams): string {
  return [
    p.family,
    p.widths.slice(0, 1 + p.depth).join('-'),
    `d${p.depth}`,
    `h${p.hidden}`,
    p.firstLayer,
    p.lastLayer,
    p.quantizer,
    `p${p.prune}`,
    `lr${p.learningRate}`,
  ].join('/');
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

/** One candidate drawn from the space (seeded: the same rng state gives the same candidate). */
export function sampleCandidate(space: SearchSpace, rng: Rng): CandidateParams {
  const widths = space.widths.map((choices, stage) => stageWidth(stage, pick(rng, choices)));
  return {
    family: space.family,
    widths,
    depth: pick(rng, space.depths),
    hidden: pick(rng, space.hidden),
    firstLayer: pick(rng, space.firstLayer),
    lastLayer: pick(rng, space.lastLayer),
    quantizer: pick(rng, space.quantizers),
    prune: pick(rng, space.prune),
    learningRate: pick(rng, space.learningRates),
  };
}

/** How many distinct candidates the space holds (an upper bound on the trials a search can start). */
export function spaceSize(space: SearchSpace): number {
  const distinctWidths = space.widths.map((c) => new Set(c.map((m, i) => stageWidth(i, m))).size);
  let total = 0;
  for (const d of new Set(space.depths)) total += distinctWidths.slice(0, 1 + d).reduce((a, b) => a * b, 1);
  return (
    total *
    new Set(space.hidden).size *
    new Set(space.firstLayer).size *
    new Set(space.lastLayer).size *
    new Set(space.quantizers).size *
    new Set(space.prune).size *
    new Set(space.learningRates).size
  );
}

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };
const BN_NO_SCALE: [string, Record<string, ParamValue>] = ['BatchNormalization', { scale: false }];

/** Input shape and class count the candidate is built for (the dataset's). */
export interface TrunkIO {
  inputShape: number[];
  classes: number;
}

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
  const x = b.input(io.inputShape, { range: [0, 1], normalization: { mean: 0.5, std: 0.5 } } as Record<
    string,
    ParamValue
  >);
  const layers: Array<[string, Record<string, ParamValue>?]> = [];
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
 * The next candidate not in `seen` (keys from `candidateKey`), drawn with `rng`; null when `maxAttempts` draws
 * found only seen ones (the space is exhausted, or nearly).
 */
export function drawCandidate(
  space: SearchSpace,
  rng: Rng,
  seen: ReadonlySet<string>,
  maxAttempts = 200,
): { params: CandidateParams; key: string } | null {
  for (let i = 0; i < maxAttempts; i++) {
    const params = sampleCandidate(space, rng);
    const key = candidateKey(params);
    if (!seen.has(key)) return { params, key };
  }
  return null;
}
