// POST /api/searches and `bnn-studio search`: check the request against the dataset and the space (limits before
// work: a space with no candidate within budget is refused with the smallest cost seen), store the search, and
// take its first step (the first candidates are queued as ordinary runs).
import {
  type CandidateCost,
  drawCandidate,
  overBudget,
  SEARCH_PRESETS as PRESET_FAMILIES,
  parseSearchSpace,
  presetRecipe,
  Rng,
} from '@bnn-studio/bnn-core';
import type { SearchCreate } from '../../contract/searches.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';
import { advanceSearch, fromPresetParams, SEARCH_PRESETS, toDbState } from './advance-search.js';
import { candidateCost } from './cost-model.js';
import { loadSearchState, type SearchLimits, searchDetail } from './search-state.js';

/** Candidates drawn at creation to prove the budget can be met. */
const FEASIBILITY_DRAWS = 60;

export async function createSearch(ctx: ServiceCtx, input: SearchCreate) {
  const dataset = await ctx.db.dataset.findUnique({ where: { id: input.datasetId } });
  if (!dataset) throw notFound('Dataset', input.datasetId);
  if (dataset.status !== 'ready')
    throw new ApiError(
      422,
      'dataset_not_ready',
      `Dataset '${dataset.id}' is ${dataset.status}.`,
      'Upload a valid dataset.',
    );
  const inputShape = JSON.parse(dataset.shapeJson) as number[];
  if (input.from && !(SEARCH_PRESETS as readonly string[]).includes(input.from))
    throw new ApiError(
      422,
      'unknown_preset',
      `The search cannot start from preset '${input.from}': no search family rebuilds it.`,
      `Use one of ${SEARCH_PRESETS.join(', ')}, or leave "from" out.`,
    );
  const spaceInput = { ...(input.space ?? {}) };
  const presetFamily = input.from ? PRESET_FAMILIES[input.from] : undefined;
  if (presetFamily && spaceInput.family !== undefined && spaceInput.family !== presetFamily)
    throw new ApiError(
      422,
      'preset_family_mismatch',
      `Preset '${input.from}' is of the ${presetFamily} family, but space.family is ${JSON.stringify(spaceInput.family)}.`,
      `Leave space.family out (a search from '${input.from}' searches the ${presetFamily} family), or set it to "${presetFamily}".`,
    );
  if (presetFamily) spaceInput.family = presetFamily;
  const family = typeof spaceInput.family === 'string' ? spaceInput.family : 'mnist-trunk';
  if (inputShape.length !== 3 || !dataset.numClasses)
    throw new ApiError(
      422,
      'dataset_not_images',
      `Dataset '${dataset.name}' is not an image dataset with classes (shape [${inputShape.join(', ')}]); the search family (${family}) builds convolutional models of H×W×C images.`,
      'Pick an image dataset (mnist, fashion-mnist, or an uploaded IDX or image-folder zip).',
    );
  if (input.from && spaceInput.maxEpochs === undefined)
    spaceInput.maxEpochs = presetRecipe(input.from)?.epochs ?? undefined;
  const parsed = parseSearchSpace(spaceInput);
  if (!parsed.ok)
    throw new ApiError(
      422,
      'invalid_space',
      `The search space is not valid: ${parsed.issues.join('; ')}`,
      'Correct the listed space fields (docs/auto-size-search.md §1 lists them).',
      { issues: parsed.issues },
    );
  const space = parsed.space;
  const io = { inputShape, classes: dataset.numClasses };

  // Limits before work: at least one candidate must fit the budget.
  const rng = new Rng(input.seed);
  const seen = new Set<string>();
  let cheapest: { cost: CandidateCost; reason: string } | null = null;
  let fits = false;
  const first = input.from ? fromPresetParams(input.from, space) : null;
  for (let i = 0; i < FEASIBILITY_DRAWS && !fits; i++) {
    const d = i === 0 && first ? first : drawCandidate(space, rng, seen);
    if (!d) break;
    seen.add(d.key);
    try {
      const cost = candidateCost(d.params, io, input.target);
      const reason = overBudget(cost, input.budget);
      if (!reason) fits = true;
      else if (!cheapest || cost.packedBytes < cheapest.cost.packedBytes) cheapest = { cost, reason };
    } catch {
      // Not buildable for this input shape: the next draw.
    }
  }
  if (!fits)
    throw new ApiError(
      422,
      'no_candidate_in_budget',
      cheapest
        ? `No candidate of the search space fits the budget: the smallest of ${seen.size} drawn is over (${cheapest.reason}).`
        : `No candidate of the search space can be built for dataset '${dataset.name}' (input ${inputShape.join('×')}).`,
      'Raise the budget, or allow smaller models in the space: lower width multipliers (space.widths), fewer binary convolutions or residual blocks (space.depths), no hidden layer (space.hidden: [0]), an int8 classifier (space.lastLayer), or pruning (space.prune).',
      cheapest ? { smallest: cheapest.cost } : undefined,
    );

  const limits: SearchLimits = {
    trials: input.trials ?? null,
    minutes: input.minutes ?? null,
    parallel: input.parallel,
    limits: input.limits ?? {},
    validationSplit: input.validationSplit,
    batchSize: input.batchSize,
    from: input.from ?? null,
    io,
  };
  const now = new Date();
  const id = newId('search');
  await ctx.db.search.create({
    data: {
      id,
      name:
        input.name ??
        `Auto-size ${dataset.name.split(' ')[0]} · ${input.target} · ${now.toISOString().slice(0, 16).replace('T', ' ')}`,
      datasetId: dataset.id,
      target: input.target,
      status: 'running',
      budgetJson: JSON.stringify(input.budget),
      spaceJson: JSON.stringify(space),
      limitsJson: JSON.stringify(limits),
      seed: input.seed,
      rngState: toDbState(input.seed),
      activeSince: now,
    },
  });
  await advanceSearch(ctx, id, now);
  return searchDetail((await loadSearchState(ctx, id))!);
}
