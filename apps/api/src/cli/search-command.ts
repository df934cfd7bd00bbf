// `bnn-studio search`: an auto-size search run from the command line. This process serves as the server for it:
// it opens the studio's database, trains candidates on the job queue (its own threads; on Postgres any
// `bnn-studio worker` shares them) and advances the search until it ends. Ctrl-C cancels the search (resume it from
// the studio). The last line with --json: { searchId, best: { runId, accuracy, packedBytes, flashBytes, ramBytes },
// front: [...] }.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { closeContext, openContext } from '../context.js';
import { SearchCreate, type SearchDetail } from '../contract/searches.js';
import { createJobQueue } from '../jobs/create-job-queue.js';
import { ApiError } from '../lib/errors.js';
import { startSearchDriver } from '../services/searches/advance-search.js';
import { createSearch } from '../services/searches/create-search.js';
import { cancelSearch, getSearch } from '../services/searches/manage-search.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  kib: 1024,
  k: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  m: 1024 ** 2,
};

/** "64KiB", "16 KiB", "1.5MiB", "65536" → bytes; an error naming the flag and the accepted forms otherwise. */
export function parseBytes(flag: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(
      `search: ${flag} '${v}' is not a size. Give bytes or a unit, e.g. ${flag} 64KiB, 128KiB, 1MiB or 65536.`,
    );
  return Math.round(Number(m[1]) * unit);
}

export interface SearchOpts {
  dataset: string;
  target: string;
  weights?: string;
  flash?: string;
  ram?: string;
  latencyMs?: number;
  trials?: number;
  minutes?: number;
  from?: string;
  parallel?: number;
  seed?: number;
  limit?: number;
  space?: string;
  name?: string;
  json?: boolean;
}

/** The POST /api/searches body of the flags; an error naming the flag and the fix. */
export function searchRequest(opts: SearchOpts): SearchCreate {
  if (opts.trials !== undefined && opts.minutes !== undefined)
    throw new Error(
      'search: give --trials N or --minutes M, not both (the search stops at whichever you give).',
    );
  let space: Record<string, unknown> | undefined;
  if (opts.space) {
    const path = resolve(opts.space);
    if (!existsSync(path))
      throw new Error(`search: --space ${path} does not exist. Pass a JSON file of search space fields.`);
    try {
      space = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`search: --space ${path} is not JSON (${(err as Error).message}).`);
    }
  }
  const budget = {
    ...(opts.weights ? { packedBytes: parseBytes('--weights', opts.weights) } : {}),
    ...(opts.flash ? { flashBytes: parseBytes('--flash', opts.flash) } : {}),
    ...(opts.ram ? { ramBytes: parseBytes('--ram', opts.ram) } : {}),
    ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}),
  };
  const parsed = SearchCreate.safeParse({
    datasetId: opts.dataset,
    target: opts.target,
    budget,
    ...(opts.trials !== undefined ? { trials: opts.trials } : {}),
    ...(opts.minutes !== undefined ? { minutes: opts.minutes } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    ...(space ? { space } : {}),
    ...(opts.limit
      ? { limits: { trainSamples: opts.limit, testSamples: Math.max(100, Math.round(opts.limit / 5)) } }
      : {}),
  });
  if (!parsed.success) {
    const flag: Record<string, string> = {
      datasetId: '--dataset',
      target: '--target (stm32l4r9 | xcore)',
      budget: '--weights / --flash / --ram / --latency-ms (at least one)',
      trials: '--trials N or --minutes M',
      minutes: '--minutes',
      parallel: '--parallel',
      seed: '--seed',
    };
    throw new Error(
      `search: ${parsed.error.issues
        .map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`);
const kib = (x: number | null | undefined) => (x == null ? '—' : `${(x / 1024).toFixed(1)} KiB`);

/** The CLI's result object (the last line with --json). */
export function searchResult(s: SearchDetail) {
  const point = (p: NonNullable<SearchDetail['best']>) => ({
    runId: p.runId,
    accuracy: p.accuracy,
    valAccuracy: p.valAccuracy,
    epochs: p.epochs,
    packedBytes: p.packedBytes,
    flashBytes: p.flashBytes,
    ramBytes: p.ramBytes,
    latencyMs: p.latencyMs,
  });
  return {
    searchId: s.id,
    status: s.status,
    reason: s.reason,
    started: s.started,
    rejected: s.rejected,
    elapsedMs: s.elapsedMs,
    best: s.best ? point(s.best) : null,
    front: s.front.map(point),
  };
}

export async function searchCommand(opts: SearchOpts) {
  const input = searchRequest(opts);
  const config = loadConfig();
  const ctx = await openContext(config);
  ctx.jobs = await createJobQueue(ctx, { workers: Math.max(1, config.workers) });
  const stopDriver = startSearchDriver(ctx, { log: (m) => console.error(m) });
  const say = (m: string) => !opts.json && console.error(m);
  let id: string | null = null;
  let stopping = false;
  const onSig = () => {
    stopping = true;
  };
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  try {
    const created = await createSearch(ctx, input).catch((err: unknown) => {
      if (err instanceof ApiError)
        throw new Error(`search: ${err.message}${err.fix ? ` Fix: ${err.fix}` : ''}`);
      throw err;
    });
    id = created.id;
    say(
      `Search ${id} — ${input.trials ? `${input.trials} trials` : `${input.minutes} min`} on ${input.target}, rungs ${created.rungs.join(' → ')} epochs`,
    );
    const seen = new Set<string>();
    let s = (await getSearch(ctx, id)) as unknown as SearchDetail;
    for (;;) {
      for (const c of s.candidates) {
        if (c.status === 'rejected' && !seen.has(c.id)) {
          seen.add(c.id);
          say(`  rejected ${c.key}: ${c.reason}`);
        }
        for (const t of c.trials) {
          const k = `${t.runId}:${t.status}`;
          if (seen.has(k) || (t.status !== 'queued' && t.status !== 'completed' && t.status !== 'failed'))
            continue;
          seen.add(k);
          say(
            t.status === 'queued'
              ? `  queued  ${c.key} ${t.refit ? 'refit on all training data' : `rung ${t.rung}`} (${t.epochs} ep), weights ${kib(c.cost.packedBytes)}, flash ${kib(c.cost.flashBytes)}, RAM ${kib(c.cost.ramBytes)} — run ${t.runId}`
              : `  ${t.status.padEnd(7)} ${c.key} ${t.refit ? 'refit' : `rung ${t.rung}: validation ${pct(t.valAccuracy)},`} test ${pct(t.accuracy)}`,
          );
        }
      }
      if (s.status !== 'running') break;
      if (stopping) {
        say('Cancelling the search (resume it in the studio: Auto-size, or POST /api/searches/:id/resume)');
        s = (await cancelSearch(ctx, id)) as unknown as SearchDetail;
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
      s = (await getSearch(ctx, id)) as unknown as SearchDetail;
    }
    const result = searchResult(s);
    say(
      `Search ${id} ${s.status}${s.reason ? ` (${s.reason})` : ''}: ${s.started} candidates trained, ${s.rejected} rejected over budget, ${(s.elapsedMs / 60000).toFixed(1)} min`,
    );
    if (s.best)
      say(
        `Best: run ${s.best.runId} — test ${pct(s.best.accuracy)} (validation ${pct(s.best.valAccuracy)}), weights ${kib(s.best.packedBytes)}, flash ${kib(s.best.flashBytes)}, RAM ${kib(s.best.ramBytes)}${s.best.latencyMs != null ? `, ${s.best.latencyMs.toFixed(1)} ms` : ''}`,
      );
    if (opts.json) console.log(JSON.stringify(result));
    if (!s.best) process.exitCode = 1;
    return result;
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    stopDriver();
    await closeContext(ctx);
  }
}
