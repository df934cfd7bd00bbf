/**
 * Pure helpers of the Auto-size page: the request from the form's fields (sizes in KiB), the candidate table's
 * rows from a search's detail, and the chart's points. Tested without React.
 */
import type { SearchCreateBody, SearchDetail } from '../lib/studio-api';

export interface SearchForm {
  datasetId: string;
  target: 'stm32l4r9' | 'xcore';
  /** Limits in KiB (empty: no limit). */
  weightsKiB: string;
  flashKiB: string;
  ramKiB: string;
  latencyMs: string;
  mode: 'trials' | 'minutes';
  amount: string;
  from: '' | 'mnist-tiny' | 'mnist-8k';
  /** The search space as JSON (bnn-core SearchSpace fields). */
  space: string;
  /** Samples per candidate (empty: the whole training split). */
  trainSamples: string;
}

export type FormResult = { ok: true; body: SearchCreateBody } | { ok: false; error: string };

const positive = (v: string) => {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : null;
};

/** The POST /api/searches body, or what to correct in the form. */
export function searchBody(f: SearchForm): FormResult {
  const budget: NonNullable<SearchCreateBody['budget']> = {};
  for (const [field, key, label] of [
    ['weightsKiB', 'packedBytes', 'Weights'],
    ['flashKiB', 'flashBytes', 'Flash'],
    ['ramKiB', 'ramBytes', 'RAM'],
  ] as const) {
    if (f[field].trim() === '') continue;
    const n = positive(f[field]);
    if (n === null)
      return { ok: false, error: `${label} must be a positive number of KiB (or empty for no limit).` };
    budget[key] = Math.round(n * 1024);
  }
  if (f.latencyMs.trim() !== '') {
    const n = positive(f.latencyMs);
    if (n === null)
      return { ok: false, error: 'Latency must be a positive number of milliseconds (or empty).' };
    budget.latencyMs = n;
  }
  if (Object.keys(budget).length === 0)
    return { ok: false, error: 'Give at least one limit: weights, flash, RAM or latency.' };
  const amount = positive(f.amount);
  if (amount === null)
    return {
      ok: false,
      error:
        f.mode === 'trials' ? 'Give the number of candidates to train.' : 'Give the time limit in minutes.',
    };
  let space: Record<string, unknown> | undefined;
  if (f.space.trim() !== '') {
    try {
      const parsed = JSON.parse(f.space) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      space = parsed as Record<string, unknown>;
    } catch (err) {
      return { ok: false, error: `The search space is not a JSON object (${(err as Error).message}).` };
    }
  }
  const samples = f.trainSamples.trim() === '' ? null : positive(f.trainSamples);
  if (f.trainSamples.trim() !== '' && samples === null)
    return { ok: false, error: 'Samples per candidate must be a positive whole number (or empty for all).' };
  return {
    ok: true,
    body: {
      datasetId: f.datasetId,
      target: f.target,
      budget,
      ...(f.mode === 'trials' ? { trials: Math.round(amount) } : { minutes: amount }),
      ...(f.from ? { from: f.from } : {}),
      ...(space ? { space } : {}),
      ...(samples
        ? {
            limits: {
              trainSamples: Math.round(samples),
              testSamples: Math.max(100, Math.round(samples / 5)),
            },
          }
        : {}),
    },
  };
}

export interface CandidateRow {
  id: string;
  key: string;
  status: 'accepted' | 'rejected';
  reason: string | null;
  packedBytes: number;
  flashBytes: number | null;
  ramBytes: number | null;
  latencyMs: number | null;
  /** Highest rung with a trial, and that trial's run and status. */
  rung: number | null;
  epochs: number | null;
  runId: string | null;
  runStatus: string | null;
  valAccuracy: number | null;
  accuracy: number | null;
  best: boolean;
  onFront: boolean;
}

/** One row per candidate, newest first; a candidate's row shows its highest rung. */
export function candidateRows(s: SearchDetail): CandidateRow[] {
  const front = new Set(s.front.map((p) => p.candidateId));
  return [...s.candidates]
    .sort((a, b) => b.seq - a.seq)
    .map((c) => {
      const top = c.trials.reduce<(typeof c.trials)[number] | null>(
        (a, t) => (!a || t.rung >= a.rung ? t : a),
        null,
      );
      return {
        id: c.id,
        key: c.key,
        status: c.status,
        reason: c.reason,
        packedBytes: c.cost.packedBytes,
        flashBytes: c.cost.flashBytes ?? null,
        ramBytes: c.cost.ramBytes ?? null,
        latencyMs: c.cost.latencyMs ?? null,
        rung: top?.rung ?? null,
        epochs: top?.epochs ?? null,
        runId: top?.runId ?? null,
        runStatus: top?.status ?? null,
        valAccuracy: top?.valAccuracy ?? null,
        accuracy: top?.accuracy ?? null,
        best: s.best?.candidateId === c.id,
        onFront: front.has(c.id),
      };
    });
}

export interface ChartPoint {
  candidateId: string;
  runId: string;
  /** KiB of flash (packed weights where flash is not estimated). */
  kib: number;
  pct: number;
}

/** Every candidate's highest finished trial, the front and the best, in the chart's units. */
export function chartPoints(s: SearchDetail): {
  all: ChartPoint[];
  front: ChartPoint[];
  best: ChartPoint | null;
} {
  const pt = (p: SearchDetail['front'][number]): ChartPoint | null =>
    p.accuracy === null
      ? null
      : {
          candidateId: p.candidateId,
          runId: p.runId,
          kib: (p.flashBytes ?? p.packedBytes) / 1024,
          pct: p.accuracy * 100,
        };
  const all = s.candidates.flatMap((c) => {
    const done = c.trials.filter((t) => t.status === 'completed' && t.accuracy !== null);
    if (!done.length) return [];
    const t = done.reduce((a, b) => (b.rung > a.rung ? b : a));
    return [
      {
        candidateId: c.id,
        runId: t.runId,
        kib: (c.cost.flashBytes ?? c.cost.packedBytes) / 1024,
        pct: t.accuracy! * 100,
      },
    ];
  });
  return {
    all,
    front: s.front.map(pt).filter((p): p is ChartPoint => p !== null),
    best: s.best ? pt(s.best) : null,
  };
}
