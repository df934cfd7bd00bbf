/**
 * The auto-size search space (issue 17, docs/auto-size-search.md §1): plain data the user sees and edits, over one
 * of the parametrised families of `families.ts` (`mnist-trunk`: mnist-tiny's structure; `quicknet`: quicknet-28's).
 * `parseSearchSpace` fills a family's own defaults and checks the family's ranges; seeded sampling and drawing.
 */
import { z } from 'zod';
import type { Rng } from '../math/rng.js';
import {
  type CandidateParams,
  candidateKey,
  FIRST_LAYER_CHOICES,
  LAST_LAYER_CHOICES,
  QUANTIZER_CHOICES,
  SEARCH_FAMILIES,
  SEARCH_FAMILY_DEFS,
  SEARCH_PRESETS,
  type SearchFamily,
} from './families.js';

const TRUNK_SPACE = SEARCH_FAMILY_DEFS['mnist-trunk'].spaceDefaults;
const multipliers = z.array(z.number().min(0.125).max(4)).min(1).max(8);
const positive = (max: number) => z.number().positive().max(max);

/**
 * What a search may vary. Every list is a set of choices; a sampled candidate takes one of each. The defaults here
 * are mnist-trunk's; `parseSearchSpace` fills another family's own (`SEARCH_FAMILY_DEFS[family].spaceDefaults`)
 * and checks its ranges (stages, depths, hidden).
 */
export const SearchSpaceSchema = z.strictObject({
  family: z.enum(SEARCH_FAMILIES).default('mnist-trunk'),
  /**
   * Width multipliers per stage (× the family's base widths). mnist-trunk: 4 stages, the first conv then the binary
   * convs; quicknet: 2–4, the stem then one per section.
   */
  widths: z
    .array(multipliers)
    .min(2)
    .max(4)
    .default(() => structuredClone(TRUNK_SPACE.widths)),
  /** mnist-trunk: binary 3×3 convolutions after the first conv (1–3); quicknet: residual blocks per section (1–4). */
  depths: z
    .array(z.number().int().min(1).max(4))
    .min(1)
    .max(4)
    .default(() => [...TRUNK_SPACE.depths]),
  /** Units of a binary hidden dense layer before the classifier (0: none; mnist-trunk only). */
  hidden: z
    .array(z.number().int().min(0).max(1024))
    .min(1)
    .max(6)
    .default(() => [...TRUNK_SPACE.hidden]),
  firstLayer: z
    .array(z.enum(FIRST_LAYER_CHOICES))
    .min(1)
    .max(3)
    .default(() => [...TRUNK_SPACE.firstLayer]),
  lastLayer: z
    .array(z.enum(LAST_LAYER_CHOICES))
    .min(1)
    .max(3)
    .default(() => [...TRUNK_SPACE.lastLayer]),
  quantizers: z
    .array(z.enum(QUANTIZER_CHOICES))
    .min(1)
    .max(3)
    .default(() => [...TRUNK_SPACE.quantizers]),
  /** Fractions of binary channels pruned after training (the run's `config.prune`; 0: none). */
  prune: z.array(z.number().min(0).max(0.9)).min(1).max(4).default([0]),
  /** Adam learning rates (the rest of the training recipe is the standard one, `standardRecipe`). */
  learningRates: z.array(positive(1)).min(1).max(4).default([2e-3]),
  /** Epochs of a candidate that reaches the last rung, and of the first rung; η is the halving rate. */
  maxEpochs: z.number().int().min(1).max(200).default(9),
  minEpochs: z.number().int().min(1).max(200).default(1),
  eta: z.number().int().min(2).max(8).default(3),
  /**
   * Train the best fully trained candidate once more for `maxEpochs` on all the training data (the validation split
   * included) at the end; that run is the search's result. Under a time limit its time is reserved.
   */
  refit: z.boolean().default(true),
});
export type SearchSpace = z.output<typeof SearchSpaceSchema>;
export type SearchSpaceInput = z.input<typeof SearchSpaceSchema>;

/**
 * The space with its family's defaults; a 422-style message naming each bad field otherwise (a field out of the
 * family's range included).
 */
export function parseSearchSpace(
  input: unknown,
): { ok: true; space: SearchSpace } | { ok: false; issues: string[] } {
  const raw = input ?? {};
  const family = (raw as { family?: unknown }).family;
  const filled =
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    typeof family === 'string' &&
    family in SEARCH_FAMILY_DEFS
      ? { ...SEARCH_FAMILY_DEFS[family as SearchFamily].spaceDefaults, ...raw }
      : raw;
  const r = SearchSpaceSchema.safeParse(filled);
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.') || 'space'}: ${i.message}`) };
  const s = r.data;
  const def = SEARCH_FAMILY_DEFS[s.family];
  const issues: string[] = [];
  if (s.widths.length < def.stages.min || s.widths.length > def.stages.max)
    issues.push(
      `widths: ${s.family} has ${def.stages.min === def.stages.max ? def.stages.min : `${def.stages.min}–${def.stages.max}`} stages (${def.stages.what}), not ${s.widths.length}`,
    );
  s.depths.forEach((d, i) => {
    if (d < def.depth.min || d > def.depth.max)
      issues.push(
        `depths.${i}: ${s.family} has ${def.depth.min}–${def.depth.max} ${def.depth.what}, not ${d}`,
      );
  });
  if (!def.hidden && s.hidden.some((h) => h !== 0))
    issues.push(
      `hidden: ${s.family} has no hidden dense layer (global pooling feeds the classifier); use [0]`,
    );
  if (s.minEpochs > s.maxEpochs) issues.push(`minEpochs: ${s.minEpochs} is above maxEpochs ${s.maxEpochs}`);
  return issues.length ? { ok: false, issues } : { ok: true, space: s };
}

/** Filters for a multiplier of a stage of a family: a multiple of 8, at least 8. */
export function stageWidth(stage: number, multiplier: number, family: SearchFamily = 'mnist-trunk'): number {
  return Math.max(8, Math.round((SEARCH_FAMILY_DEFS[family].baseWidths[stage]! * multiplier) / 8) * 8);
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

/** One candidate drawn from the space (seeded: the same rng state gives the same candidate). */
export function sampleCandidate(space: SearchSpace, rng: Rng): CandidateParams {
  const widths = space.widths.map((choices, stage) => stageWidth(stage, pick(rng, choices), space.family));
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
  const distinctWidths = space.widths.map(
    (c, i) => new Set(c.map((m) => stageWidth(i, m, space.family))).size,
  );
  let total = 0;
  if (space.family === 'mnist-trunk')
    for (const d of new Set(space.depths)) total += distinctWidths.slice(0, 1 + d).reduce((a, b) => a * b, 1);
  else total = distinctWidths.reduce((a, b) => a * b, 1) * new Set(space.depths).size;
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

/** A preset's parameters as a candidate of `space` (its family's and the space's first learning rate); null for a preset no family rebuilds. */
export function presetCandidate(
  preset: string,
  space: Pick<SearchSpace, 'learningRates'>,
): { params: CandidateParams; key: string } | null {
  const family = SEARCH_PRESETS[preset];
  if (!family) return null;
  const base = (SEARCH_FAMILY_DEFS[family].presets as Record<string, Omit<CandidateParams, 'learningRate'>>)[
    preset
  ]!;
  const params: CandidateParams = {
    ...base,
    widths: [...base.widths],
    learningRate: space.learningRates[0]!,
  };
  return { params, key: candidateKey(params) };
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
