// Measuring aid (not part of the bench): A/B of run-list server variants on one seeded database, interleaved
// (A B A B …) so a shared machine's load changes hit both alike. Each variant is a set of env vars for the server.
// Usage: tsx --conditions=source src/bench/ab-list.ts sqlite|postgresql <dbUrlOrEmpty> 'A=K=V,K=V' 'B=K=V' …
// ROUNDS (default 2) and SECONDS (default 8); SEED=0 reuses an already seeded database (DB_URL).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Provider } from '../config.js';
import { migrateDatabase } from '../db/migrate.js';
import { API_ROOT } from '../lib/paths.js';
import { distinctListQueries } from './list-queries.js';
import { seedPostgres, seedSqlite } from './seed.js';
import { seededServerEnv, startBenchServer } from './server.js';

const provider = (process.argv[2] ?? 'sqlite') as Provider;
const TOKEN = 'bench-token-0123456789abcdef';
const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>) => Promise<{
  requests: { average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number };
  non2xx: number;
}>;
const dataDir = mkdtempSync(join(tmpdir(), 'bnn-ab-'));
const url = provider === 'postgresql' ? process.argv[3]! : join(dataDir, 'studio.db');
if (process.env.SEED !== '0') {
  await migrateDatabase(provider, url);
  if (provider === 'sqlite') seedSqlite(url);
  else await seedPostgres(url);
}
const variants = process.argv.slice(4).map((v) => {
  const [name, ...rest] = v.split('=');
  const env: Record<string, string> = {};
  for (const kv of rest.join('=').split(',').filter(Boolean)) {
    const [k, val] = kv.split('=');
    env[k!] = val!;
  }
  return { name: name!, env };
});
function serve(env: Record<string, string>) {
  return startBenchServer({
    nodeArgs: process.env.PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR}`] : [],
    cwd: env.API_ROOT ?? API_ROOT,
    env: {
      ...seededServerEnv({ dataDir, token: TOKEN, provider, url }),
      ...env,
    },
  });
}
const run = (base: string, seconds: number, path?: () => string) =>
  autocannon({
    url: base,
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: [
      {
        method: 'GET',
        path: '/api/runs?pageSize=50',
        setupRequest: (req: object) => (path ? { ...req, path: path() } : req),
      },
    ],
  });
/** CPU seconds (user+system) of a process, 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
/** CPU seconds of the Postgres processes serving `url` (the postmaster on its port and its children), by pid. */
function pgBackends(): Map<number, number> {
  const out = new Map<number, number>();
  if (provider !== 'postgresql') return out;
  const port = new URL(url).port;
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const read = (pid: string, f: string) => {
    try {
      return readFileSync(`/proc/${pid}/${f}`, 'utf8');
    } catch {
      return '';
    }
  };
  const master = pids.find(
    (d) => read(d, 'cmdline').split('\0').includes(port) || read(d, 'cmdline').includes(`-p ${port} `),
  );
  if (!master) return out;
  for (const d of pids) {
    const stat = read(d, 'stat');
    if (d === master || stat.split(') ')[1]?.split(' ')[1] === master) out.set(Number(d), cpuOf(Number(d)));
  }
  return out;
}
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++)
  for (const v of variants) {
    const { base, proc } = await serve(v.env);
    await run(base, 2);
    const pg0 = pgBackends();
    const node0 = cpuOf(proc.pid!);
    const me0 = process.cpuUsage();
    const r = await run(base, Number(process.env.SECONDS ?? 8), distinctListQueries(0x5eed));
    const me = process.cpuUsage(me0);
    const node = cpuOf(proc.pid!) - node0;
    let pgCpu = 0;
    for (const [pid] of pgBackends()) pgCpu += cpuOf(pid) - (pg0.get(pid) ?? 0);
    const n = r.requests.average * Number(process.env.SECONDS ?? 8);
    const perReq = (s: number) => ((s * 1000) / n).toFixed(2);
    console.log(
      `${v.name.padEnd(12)} p50 ${r.latency.p50} p90 ${r.latency.p90} p97.5 ${r.latency.p97_5} p99 ${r.latency.p99} ms, ${Math.round(r.requests.average)} req/s, non2xx ${r.non2xx}; CPU ms/req: server ${perReq(node)} pg ${perReq(pgCpu)} client ${perReq((me.user + me.system) / 1e6)}; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    proc.kill('SIGTERM');
    await new Promise((res) => proc.once('exit', res));
  }
process.exit(0);
