// SIGTERM to a real `bnn-studio serve` process during a server training run: the job goes back to the queue and
// the next start resumes it from its checkpoint, with no metric point lost or duplicated.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@bnn-studio/bnn-core';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVE_ARGS } from '../bench/server.js';
import type { Provider } from '../config.js';
import { API_ROOT } from '../lib/paths.js';
import { createPostgresDatabase, testProviders } from '../test/helpers.js';

const TOKEN = 'shutdown-test-token-0123456789';
const EPOCHS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 180_000,
) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Server {
  proc: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServe(dataDir: string, databaseUrl: string): Promise<Server> {
  const proc = spawn(process.execPath, [...SERVE_ARGS], {
    cwd: API_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BNN_STUDIO_DATA: dataDir,
      BNN_STUDIO_TOKEN: TOKEN,
      BNN_STUDIO_WORKERS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const port = await waitFor('the server to start', async () => {
    if (proc.exitCode !== null) throw new Error(`serve exited (${proc.exitCode}):\n${out}`);
    return /Studio ready at http:\/\/localhost:(\d+)/.exec(out)?.[1];
  });
  return { proc, base: `http://127.0.0.1:${port}`, output: () => out, exited };
}

async function api<T>(s: Server, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(s.base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Point {
  epoch: number;
  step: number;
  name: string;
  value: number;
}
const key = (p: Point) => `${p.name}@${p.epoch}/${p.step}`;

/** Reads the database behind the server's back (read-only), as an operator would. */
interface Inspector {
  run(id: string): Promise<Record<string, unknown>>;
  points(id: string): Promise<Point[]>;
  close(): Promise<void>;
}

async function inspector(provider: Provider, dataDir: string, url: string): Promise<Inspector> {
  const pointsSql =
    'SELECT "epoch","step","name","value" FROM "MetricPoint" WHERE "runId" = $1 ORDER BY "id"';
  if (provider === 'sqlite') {
    const db = new Database(join(dataDir, 'studio.db'), { readonly: true });
    return {
      run: async (id) => db.prepare('SELECT * FROM "Run" WHERE "id" = ?').get(id) as Record<string, unknown>,
      points: async (id) => db.prepare(pointsSql.replace('$1', '?')).all(id) as Point[],
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // the database is dropped with FORCE after the test
  await client.connect();
  return {
    run: async (id) => (await client.query('SELECT * FROM "Run" WHERE "id" = $1', [id])).rows[0],
    points: async (id) => (await client.query(pointsSql, [id])).rows as Point[],
    close: () => client.end(),
  };
}

describe.each(testProviders())('graceful shutdown (%s, real serve process)', (provider) => {
  const procs: ChildProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'bnn-api-shutdown-'));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await sleep(200);
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-queues the running job on SIGTERM and resumes it from the checkpoint at the next start', async () => {
    let databaseUrl = '';
    if (provider === 'postgresql') {
      const pgDb = await createPostgresDatabase();
      databaseUrl = pgDb.url;
      drop = pgDb.drop;
    }
    const first = await startServe(dataDir, databaseUrl);
    procs.push(first.proc);
    const { run } = await api<{ run: { id: string } }>(first, 'POST', '/api/runs', {
      graph: getPreset('mnist-tiny'),
      datasetId: 'mnist',
      location: 'server',
      name: 'sigterm',
      config: { epochs: EPOCHS, batchSize: 64, seed: 5, optimizer: { id: 'adam', learningRate: 0.005 } },
      limits: { trainSamples: 512, testSamples: 64 },
    });
    // SIGTERM once the first checkpoint is committed, mid-run.
    const at = await waitFor('a committed epoch', async () => {
      const r = (
        await api<{ run: { status: string; epochsDone: number } }>(first, 'GET', `/api/runs/${run.id}`)
      ).run;
      return r.status === 'running' && r.epochsDone >= 1 ? r : null;
    });
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(at.epochsDone).toBeLessThan(EPOCHS);
    expect(first.output()).toMatch(/shutting down: finishing or re-queueing running jobs/);

    // Re-queued with its checkpoint; every point up to the checkpoint is kept.
    const db = await inspector(provider, dataDir, databaseUrl);
    const stopped = await db.run(run.id);
    expect(stopped).toMatchObject({ status: 'queued', workerId: null, attempts: 1 });
    const checkpointEpoch = stopped.checkpointEpoch as number;
    expect(checkpointEpoch).toBeGreaterThanOrEqual(1);
    expect(checkpointEpoch).toBeLessThan(EPOCHS);
    const pointsOf = () => db.points(run.id);
    const kept = (await pointsOf()).filter((p) => p.epoch <= checkpointEpoch);
    expect(kept.length).toBeGreaterThan(0);

    const second = await startServe(dataDir, databaseUrl);
    procs.push(second.proc);
    const done = await waitFor('the resumed run to finish', async () => {
      const r = (
        await api<{ run: { status: string; error: string | null; attempts: number; epochsDone: number } }>(
          second,
          'GET',
          `/api/runs/${run.id}`,
        )
      ).run;
      return r.status === 'queued' || r.status === 'running' ? null : r;
    });
    expect(done).toMatchObject({ status: 'completed', error: null, attempts: 2, epochsDone: EPOCHS });
    expect(second.output()).toMatch(new RegExp(`resuming after epoch ${checkpointEpoch}`));

    const points = await pointsOf();
    // Nothing duplicated: one point per (name, epoch, step).
    expect(new Set(points.map(key)).size).toBe(points.length);
    // Nothing lost: every epoch-level metric for every epoch, and the points kept before SIGTERM unchanged.
    const names = [...new Set(points.filter((p) => p.step === -1).map((p) => p.name))];
    expect(names).toEqual(expect.arrayContaining(['loss', 'accuracy']));
    for (const name of names) {
      expect(
        points
          .filter((p) => p.name === name && p.step === -1)
          .map((p) => p.epoch)
          .sort((a, b) => a - b),
        name,
      ).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    }
    const now = new Map(points.map((p) => [key(p), p.value]));
    for (const p of kept) expect(now.get(key(p)), key(p)).toBe(p.value);
    // Per-batch points (if any) are contiguous in every epoch.
    for (let e = 1; e <= EPOCHS; e++) {
      const steps = points.filter(
        (p) => p.epoch === e && p.step >= 0 && p.name === points.find((q) => q.step >= 0)?.name,
      );
      const sorted = steps.map((p) => p.step).sort((a, b) => a - b);
      expect(sorted, `steps of epoch ${e}`).toEqual(sorted.map((_, i) => i + (sorted[0] ?? 0)));
    }
    await db.close();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 400_000);
});
