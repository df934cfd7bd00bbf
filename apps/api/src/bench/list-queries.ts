// The run-list workload of the API bench: thousands of distinct queries, so the database answers them, not the
// 1 s read cache.
import { seededRandom } from '@bnn-studio/bnn-core';
import { SEED_RUNS } from './seed.js';

/**
 * A seeded stream of run-list queries as dashboard users make them: status and location filters, a name search
 * (a number, a word, or a run id) on about half, every sort column in both orders, page 1 half the time, else pages 2–20, of 20 or 50.
 */
export function distinctListQueries(seed: number): () => string {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const statuses = ['', '', 'completed', 'failed', 'cancelled', 'completed,failed', 'queued,running'];
  const locations = ['', '', 'server', 'browser'];
  const sorts = ['createdAt', 'name', 'status', 'finalAccuracy', 'packedBytes', 'durationMs'];
  return () => {
    const p = new URLSearchParams();
    const status = pick(statuses);
    if (status) p.set('status', status);
    const location = pick(locations);
    if (location) p.set('location', location);
    const r = rnd();
    if (r < 0.3) p.set('q', String(Math.floor(rnd() * 10_000)));
    else if (r < 0.4) p.set('q', pick(['quick', 'sweep', 'bench', 'net s', 'ep 1']));
    else if (r < 0.5) p.set('q', `run_bench_${String(Math.floor(rnd() * SEED_RUNS)).padStart(6, '0')}`);
    p.set('sort', pick(sorts));
    p.set('order', pick(['asc', 'desc']));
    p.set('pageSize', pick(['20', '50']));
    // Half the requests look at the first page (a fresh filter or search), the rest browse pages 2–20.
    p.set('page', String(rnd() < 0.5 ? 1 : 2 + Math.floor(rnd() * 19)));
    return `/api/runs?${p}`;
  };
}
