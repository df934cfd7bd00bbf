// Profiling aid (not part of the bench): serves a seeded 10k-run database under `node --cpu-prof` and drives it
// with the bench's distinct list queries, so the server's CPU per request can be read from the profile.
// Usage: tsx --conditions=source src/bench/profile-list.ts sqlite|postgresql [pgUrl] [profileDir]
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Provider } from '../config.js';
import { migrateDatabase } from '../db/migrate.js';
import { distinctListQueries } from './list-queries.js';
import { seedPostgres, seedSqlite } from './seed.js';
import { seededServerEnv, startBenchServer } from './server.js';

const provider = (process.argv[2] ?? 'sqlite') as Provider;
const profDir = process.argv[4] ?? join(tmpdir(), 'bnn-prof');
const TOKEN = 'bench-token-0123456789abcdef';
const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>) => Promise<{
  requests: { average: number };
  latency: { p50: number; p97_5: number; p99: number };
}>;
const dataDir = mkdtempSync(join(tmpdir(), 'bnn-prof-'));
let url = join(dataDir, 'studio.db');
if (provider === 'postgresql') {
  const admin = new pg.Client({ connectionString: process.argv[3] });
  await admin.connect();
  const db = `bnn_prof_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const u = new URL(process.argv[3]!);
  u.pathname = `/${db}`;
  url = u.toString();
}
await migrateDatabase(provider, url);
if (provider === 'sqlite') seedSqlite(url);
else await seedPostgres(url);
const { base, proc } = await startBenchServer({
  nodeArgs: process.env.PROFILE === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
  env: seededServerEnv({ dataDir, token: TOKEN, provider, url }),
});
const draw = distinctListQueries(0x5eed);
const r = await autocannon({
  url: base,
  connections: 50,
  duration: Number(process.env.SECONDS ?? 8),
  headers: { authorization: `Bearer ${TOKEN}` },
  requests: [{ method: 'GET', path: '/api/runs', setupRequest: (req: object) => ({ ...req, path: draw() }) }],
});
console.log(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p97_5: r.latency.p97_5 }));
proc.kill('SIGTERM');
await new Promise((res) => proc.once('exit', res));
