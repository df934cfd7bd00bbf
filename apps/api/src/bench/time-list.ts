// Profiling aid (not part of the bench): times each run-list query of the bench's stream in process, one at a
// time, and prints the slowest query families. Usage: tsx --conditions=source src/bench/time-list.ts sqlite|postgresql [pgUrl]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Provider } from '../config.js';
import { openHotReads } from '../db/hot-reads.js';
import { migrateDatabase } from '../db/migrate.js';
import { ReadCache } from '../lib/read-cache.js';
import { RunListQuery } from '../schemas.js';
import type { ServiceCtx } from '../services/context.js';
import { listRunsJson as listRuns } from '../services/runs/list-runs.js';
import { distinctListQueries } from './list-queries.js';
import { seedPostgres, seedSqlite } from './seed.js';

const provider = (process.argv[2] ?? 'sqlite') as Provider;
const dataDir = mkdtempSync(join(tmpdir(), 'bnn-time-'));
let url = join(dataDir, 'studio.db');
// REUSE=<url>: an already seeded database (e.g. the one ab-list.ts seeded).
const reuse = process.env.REUSE;
if (reuse) url = reuse;
else if (provider === 'postgresql') {
  const admin = new pg.Client({ connectionString: process.argv[3] });
  await admin.connect();
  const db = `bnn_time_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const u = new URL(process.argv[3]!);
  u.pathname = `/${db}`;
  url = u.toString();
}
if (!reuse) {
  await migrateDatabase(provider, url);
  if (provider === 'sqlite') seedSqlite(url);
  else await seedPostgres(url);
}
const reads = openHotReads(provider, url);
const cache = new ReadCache();
const ctx = { cache, dbHandle: { reads } } as unknown as ServiceCtx;
const draw = distinctListQueries(0x5eed);
const family = (p: URLSearchParams) => {
  const q = p.get('q');
  const qk = !q ? '-' : /^\d+$/.test(q) ? 'num' : q.startsWith('run_') ? 'id' : `w:${q}`;
  const page = Number(p.get('page'));
  return `st=${p.get('status') ?? '-'} loc=${p.get('location') ? 'y' : '-'} q=${qk} sort=${p.get('sort')} pg=${page === 1 ? 1 : page < 10 ? '2-9' : '10+'}`;
};
const times = new Map<string, number[]>();
const all: number[] = [];
const N = Number(process.env.N ?? 3000);
for (let i = 0; i < N; i++) {
  const path = draw();
  const p = new URL(path, 'http://x').searchParams;
  const q = RunListQuery.parse(Object.fromEntries(p));
  const t0 = performance.now();
  await listRuns(ctx, q);
  const ms = performance.now() - t0;
  all.push(ms);
  const parts = family(p).split(' ');
  const k = process.env.BY
    ? process.env.BY.split(',')
        .map((i) => parts[Number(i)])
        .join(' ')
    : family(p);
  (times.get(k) ?? times.set(k, []).get(k)!).push(ms);
}
all.sort((a, b) => a - b);
const sum = all.reduce((a, b) => a + b, 0);
console.log(
  `n=${N} mean ${(sum / N).toFixed(3)} ms p50 ${all[N >> 1]!.toFixed(2)} p95 ${all[Math.floor(N * 0.95)]!.toFixed(2)} p99 ${all[Math.floor(N * 0.99)]!.toFixed(2)} max ${all[N - 1]!.toFixed(1)}`,
);
const rows = [...times].map(([k, v]) => ({
  k,
  n: v.length,
  total: v.reduce((a, b) => a + b, 0),
  max: Math.max(...v),
}));
rows.sort((a, b) => b.total - a.total);
for (const r of rows.slice(0, Number(process.env.TOP ?? 30)))
  console.log(
    `${r.total.toFixed(0).padStart(6)} ms ${((100 * r.total) / sum).toFixed(1).padStart(5)}% n=${String(r.n).padStart(4)} mean ${(r.total / r.n).toFixed(2).padStart(6)} max ${r.max.toFixed(1).padStart(6)}  ${r.k}`,
  );
await reads.close();
