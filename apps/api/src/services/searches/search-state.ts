// A search as stored, read back with its candidates, trials and their runs: what the scheduler decides on and
// what the API shows (Pareto front and best under budget computed here, server-side).
import {
  bestTrial,
  type CandidateCost,
  paretoFront,
  rungEpochs,
  type SchedulerConfig,
  type SearchBudget,
  type SearchSpace,
  type TrialRecord,
  type TrialStatus,
} from '@bnn-studio/bnn-core';
import type { RunStatus } from '../../contract/runs.js';
import type { SearchDetail, SearchPoint, SearchSummary, SearchTarget } from '../../contract/searches.js';
import type { Wire } from '../../lib/route.js';
import type { ServiceCtx } from '../context.js';

export interface SearchLimits {
  trials: number | null;
  minutes: number | null;
  parallel: number;
  limits: { trainSamples?: number; testSamples?: number };
  validationSplit: number;
  batchSize: number;
  /** Preset the search started from (its parameters are the first candidate). */
  from?: string | null;
  /** Input shape and classes of the dataset the candidates are built for. */
  io: { inputShape: number[]; classes: number };
}

type SearchRow = NonNullable<Awaited<ReturnType<ServiceCtx['db']['search']['findUnique']>>>;

export interface TrialView {
  id: string;
  candidateId: string;
  rung: number;
  epochs: number;
  runId: string;
  seq: number;
  status: RunStatus;
  valAccuracy: number | null;
  accuracy: number | null;
  durationMs: number | null;
}

export interface CandidateView {
  id: string;
  seq: number;
  key: string;
  params: Record<string, unknown>;
  cost: CandidateCost;
  status: 'accepted' | 'rejected';
  reason: string | null;
  trials: TrialView[];
}

export interface SearchState {
  row: SearchRow;
  budget: SearchBudget;
  space: SearchSpace;
  limits: SearchLimits;
  candidates: CandidateView[];
  /** Trials in creation order. */
  trials: TrialView[];
}

const TRIAL_STATUS: Record<RunStatus, TrialStatus> = {
  queued: 'queued',
  running: 'running',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

const VAL_METRICS = ['valAccuracy', 'finetune.valAccuracy'] as const;
export interface ValPoint {
  name: string;
  epoch: number;
  value: number;
}

/**
 * What a finished trial is ranked by: the validation accuracy of the model it deploys. For a candidate that prunes,
 * that is the pruned and fine-tuned model's (the last `finetune.valAccuracy`: the fine-tuning holds out the run's
 * validation samples, bnn-core `createFineTuner`), never the accuracy before pruning; null when the run recorded
 * none (a pruned run without fine-tuning epochs), which the scheduler ranks last. Otherwise the last `valAccuracy`.
 */
export function trialValAccuracy(points: readonly ValPoint[], prunes: boolean): number | null {
  const name = prunes ? 'finetune.valAccuracy' : 'valAccuracy';
  let last: ValPoint | null = null;
  for (const p of points) if (p.name === name && (!last || p.epoch > last.epoch)) last = p;
  return last?.value ?? null;
}

export async function loadSearchState(ctx: Pick<ServiceCtx, 'db'>, id: string): Promise<SearchState | null> {
  const row = await ctx.db.search.findUnique({ where: { id } });
  if (!row) return null;
  const [cands, trials] = await Promise.all([
    ctx.db.searchCandidate.findMany({ where: { searchId: id }, orderBy: { seq: 'asc' } }),
    ctx.db.searchTrial.findMany({ where: { searchId: id }, orderBy: { seq: 'asc' } }),
  ]);
  const runIds = trials.map((t) => t.runId);
  const [runs, points] = await Promise.all([
    ctx.db.run.findMany({
      where: { id: { in: runIds } },
      select: { id: true, status: true, finalAccuracy: true, durationMs: true },
    }),
    ctx.db.metricPoint.findMany({
      where: { runId: { in: runIds }, name: { in: [...VAL_METRICS] }, step: -1 },
      select: { runId: true, name: true, epoch: true, value: true },
    }),
  ]);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const pointsByRun = new Map<string, ValPoint[]>();
  for (const p of points) {
    const list = pointsByRun.get(p.runId) ?? [];
    list.push(p);
    pointsByRun.set(p.runId, list);
  }
  const prunes = new Map(
    cands.map((c) => [c.id, ((JSON.parse(c.paramsJson) as { prune?: number }).prune ?? 0) > 0]),
  );
  const trialViews: TrialView[] = trials.map((t) => {
    const run = runById.get(t.runId);
    const status = (run?.status ?? 'failed') as RunStatus;
    const valAccuracy = trialValAccuracy(pointsByRun.get(t.runId) ?? [], prunes.get(t.candidateId) ?? false);
    return {
      id: t.id,
      candidateId: t.candidateId,
      rung: t.rung,
      epochs: t.epochs,
      runId: t.runId,
      seq: t.seq,
      status,
      valAccuracy: status === 'completed' ? valAccuracy : null,
      accuracy: run?.finalAccuracy ?? null,
      durationMs: run?.durationMs ?? null,
    };
  });
  const candidates: CandidateView[] = cands.map((c) => ({
    id: c.id,
    seq: c.seq,
    key: c.key,
    params: JSON.parse(c.paramsJson) as Record<string, unknown>,
    cost: JSON.parse(c.costJson) as CandidateCost,
    status: c.status as 'accepted' | 'rejected',
    reason: c.reason,
    trials: trialViews.filter((t) => t.candidateId === c.id),
  }));
  return {
    row,
    budget: JSON.parse(row.budgetJson) as SearchBudget,
    space: JSON.parse(row.spaceJson) as SearchSpace,
    limits: JSON.parse(row.limitsJson) as SearchLimits,
    candidates,
    trials: trialViews,
  };
}

export function schedulerConfig(s: Pick<SearchState, 'space' | 'limits'>): SchedulerConfig {
  return {
    maxEpochs: s.space.maxEpochs,
    minEpochs: s.space.minEpochs,
    eta: s.space.eta,
    trials: s.limits.trials,
    parallel: s.limits.parallel,
    // Searches stored before the refit existed have no `refit` in their space: they never refit.
    refit: s.space.refit === true,
    refitCost: Math.ceil(s.space.maxEpochs / (1 - Math.min(0.9, s.limits.validationSplit))),
  };
}

/** Whether a trial is the search's refit (its rung is one past the last: `rungEpochs(space).length`). */
export function isRefit(t: Pick<TrialView, 'rung'>, space: SearchSpace): boolean {
  return t.rung >= rungEpochs(space).length;
}

/** The scheduler's records: one per trial, in creation order; the score is the validation accuracy. */
export function trialRecords(
  s: Pick<SearchState, 'trials' | 'space'>,
): Array<TrialRecord & { view: TrialView }> {
  return s.trials.map((t) => {
    const refit = isRefit(t, s.space);
    return {
      candidate: t.candidateId,
      rung: t.rung,
      status: TRIAL_STATUS[t.status],
      score: refit ? null : (t.valAccuracy ?? (t.status === 'completed' ? 0 : null)),
      ...(refit ? { refit } : {}),
      view: t,
    };
  });
}

/** Search time used: earlier running periods plus the current one. */
export function elapsedMs(row: Pick<SearchRow, 'usedMs' | 'activeSince'>, now = Date.now()): number {
  return row.usedMs + (row.activeSince ? Math.max(0, now - row.activeSince.getTime()) : 0);
}

function point(c: CandidateView, t: TrialView, space: SearchSpace): SearchPoint {
  return {
    candidateId: c.id,
    runId: t.runId,
    rung: t.rung,
    refit: isRefit(t, space),
    epochs: t.epochs,
    accuracy: t.accuracy,
    valAccuracy: t.valAccuracy,
    packedBytes: c.cost.packedBytes,
    flashBytes: c.cost.flashBytes ?? null,
    ramBytes: c.cost.ramBytes ?? null,
    latencyMs: c.cost.latencyMs ?? null,
  };
}

/**
 * The selected candidate: its refit once that finished, else the best validation accuracy at the highest rung any
 * candidate finished.
 */
export function bestPoint(s: Pick<SearchState, 'candidates' | 'trials' | 'space'>): SearchPoint | null {
  const best = bestTrial(trialRecords(s));
  if (!best) return null;
  const c = s.candidates.find((x) => x.id === best.candidate)!;
  return point(c, best.view, s.space);
}

/**
 * Accuracy (test, of each candidate's highest finished trial) against cost (flash when estimated, else packed
 * bytes): the non-dominated candidates, cheapest first. Every point is within budget (rejected ones never train).
 */
export function frontPoints(s: Pick<SearchState, 'candidates' | 'space'>): SearchPoint[] {
  const pts = s.candidates.flatMap((c) => {
    const done = c.trials.filter((t) => t.status === 'completed' && t.accuracy !== null);
    if (!done.length) return [];
    const top = done.reduce((a, b) => (b.rung > a.rung ? b : a));
    const p = point(c, top, s.space);
    return [{ ...p, accuracy: p.accuracy!, cost: p.flashBytes ?? p.packedBytes }];
  });
  return paretoFront(pts).map(({ cost: _cost, ...p }) => p);
}

export function searchSummary(s: SearchState, now = Date.now()): Wire<SearchSummary> {
  const { row } = s;
  return {
    id: row.id,
    name: row.name,
    datasetId: row.datasetId,
    target: row.target as SearchTarget,
    status: row.status as SearchSummary['status'],
    reason: row.reason,
    budget: s.budget as Record<string, number>,
    trials: s.limits.trials,
    minutes: s.limits.minutes,
    parallel: s.limits.parallel,
    seed: row.seed,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    elapsedMs: elapsedMs(row, now),
    started: new Set(s.trials.filter((t) => t.rung === 0).map((t) => t.candidateId)).size,
    rejected: s.candidates.filter((c) => c.status === 'rejected').length,
    best: bestPoint(s),
  };
}

export function searchDetail(s: SearchState, now = Date.now()): Wire<SearchDetail> {
  return {
    ...searchSummary(s, now),
    space: s.space as unknown as Record<string, unknown>,
    rungs: rungEpochs(s.space),
    candidates: s.candidates.map((c) => ({
      id: c.id,
      seq: c.seq,
      key: c.key,
      params: c.params,
      cost: c.cost,
      status: c.status,
      reason: c.reason,
      trials: c.trials.map((t) => ({
        rung: t.rung,
        refit: isRefit(t, s.space),
        epochs: t.epochs,
        runId: t.runId,
        status: t.status,
        valAccuracy: t.valAccuracy,
        accuracy: t.accuracy,
      })),
    })),
    front: frontPoints(s),
  };
}
