// The search driver (docs/auto-size-search.md §4): `advanceSearch` reads a search's stored state, asks bnn-core's
// scheduler for the next steps and writes them (new candidates, trial runs queued on the ordinary job queue,
// the end). It holds a lease on the search while it works, so several servers/workers on one Postgres advance a
// search one at a time, and it is idempotent: after a restart the next call continues from the stored state.
import { hostname } from 'node:os';
import {
  bestTrial,
  type CandidateParams,
  SEARCH_PRESETS as CORE_SEARCH_PRESETS,
  drawCandidate,
  nextDecision,
  overBudget,
  presetCandidate,
  Rng,
  rungEpochs,
  type SearchSpace,
} from '@bnn-studio/bnn-core';
import { ApiError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';
import { cancelRun } from '../runs/cancel-run.js';
import { createRun } from '../runs/create-run.js';
import { candidateCost, candidateGraph } from './cost-model.js';
import {
  elapsedMs,
  isRefit,
  loadSearchState,
  type SearchLimits,
  type SearchState,
  schedulerConfig,
  type TrialView,
  trialRecords,
} from './search-state.js';

const LEASE_MS = 30_000;
/** Over-budget draws tolerated per sampling step before the space counts as exhausted for this budget. */
const MAX_REJECTIONS_PER_STEP = 200;
export const DRIVER_ID = `${hostname()}:${process.pid}:search`;

/** The signed 32-bit form of an Rng state (the database's INTEGER), and back. */
export const toDbState = (s: number) => s | 0;
export const fromDbState = (s: number) => s >>> 0;

/**
 * A run's training config for a candidate at a rung: the standard recipe over `epochs`, seeded by the search. The
 * refit trains on all the training data (no validation split).
 */
export function trialConfig(
  params: CandidateParams,
  epochs: number,
  limits: SearchLimits,
  seed: number,
  refit = false,
) {
  return {
    epochs,
    batchSize: limits.batchSize,
    seed,
    optimizer: { id: 'adam' as const, learningRate: params.learningRate },
    schedule: { id: 'cosine' as const, warmupEpochs: Math.min(1, epochs - 1), minLearningRate: 1e-5 },
    augmentation: { shift: 1, flip: false, noise: 0 },
    validationSplit: refit ? 0 : limits.validationSplit,
    ...(params.prune > 0
      ? { prune: { fraction: params.prune, fineTuneEpochs: Math.max(1, Math.round(epochs / 3)) } }
      : {}),
  };
}

/** Milliseconds left of the time limit (Infinity without one). */
export function remainingMs(s: Pick<SearchState, 'row' | 'limits'>, now = Date.now()): number {
  if (s.limits.minutes === null) return Number.POSITIVE_INFINITY;
  return s.limits.minutes * 60_000 - elapsedMs(s.row, now);
}

/**
 * A trial's time from this search's finished trials (null before the first): seconds = a + b · epochs, fitted by
 * least squares (a: a run's start-up and evaluation, b: one epoch; with one epoch count only, b = seconds / epochs
 * and a = 0). Scaled by `samples` (the refit trains on 1 / (1 − validation split) times the samples).
 */
export function trialTimeModel(
  trials: ReadonlyArray<Pick<TrialView, 'status' | 'durationMs' | 'epochs'>>,
): ((epochs: number, samples?: number) => number) | null {
  const done = trials.filter((t) => t.status === 'completed' && t.durationMs !== null && t.epochs > 0);
  if (!done.length) return null;
  const xs = done.map((t) => t.epochs);
  const ys = done.map((t) => t.durationMs! / 1000);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  let a = 0;
  let b = ys.reduce((acc, y) => acc + y, 0) / xs.reduce((acc, x) => acc + x, 0);
  if (sxx > 0) {
    const slope = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0) / sxx;
    const icept = my - slope * mx;
    if (slope > 0 && icept >= 0) {
      a = icept;
      b = slope;
    }
  }
  return (epochs, samples = 1) => a + b * epochs * samples;
}

async function createTrialRun(
  ctx: ServiceCtx,
  s: SearchState,
  params: CandidateParams,
  rung: number,
  epochs: number,
  refit: boolean,
) {
  const graph = candidateGraph(params, s.limits.io);
  const run = await createRun(ctx, {
    graph: graph as unknown as Record<string, unknown>,
    datasetId: s.row.datasetId,
    config: trialConfig(params, epochs, s.limits, s.row.seed, refit),
    location: 'server',
    name: `${s.row.name} · ${graph.name.replace(/^Auto-size /, '')} · ${refit ? 'refit on all training data' : `rung ${rung}`} (${epochs} ep)`,
    ...(s.limits.limits.trainSamples || s.limits.limits.testSamples ? { limits: s.limits.limits } : {}),
  });
  return run.id;
}

async function addTrial(
  ctx: ServiceCtx,
  s: SearchState,
  candidateId: string,
  params: CandidateParams,
  rung: number,
  epochs: number,
  refit = false,
) {
  const runId = await createTrialRun(ctx, s, params, rung, epochs, refit);
  const seq = (s.trials.at(-1)?.seq ?? -1) + 1;
  const row = await ctx.db.searchTrial.create({
    data: { id: newId('trial'), searchId: s.row.id, candidateId, rung, epochs, runId, seq },
  });
  s.trials.push({
    id: row.id,
    candidateId,
    rung,
    epochs,
    runId,
    seq,
    status: 'queued',
    valAccuracy: null,
    accuracy: null,
    durationMs: null,
  });
}

/**
 * Draws candidates until one fits the budget (rejected ones are recorded with the reason, never trained); null
 * when the space has none left. The first draw of a search started `from` a preset is that preset.
 */
async function drawWithinBudget(
  ctx: ServiceCtx,
  s: SearchState,
): Promise<{ id: string; params: CandidateParams } | null> {
  const rng = new Rng(fromDbState(s.row.rngState));
  const seen = new Set(s.candidates.map((c) => c.key));
  let found: { id: string; params: CandidateParams } | null = null;
  for (let i = 0; i < MAX_REJECTIONS_PER_STEP && !found; i++) {
    const first =
      s.candidates.length === 0 && s.limits.from ? fromPresetParams(s.limits.from, s.space) : null;
    const drawn = first ?? drawCandidate(s.space, rng, seen);
    if (!drawn) break;
    seen.add(drawn.key);
    let cost: ReturnType<typeof candidateCost>;
    let reason: string | null;
    try {
      cost = candidateCost(drawn.params, s.limits.io, s.row.target as 'stm32l4r9' | 'xcore');
      reason = overBudget(cost, s.budget);
    } catch (err) {
      cost = { packedBytes: 0 };
      reason = `not buildable for this dataset: ${(err as Error).message}`;
    }
    const seq = (s.candidates.at(-1)?.seq ?? -1) + 1;
    const id = newId('cand');
    await ctx.db.searchCandidate.create({
      data: {
        id,
        searchId: s.row.id,
        key: drawn.key,
        paramsJson: JSON.stringify(drawn.params),
        costJson: JSON.stringify(cost),
        status: reason ? 'rejected' : 'accepted',
        reason,
        seq,
      },
    });
    s.candidates.push({
      id,
      seq,
      key: drawn.key,
      params: drawn.params as unknown as Record<string, unknown>,
      cost,
      status: reason ? 'rejected' : 'accepted',
      reason,
      trials: [],
    });
    if (!reason) found = { id, params: drawn.params };
  }
  s.row.rngState = toDbState(rng.state);
  await ctx.db.search.update({ where: { id: s.row.id }, data: { rngState: s.row.rngState } });
  return found;
}

/** A preset's parameters as the search's first candidate (mnist-tiny, mnist-8k: mnist-trunk; quicknet-28: quicknet). */
export function fromPresetParams(
  preset: string,
  space: SearchSpace,
): { params: CandidateParams; key: string } | null {
  return presetCandidate(preset, space);
}

/** Presets a search may start from (`from`), each with its family. */
export const SEARCH_PRESETS = Object.keys(CORE_SEARCH_PRESETS).sort();

async function finish(ctx: ServiceCtx, s: SearchState, reason: string, now: Date) {
  await ctx.db.search.update({
    where: { id: s.row.id },
    data: {
      status: 'completed',
      reason,
      finishedAt: now,
      usedMs: elapsedMs(s.row, now.getTime()),
      activeSince: null,
    },
  });
}

async function cancelActive(ctx: ServiceCtx, s: SearchState) {
  for (const t of s.trials)
    if (t.status === 'queued' || t.status === 'running')
      await cancelRun(ctx, t.runId).catch((err: unknown) => {
        if (!(err instanceof ApiError)) throw err;
      });
}

export type AdvanceOutcome = 'busy' | 'idle' | 'advanced' | 'finished';

/** Calls in this process advancing a search, one after the other (the lease orders processes). */
const chains = new Map<string, Promise<unknown>>();

/**
 * One step of a running search: decisions until the scheduler waits or the search ends. Calls for one search are
 * serialised in this process; across processes the lease lets one of them work ('busy' for the others).
 */
export function advanceSearch(ctx: ServiceCtx, searchId: string, now?: Date): Promise<AdvanceOutcome> {
  const prev = chains.get(searchId) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(() => advanceOnce(ctx, searchId, now ?? new Date()));
  chains.set(searchId, next);
  void next
    .finally(() => {
      if (chains.get(searchId) === next) chains.delete(searchId);
    })
    .catch(() => {});
  return next;
}

async function advanceOnce(ctx: ServiceCtx, searchId: string, now: Date): Promise<AdvanceOutcome> {
  const leased = await ctx.db.search.updateMany({
    where: {
      id: searchId,
      status: 'running',
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }, { leaseOwner: DRIVER_ID }],
    },
    data: { leaseOwner: DRIVER_ID, leaseUntil: new Date(now.getTime() + LEASE_MS) },
  });
  if (leased.count === 0) return 'busy';
  try {
    const s = await loadSearchState(ctx, searchId);
    if (s?.row.status !== 'running') return 'idle';
    // Time limit: running candidates are cancelled at the limit, finished ones stay.
    if (remainingMs(s, now.getTime()) <= 0) {
      await cancelActive(ctx, s);
      await finish(ctx, s, 'out_of_time', now);
      return 'finished';
    }
    const cfg = schedulerConfig(s);
    let advanced = false;
    for (let step = 0; step < 1000; step++) {
      const records = trialRecords(s);
      const time = trialTimeModel(s.trials.filter((t) => !isRefit(t, s.space)));
      const left = remainingMs(s, now.getTime()) / 1000;
      const refitSamples = 1 / (1 - Math.min(0.9, s.limits.validationSplit));
      // The refit's time: the slowest finished last-rung trial's (the refit trains one of them again) on its larger
      // sample count, else the model's.
      const topRung = rungEpochs(s.space).length - 1;
      const topDone = s.trials.filter(
        (t) => t.rung === topRung && t.status === 'completed' && t.durationMs !== null,
      );
      const refitSeconds = topDone.length
        ? Math.max(...topDone.map((t) => t.durationMs! / 1000)) * refitSamples
        : (time?.(s.space.maxEpochs, refitSamples) ?? 0);
      const started = new Set(s.trials.filter((t) => t.rung === 0).map((t) => t.candidateId)).size;
      const d = nextDecision(cfg, records, {
        started,
        canSample: !s.row.exhausted,
        canStart: (epochs) => time === null || time(epochs) <= left,
        // A trial's time varies with its candidate and the trials beside it: the refit keeps a quarter more.
        canStartThenRefit: (epochs) => time === null || time(epochs) + 1.25 * refitSeconds <= left,
        // The refit trains the best candidate again: its own last-rung time, on the larger sample count.
        canRefit: () => {
          const best = bestTrial(records);
          const own = best?.view.durationMs;
          return time === null || (own != null ? (own / 1000) * refitSamples : refitSeconds) <= left;
        },
      });
      if (d.kind === 'wait') break;
      if (d.kind === 'finish') {
        const reason =
          d.reason === 'out_of_time'
            ? 'out_of_time'
            : s.row.exhausted && cfg.trials !== null && started < cfg.trials
              ? 'space_exhausted'
              : 'complete';
        await finish(ctx, s, reason, now);
        return 'finished';
      }
      if (d.kind === 'promote' || d.kind === 'refit') {
        const c = s.candidates.find((x) => x.id === d.candidate)!;
        const params = c.params as unknown as CandidateParams;
        await addTrial(ctx, s, c.id, params, d.rung, d.epochs, d.kind === 'refit');
        advanced = true;
        continue;
      }
      const drawn = await drawWithinBudget(ctx, s);
      if (!drawn) {
        s.row.exhausted = true;
        await ctx.db.search.update({ where: { id: s.row.id }, data: { exhausted: true } });
        continue;
      }
      await addTrial(ctx, s, drawn.id, drawn.params, 0, d.epochs);
      advanced = true;
    }
    return advanced ? 'advanced' : 'idle';
  } catch (err) {
    // A candidate the run service refuses (class count, dataset gone): the search fails with that reason.
    if (err instanceof ApiError && err.status < 500) {
      await ctx.db.search.update({
        where: { id: searchId },
        data: {
          status: 'failed',
          reason: `${err.message}${err.fix ? ` ${err.fix}` : ''}`.slice(0, 2000),
          finishedAt: now,
          activeSince: null,
        },
      });
      return 'finished';
    }
    throw err;
  } finally {
    await ctx.db.search
      .updateMany({
        where: { id: searchId, leaseOwner: DRIVER_ID },
        data: { leaseOwner: null, leaseUntil: null },
      })
      .catch(() => {});
  }
}

/**
 * Advances every running search every `intervalMs` (runs complete in this process or in workers elsewhere; the
 * database is the one source). Returns the function that stops it.
 */
export function startSearchDriver(
  ctx: ServiceCtx,
  opts: { intervalMs?: number; log?: (m: string) => void } = {},
): () => void {
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const running = await ctx.db.search.findMany({ where: { status: 'running' }, select: { id: true } });
      for (const { id } of running) {
        if (stopped) break;
        await advanceSearch(ctx, id).catch((err: unknown) =>
          opts.log?.(`[search ${id}] advance failed: ${(err as Error).message}`),
        );
      }
    } catch (err) {
      opts.log?.(`search driver: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 1000);
  timer.unref();
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

export { cancelActive };
