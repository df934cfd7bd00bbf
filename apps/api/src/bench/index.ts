// API benchmark (npm run bench -w @bnn-studio/api) → bench-results/api.json.
// With 10,000 runs and 1,000,000 metric points, on SQLite and on Postgres: p95 latency of the run list (paged,
// filtered, sorted) and of run detail at 50 concurrent clients (autocannon, loopback), metric ingestion in
// points/s through the API, and /api/health p99 during a server training run (baseline: idle p99).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@bnn-studio/bnn-core';
import pg from 'pg';
import type { Provider } from '../config.js';
import { migrateDatabase } from '../db/migrate.js';
import { REPO_ROOT } from '../lib/paths.js';
import { startThrowawayPostgres } from '../test/pg-server.js';
import { distinctListQueries } from './list-queries.js';
import { SEED_RUNS, seedPostgres, seedSqlite } from './seed.js';
import { startBenchServer } from './server.js';

const TOKEN = 'bench-token-0123456789abcdef';
const CONNECTIONS = 50;
const DURATION = Number(process.env.BNN_BENCH_SECONDS ?? 8);
interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<AutocannonResult>;
const requireAc = createRequire(require_resolve_autocannon());
const hdr = requireAc('hdr-histogram-js') as {
  build(o: Record<string, unknown>): {
    getValueAtPercentile(p: number): number;
    destroy(): void;
    totalCount: number;
  };
};

function require_resolve_autocannon(): string {
  return createRequire(import.meta.url).resolve('autocannon');
}

interface Case {
  case: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
}

function startServer(env: Record<string, string>): Promise<{ base: string; proc: ChildProcess }> {
  return startBenchServer({
    env: {
      ...env,
      BNN_STUDIO_TOKEN: TOKEN,
      BNN_STUDIO_LOG_LEVEL: 'warn',
      BNN_STUDIO_RATE_LIMIT: '100000000',
    },
  });
}

async function load(
  base: string,
  path: string,
  opts: {
    method?: string;
    body?: () => string;
    nextPath?: () => string;
    duration?: number;
    connections?: number;
  } = {},
) {
  const latencies = hdr.build({
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 100_000,
    numberOfSignificantValueDigits: 3,
  });
  const destroy = latencies.destroy.bind(latencies);
  latencies.destroy = () => {};
  const result = await autocannon({
    url: base,
    connections: opts.connections ?? CONNECTIONS,
    duration: opts.duration ?? DURATION,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requests: [
      {
        method: (opts.method ?? 'GET') as 'GET',
        path,
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          ...(opts.nextPath ? { path: opts.nextPath() } : {}),
          ...(opts.body ? { body: opts.body() } : {}),
        }),
      },
    ],
    // autocannon accepts custom histograms (lib/histUtil.getHistograms); ours survives the run for p95.
    histograms: { latencies },
  });
  const out = {
    p50: latencies.getValueAtPercentile(50),
    p95: latencies.getValueAtPercentile(95),
    p99: latencies.getValueAtPercentile(99),
    rps: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  destroy();
  return out;
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function benchProvider(provider: Provider, dbUrl: string | undefined, cases: Case[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bnn-api-bench-'));
  const label = provider === 'sqlite' ? 'SQLite' : 'Postgres';
  const url = dbUrl ?? join(dataDir, 'studio.db');
  await migrateDatabase(provider, url);
  const t0 = Date.now();
  if (provider === 'sqlite') seedSqlite(url);
  else await seedPostgres(url);
  console.error(
    `${label}: seeded ${SEED_RUNS} runs and ${SEED_RUNS * 100} metric points in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const env: Record<string, string> = { BNN_STUDIO_DATA: dataDir, BNN_STUDIO_WORKERS: '1' };
  if (dbUrl) env.DATABASE_URL = dbUrl;
  const { base, proc } = await startServer(env);
  try {
    // Warm-up.
    await load(base, '/api/runs?pageSize=50', { duration: 2, connections: 10 });

    let page = 0;
    const list = await load(base, '/api/runs', {
      nextPath: () =>
        `/api/runs?status=completed&q=sweep&sort=finalAccuracy&order=desc&pageSize=50&page=${(page++ % 40) + 1}`,
    });
    cases.push({
      case: `${label}: GET /api/runs (filtered, sorted, paged; 10k runs) at ${CONNECTIONS} clients`,
      metric: 'p95 latency, ms (lower is better; target < 50)',
      value: list.p95,
      unit: 'ms',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    cases.push({
      case: `${label}: GET /api/runs throughput`,
      metric: 'requests/s (higher is better)',
      value: Math.round(list.rps),
      unit: 'req/s',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });

    // Distinct queries: every request draws its own filter, search, sort and page (seeded), so nearly every one
    // misses the 1 s read cache and the database answers it.
    const draw = distinctListQueries(0x5eed);
    const seen = new Set<string>();
    const distinct = await load(base, '/api/runs', {
      nextPath: () => {
        const path = draw();
        seen.add(path);
        return path;
      },
    });
    cases.push({
      case: `${label}: GET /api/runs, distinct queries (${seen.size} distinct of ${distinct.total}; search, filter, sort, page) at ${CONNECTIONS} clients`,
      metric: 'p95 latency, ms (lower is better; target < 50)',
      value: distinct.p95,
      unit: 'ms',
      baseline: 'the same route, one repeated query family (cache hits)',
      baselineValue: list.p95,
      ratio: list.p95 > 0 ? distinct.p95 / list.p95 : null,
    });
    cases.push({
      case: `${label}: GET /api/runs distinct-query throughput (p50 ${distinct.p50} ms, p99 ${distinct.p99} ms)`,
      metric: 'requests/s (higher is better)',
      value: Math.round(distinct.rps),
      unit: 'req/s',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    if (distinct.non2xx) console.error(`${label}: ${distinct.non2xx} non-2xx distinct list responses`);
    // Baselines in the same run, the same query stream against a second server on the same database: the run list
    // as this bench found it before the database serialised pages (BNN_STUDIO_RUN_LIST_BASELINE=on: row objects,
    // runDto and JSON.stringify in Node; SQLite one-status filters on the sort column's index), and (SQLite) name
    // searches walking the sort index (BNN_STUDIO_RUN_SEARCH_INDEX=off, no FTS5).
    const baselines: [string, Record<string, string>][] = [
      ['pages serialised in Node (BNN_STUDIO_RUN_LIST_BASELINE=on)', { BNN_STUDIO_RUN_LIST_BASELINE: 'on' }],
    ];
    if (provider === 'sqlite')
      baselines.push([
        'searches walking the sort index (BNN_STUDIO_RUN_SEARCH_INDEX=off)',
        { BNN_STUDIO_RUN_SEARCH_INDEX: 'off' },
      ]);
    for (const [what, flags] of baselines) {
      const old = await startServer({ ...env, ...flags });
      try {
        await load(old.base, '/api/runs?pageSize=50', { duration: 2, connections: 10 });
        const scan = await load(old.base, '/api/runs', { nextPath: distinctListQueries(0x5eed) });
        const la = loadavg()
          .map((x) => x.toFixed(1))
          .join(' ');
        cases.push({
          case: `${label}: GET /api/runs, distinct queries at ${CONNECTIONS} clients (p50 ${distinct.p50} ms, ${Math.round(distinct.rps)} req/s) vs ${what} (p50 ${scan.p50} ms, ${Math.round(scan.rps)} req/s); load average ${la}`,
          metric: 'p95 latency, ms (lower is better; target < 50)',
          value: distinct.p95,
          unit: 'ms',
          baseline: `the same queries, ${what}`,
          baselineValue: scan.p95,
          ratio: scan.p95 > 0 ? distinct.p95 / scan.p95 : null,
        });
      } finally {
        old.proc.kill('SIGTERM');
        await new Promise((r) => old.proc.once('exit', r));
      }
    }
    if (process.env.BNN_BENCH_CASES === 'list') return;

    let k = 0;
    const detail = await load(base, '/api/runs/x', {
      nextPath: () => `/api/runs/run_bench_${String((k++ * 7919) % SEED_RUNS).padStart(6, '0')}`,
    });
    cases.push({
      case: `${label}: GET /api/runs/:id (detail + latest metrics) at ${CONNECTIONS} clients`,
      metric: 'p95 latency, ms (lower is better; target < 50)',
      value: detail.p95,
      unit: 'ms',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });

    // Ingestion: browser runs post batches of 500 points (distinct epochs per request).
    const graph = getPreset('mnist-tiny');
    const created = (await api(base, 'POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      location: 'browser',
      config: { epochs: 1, batchSize: 32, seed: 1, optimizer: { id: 'adam' } },
    })) as { run: { id: string } };
    const runId = created.run.id;
    const BATCH = 500;
    let step = 0;
    const ingest = await load(base, `/api/runs/${runId}/metrics`, {
      method: 'POST',
      connections: 8,
      duration: Math.max(4, DURATION / 2),
      body: () => {
        const s = step++;
        return JSON.stringify({
          points: Array.from({ length: BATCH }, (_, i) => ({
            epoch: 1,
            step: s * BATCH + i,
            name: 'batchLoss',
            value: Math.random(),
          })),
        });
      },
    });
    const stored = (await api(base, 'GET', `/api/runs/${runId}/metrics`)) as { metrics: unknown[] };
    const seconds = Math.max(4, DURATION / 2);
    const pointsPerSecond = stored.metrics.length / seconds;
    cases.push({
      case: `${label}: metric ingestion through POST /api/runs/:id/metrics (500-point batches, 8 clients)`,
      metric: 'points/s stored (higher is better; target ≥ 5000)',
      value: Math.round(pointsPerSecond),
      unit: 'points/s',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    if (ingest.non2xx) console.error(`${label}: ${ingest.non2xx} non-2xx ingestion responses`);

    // /api/health p99: idle vs during a server training run (worker thread).
    const idle = await load(base, '/api/health', { connections: 10, duration: 4 });
    const train = (await api(base, 'POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      location: 'server',
      config: { epochs: 3, batchSize: 32, seed: 1, optimizer: { id: 'adam' } },
      limits: { trainSamples: 4000, testSamples: 500 },
    })) as { run: { id: string } };
    await new Promise((r) => setTimeout(r, 1500));
    const during = await load(base, '/api/health', { connections: 10, duration: 6 });
    const trained = (await api(base, 'GET', `/api/runs/${train.run.id}`)) as {
      run: { status: string; error: string | null };
    };
    const note =
      trained.run.status === 'failed'
        ? ` [training failed: ${trained.run.error?.slice(0, 80)}]`
        : ` [run ${trained.run.status}]`;
    cases.push({
      case: `${label}: GET /api/health during a server training run${note}`,
      metric: 'p99 latency, ms (lower is better; target < 50)',
      value: during.p99,
      unit: 'ms',
      baseline: 'GET /api/health p99 with no training',
      baselineValue: idle.p99,
      ratio: idle.p99 > 0 ? during.p99 / idle.p99 : null,
    });
    await api(base, 'POST', `/api/runs/${train.run.id}/cancel`, {}).catch(() => {});
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchPostgres(cases: Case[]) {
  let pgUrl = process.env.BNN_BENCH_DATABASE_URL;
  let stopPg: (() => void) | undefined;
  if (!pgUrl) {
    const server = await startThrowawayPostgres();
    pgUrl = server.url;
    stopPg = server.stop;
  }
  // A fresh database for the benchmark.
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const dbName = `bnn_bench_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.pathname = `/${dbName}`;
  try {
    await benchProvider('postgresql', u.toString(), cases);
  } finally {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
    stopPg?.();
  }
}

async function main() {
  const cases: Case[] = [];
  // BNN_BENCH_PROVIDERS=sqlite|postgresql limits the run to one database (default both); BNN_BENCH_CASES=list
  // measures only the run list cases.
  const providers = (process.env.BNN_BENCH_PROVIDERS ?? 'sqlite,postgresql').split(',');
  if (providers.includes('sqlite')) await benchProvider('sqlite', undefined, cases);
  if (providers.includes('postgresql')) await benchPostgres(cases);
  const result = {
    package: '@bnn-studio/api',
    // The machine may be shared: the load average when the run ended says how much CPU the bench had.
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage: loadavg() },
    cases,
  };
  mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench-results', 'api.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.table(
    cases.map((c) => ({
      case: c.case,
      value: c.value,
      unit: c.unit,
      baseline: c.baselineValue,
      ratio: c.ratio?.toFixed(2) ?? '',
    })),
  );
  console.log(JSON.stringify(result));
}

if (process.argv[1]?.endsWith('index.ts'))
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
