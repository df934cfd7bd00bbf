/**
 * The search's method: asynchronous successive halving (ASHA, Li et al. 2020; one Hyperband bracket that never
 * waits for a whole rung), over epochs. Pure and deterministic: the next decision depends only on the trial
 * records given (their order and scores), so a search that stores its records resumes exactly where it was.
 *
 * Rung k trains a candidate for `rungEpochs(cfg)[k]` epochs (min · η^k … max). When a slot is free: promote a
 * candidate that finished rung k and is in the top ⌊n_k / η⌋ of the n_k finished at rung k (highest rung first);
 * else sample a new candidate if the trial budget allows; else wait for the running ones. When nothing runs and
 * nothing can be sampled, the best of the highest reached rung is promoted until one candidate has the full
 * `maxEpochs` (so a search always ends with a fully trained best). With `refit`, the best fully trained candidate
 * is then trained once more for `maxEpochs` on all the training data (its validation split included), the refit
 * trial (rung = the number of rungs): the last trial of the search and its result. Under a time limit, trials start
 * only when the refit still fits after them. Then the search finishes.
 */

export interface SchedulerConfig {
  maxEpochs: number;
  minEpochs: number;
  /** Halving rate η (≥ 2): 1/η of a rung goes up. */
  eta: number;
  /** Most candidates started at rung 0 (null: no trial limit; a time limit then ends the search). */
  trials: number | null;
  /** Trials that may be queued or running at once (the workers sharing the search). */
  parallel: number;
  /** Train the best candidate once more on all the training data at the end (see above). */
  refit?: boolean;
  /**
   * The refit's time in epochs of the trials' data (`maxEpochs` / (1 − validation split): it trains on more
   * samples); the time reserved for it. Default `maxEpochs`.
   */
  refitCost?: number;
}

export type TrialStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** One training of one candidate at one rung, in the order the trials were created. */
export interface TrialRecord {
  candidate: string;
  rung: number;
  status: TrialStatus;
  /** Selection score (validation accuracy) once done. */
  score: number | null;
  /** The refit trial (trained on all the training data; no score). */
  refit?: boolean;
}

export type Decision =
  | { kind: 'promote'; candidate: string; rung: number; epochs: number }
  | { kind: 'sample'; rung: 0; epochs: number }
  | { kind: 'refit'; candidate: string; rung: number; epochs: number }
  | { kind: 'wait' }
  | { kind: 'finish'; reason: 'complete' | 'out_of_time' };

export interface DecisionContext {
  /** Candidates started at rung 0 so far (their count against `trials`). */
  started: number;
  /** False when the space has no unseen candidate within budget left. */
  canSample: boolean;
  /** Whether a trial of this many epochs can still finish within the time limit. */
  canStart: (epochs: number) => boolean;
  /**
   * With `refit`: whether a trial of this many epochs and then the refit can finish within the time limit (the
   * caller knows the refit's time best, e.g. from the finished last-rung trials). Default
   * `canStart(epochs + refitCost)`.
   */
  canStartThenRefit?: (epochs: number) => boolean;
  /** With `refit`: whether the refit alone can still finish. Default `canStart(refitCost)`. */
  canRefit?: () => boolean;
}

/** Epochs per rung, ascending: ⌈max · η^(k−K)⌉ for k = 0…K with K = ⌊log_η(max / min)⌋; the last is max. */
export function rungEpochs(cfg: Pick<SchedulerConfig, 'maxEpochs' | 'minEpochs' | 'eta'>): number[] {
  if (cfg.minEpochs > cfg.maxEpochs) throw new Error('rungEpochs: minEpochs is above maxEpochs');
  const K = Math.floor(Math.log(cfg.maxEpochs / cfg.minEpochs) / Math.log(cfg.eta) + 1e-9);
  const out: number[] = [];
  for (let k = 0; k <= K; k++) {
    const e = Math.max(cfg.minEpochs, Math.round(cfg.maxEpochs * cfg.eta ** (k - K)));
    if (out.at(-1) !== e) out.push(e);
  }
  return out;
}

const isActive = (t: TrialRecord) => t.status === 'queued' || t.status === 'running';

/** Finished trials of a rung, best first (score desc, then creation order); never the refit. */
function ranked<T extends TrialRecord>(trials: readonly T[], rung: number): T[] {
  return trials
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.rung === rung && !t.refit && t.status === 'done' && t.score !== null)
    .sort((a, b) => b.t.score! - a.t.score! || a.i - b.i)
    .map(({ t }) => t);
}

/** The next step of the search. */
export function nextDecision(
  cfg: SchedulerConfig,
  trials: readonly TrialRecord[],
  ctx: DecisionContext,
): Decision {
  const rungs = rungEpochs(cfg);
  const top = rungs.length - 1;
  const active = trials.filter(isActive).length;
  const has = (candidate: string, rung: number) =>
    trials.some((t) => t.candidate === candidate && t.rung === rung && !t.refit);
  if (active >= cfg.parallel) return { kind: 'wait' };
  // The refit is the last trial: nothing starts beside or after it.
  if (trials.some((t) => t.refit))
    return active > 0 ? { kind: 'wait' } : { kind: 'finish', reason: 'complete' };
  const refitCost = cfg.refitCost ?? cfg.maxEpochs;
  const canStart = cfg.refit
    ? (ctx.canStartThenRefit ?? ((epochs: number) => ctx.canStart(epochs + refitCost)))
    : ctx.canStart;
  const canRefit = ctx.canRefit ?? (() => ctx.canStart(refitCost));
  const anyStartable = rungs.some((e) => canStart(e));

  for (let k = top - 1; k >= 0; k--) {
    const done = ranked(trials, k);
    const quota = Math.floor(done.length / cfg.eta);
    for (const t of done.slice(0, quota)) {
      if (!has(t.candidate, k + 1) && canStart(rungs[k + 1]!))
        return { kind: 'promote', candidate: t.candidate, rung: k + 1, epochs: rungs[k + 1]! };
    }
  }
  const trialsLeft = cfg.trials === null || ctx.started < cfg.trials;
  if (trialsLeft && ctx.canSample && canStart(rungs[0]!))
    return { kind: 'sample', rung: 0, epochs: rungs[0]! };
  if (active > 0) return { kind: 'wait' };

  // End game: carry the best of the highest reached rung up until one candidate has the full schedule.
  if (ranked(trials, top).length === 0) {
    for (let k = top - 1; k >= 0; k--) {
      const best = ranked(trials, k).find((t) => !has(t.candidate, k + 1));
      if (!best) {
        if (ranked(trials, k).length > 0) break;
        continue;
      }
      if (canStart(rungs[k + 1]!))
        return { kind: 'promote', candidate: best.candidate, rung: k + 1, epochs: rungs[k + 1]! };
      break;
    }
  }
  const best = bestTrial(trials);
  if (cfg.refit && best && best.rung === top && canRefit())
    return { kind: 'refit', candidate: best.candidate, rung: rungs.length, epochs: cfg.maxEpochs };
  const outOfTime = !anyStartable || (trialsLeft && ctx.canSample && !canStart(rungs[0]!));
  return {
    kind: 'finish',
    reason: outOfTime && ranked(trials, top).length === 0 ? 'out_of_time' : 'complete',
  };
}

/**
 * The trial the search selects: the finished refit, else the best score at the highest rung any candidate finished
 * (null: none).
 */
export function bestTrial<T extends TrialRecord>(trials: readonly T[]): T | null {
  const refit = trials.find((t) => t.refit && t.status === 'done');
  if (refit) return refit;
  for (let k = Math.max(-1, ...trials.map((t) => t.rung)); k >= 0; k--) {
    const r = ranked(trials, k);
    if (r.length > 0) return r[0]!;
  }
  return null;
}

/** A point of the accuracy/cost plane. */
export interface FrontPoint {
  accuracy: number;
  cost: number;
}

/**
 * The Pareto front: points no other point beats on both accuracy (higher) and cost (lower), sorted by cost.
 * Equal points keep the first.
 */
export function paretoFront<T extends FrontPoint>(points: readonly T[]): T[] {
  const sorted = points
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.cost - b.p.cost || b.p.accuracy - a.p.accuracy || a.i - b.i);
  const out: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const { p } of sorted) {
    if (p.accuracy > best) {
      out.push(p);
      best = p.accuracy;
    }
  }
  return out;
}
