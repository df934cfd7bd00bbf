/**
 * Pure helpers of the Auto-size page: the request from the form's fields (sizes in KiB), the candidate table's
 * rows from a search's detail, and the chart's points. Tested without React.
 */
import {
  parseSearchSpace,
  SEARCH_FAMILIES,
  SEARCH_FAMILY_DEFS,
  SEARCH_PRESETS,
  type SearchFamily,
} from '@bnn-studio/bnn-core';
import type { SearchCreateBody, SearchDetail } from '../lib/studio-api';

/** The families the page offers, each with what it builds (bnn-core `SEARCH_FAMILY_DEFS`). */
export const FAMILY_CHOICES = SEARCH_FAMILIES.map((id) => ({ id, summary: SEARCH_FAMILY_DEFS[id].summary }));

/** Presets a search of `family` may start from. */
export function presetsOf(family: SearchFamily): string[] {
  return Object.keys(SEARCH_PRESETS)
    .filter((p) => SEARCH_PRESETS[p] === family)
    .sort();
}

/** The editable space of a family with its defaults, as the text area shows it (the family is the Family field). */
export function defaultSpaceText(family: SearchFamily): string {
  const r = parseSearchSpace({ family });
  if (!r.ok) return '{}';
  const { family: _family, ...rest } = r.space;
  return JSON.stringify(rest, null, 1);
}

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
  /** The search space's family (bnn-core `SEARCH_FAMILIES`). */
  family: SearchFamily;
  /** A preset of the family to start from ('' for none). */
  from: string;
  /** The search space as JSON (bnn-core SearchSpace fields; its family is `family`). */
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
  if (space?.family !== undefined && space.family !== f.family)
    return {
      ok: false,
      error: `The search space says family ${JSON.stringify(space.family)} but the Family field is ${f.family}: pick the family in the Family field (or remove "family" from the space).`,
    };
  if (f.from && SEARCH_PRESETS[f.from] !== f.family)
    return {
      ok: false,
      error: `Start from ${f.from} is not a preset of the ${f.family} family: pick one of ${presetsOf(f.family).join(', ') || 'none'}, or none.`,
    };
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
      space: { ...space, family: f.family },
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
  /** That trial is the search's refit (the best candidate trained again on all the training data). */
  refit: boolean;
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
        refit: top?.refit ?? false,
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
