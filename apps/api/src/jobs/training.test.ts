// Server training end to end on the real app: queue → worker thread (SQLite) or pg-boss (Postgres) → metrics,
// SSE, final weights, cached exports. Postgres also gets the crash test: two real `bnn-studio worker` processes,
// one killed with SIGKILL mid-training; the other resumes from the checkpoint with no metric point lost or
// duplicated.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, randomWeights, serializeWeights } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { closeContext, openContext } from '../context.js';
import { API_ROOT } from '../lib/paths.js';
import { createRun } from '../services/runs/create-run.js';
import { createPostgresDatabase, createTestApp, type TestApp, testProviders } from '../test/helpers.js';
import { createJobQueue } from './create-job-queue.js';

const graph = getPreset('mnist-tiny');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 240_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(testProviders())('server training (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, {
      setup: async (ctx) => {
        ctx.jobs = await createJobQueue(ctx, { workers: 1, leaseMs: 5_000 });
      },
    });
  });
  afterAll(async () => t?.close());

  it('distils from an earlier run: the teacher run id resolves to its graph and weights', async () => {
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/runs', headers: t.auth, payload });
    const base = {
      graph,
      datasetId: 'mnist',
      config: { epochs: 1, batchSize: 32, seed: 4, optimizer: { id: 'adam', learningRate: 0.005 } },
    };
    const teacher = (await post({ ...base, location: 'browser' })).json().run.id as string;
    const withTeacher = (teacherRunId: string, location = 'server') => ({
      ...base,
      location,
      config: { ...base.config, distillation: { teacherRunId, temperature: 2, alpha: 0.5 } },
      limits: { trainSamples: 128, testSamples: 64 },
    });
    // Refusals (422 naming the fix): a teacher without weights (server or browser student), an unknown one, and
    // one whose input shape differs from the student's.
    const notReady = await post(withTeacher(teacher));
    expect(notReady.statusCode).toBe(422);
    expect(notReady.json().error.code).toBe('teacher_not_ready');
    expect(notReady.json().error.fix).toMatch(/float-twin/);
    expect((await post(withTeacher(teacher, 'browser'))).json().error.code).toBe('teacher_not_ready');
    const unknown = await post(withTeacher('run_unknown'));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({
      code: 'teacher_not_found',
      message: expect.stringMatching(/run_unknown/),
    });
    const wide = {
      ...graph,
      nodes: graph.nodes.map((n) =>
        n.type === 'Input' ? { ...n, params: { ...n.params, shape: [32, 32, 1] } } : n,
      ),
    };
    const other = (await post({ ...base, graph: wide, location: 'browser' })).json().run.id as string;
    await t.app.inject({
      method: 'POST',
      url: `/api/runs/${other}/complete?finalAccuracy=0.5&epochs=1`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(serializeWeights(randomWeights(wide, 5))),
    });
    const mismatch = await post(withTeacher(other));
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error).toMatchObject({
      code: 'teacher_shape_mismatch',
      message: expect.stringMatching(/\[32, 32, 1\].*\[28, 28, 1\]/),
    });

    const done = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${teacher}/complete?finalAccuracy=0.5&epochs=1`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(serializeWeights(randomWeights(graph, 5))),
    });
    expect(done.statusCode).toBe(200);
    const created = await post(withTeacher(teacher));
    expect(created.statusCode).toBe(201);
    const runId = created.json().run.id as string;
    const run = await waitFor('the distilled run', async () => {
      const r = (await t.app.inject({ method: 'GET', url: `/api/runs/${runId}`, headers: t.auth })).json()
        .run;
      return r.status === 'completed' || r.status === 'failed' ? r : null;
    });
    expect(run).toMatchObject({ status: 'completed', hasWeights: true });
    // With the earlier run as teacher no float twin is trained first (that would record `teacher.*` points).
    const metrics = (
      await t.app.inject({ method: 'GET', url: `/api/runs/${runId}/metrics`, headers: t.auth })
    ).json().metrics as { name: string }[];
    expect(metrics.some((p) => p.name === 'loss')).toBe(true);
    expect(metrics.filter((p) => p.name.startsWith('teacher.'))).toEqual([]);
  });

  it('distils from the float twin: trains it as its own run first, reuses it, and shows the gain', async () => {
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/runs', headers: t.auth, payload });
    const get = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/runs/${id}`, headers: t.auth })).json().run;
    const finished = (id: string) =>
      waitFor(`run ${id}`, async () => {
        const r = await get(id);
        return r.status === 'completed' || r.status === 'failed' ? r : null;
      });
    const config = { epochs: 1, batchSize: 32, seed: 9, optimizer: { id: 'adam', learningRate: 0.005 } };
    const limits = { trainSamples: 128, testSamples: 64 };
    const distilled = {
      graph,
      datasetId: 'mnist',
      location: 'server',
      limits,
      config: {
        ...config,
        distillation: { teacherRunId: 'float-twin', teacherEpochs: 1, warmupEpochs: 0.5 },
      },
    };
    const created = await post(distilled);
    expect(created.statusCode).toBe(201);
    const student = created.json().run;
    expect(student.options).toMatchObject({ teacherKind: 'float-twin', teacherRunId: expect.any(String) });
    const teacherId = student.options.teacherRunId as string;
    expect(teacherId).not.toBe(student.id);
    expect(student.config.distillation).toMatchObject({ temperature: expect.any(Number), warmupEpochs: 0.5 });
    expect(await finished(student.id)).toMatchObject({ status: 'completed', hasWeights: true });
    const teacher = await get(teacherId);
    expect(teacher).toMatchObject({ status: 'completed', hasWeights: true, epochs: 1 });
    expect(teacher.name).toMatch(/float twin/);
    expect(teacher.config.distillation).toBeUndefined();

    // The same request again reuses the completed float twin instead of training another one.
    const again = (await post(distilled)).json().run;
    expect(again.options.teacherRunId).toBe(teacherId);
    await finished(again.id);

    // Without a run of the same recipe and seed trained alone there is no gain to show; with one there is.
    const before = (await get(student.id)).distillation;
    expect(before).toMatchObject({
      teacher: { id: teacherId, floatTwin: true, status: 'completed', finalAccuracy: expect.any(Number) },
      withoutDistillation: null,
      gainPoints: null,
    });
    const alone = (await post({ graph, datasetId: 'mnist', location: 'server', limits, config })).json().run;
    const aloneRun = await finished(alone.id);
    const after = (await get(student.id)).distillation;
    expect(after.withoutDistillation).toEqual({ runId: alone.id, finalAccuracy: aloneRun.finalAccuracy });
    const studentRun = await get(student.id);
    expect(after.gainPoints).toBeCloseTo(100 * (studentRun.finalAccuracy - aloneRun.finalAccuracy), 6);
    expect((await get(alone.id)).distillation).toBeUndefined();
  });

  it('trains a queued run, streams it over SSE, stores weights and exports them (cached)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph,
        datasetId: 'mnist',
        location: 'server',
        config: { epochs: 2, batchSize: 32, seed: 3, optimizer: { id: 'adam', learningRate: 0.005 } },
        limits: { trainSamples: 256, testSamples: 100 },
      },
    });
    expect(created.statusCode).toBe(201);
    const runId = created.json().run.id as string;
    expect(created.json().run.status).toBe('queued');

    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/runs/${runId}/events`, { headers: t.auth });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const sse = await res.text(); // the stream ends when the run does
    expect(sse).toMatch(/event: status\ndata: \{"status":"running"/);
    expect(sse).toMatch(/event: metric/);
    expect(sse).toMatch(/"status":"completed"/);

    const run = (await t.app.inject({ method: 'GET', url: `/api/runs/${runId}`, headers: t.auth })).json()
      .run;
    expect(run).toMatchObject({ status: 'completed', epochsDone: 2, hasWeights: true, attempts: 1 });
    expect(run.finalAccuracy).toBeGreaterThanOrEqual(0);
    expect(run.results.confusionMatrix).toHaveLength(10);
    expect(run.durationMs).toBeGreaterThan(0);
    const metrics = (
      await t.app.inject({ method: 'GET', url: `/api/runs/${runId}/metrics`, headers: t.auth })
    ).json().metrics;
    const lossEpochs = metrics
      .filter((p: { name: string }) => p.name === 'loss')
      .map((p: { epoch: number }) => p.epoch);
    expect(lossEpochs).toEqual([1, 2]);

    const exp = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/exports`,
      headers: t.auth,
      payload: { target: 'bnn' },
    });
    expect(exp.statusCode, exp.body).toBe(200);
    const { artifact } = exp.json();
    expect(artifact.filename).toMatch(/\.bnn$/);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/exports`,
      headers: t.auth,
      payload: { target: 'bnn' },
    });
    expect(again.json()).toMatchObject({
      cached: true,
      artifact: { id: artifact.id, sha256: artifact.sha256 },
    });
    const dl = await t.app.inject({
      method: 'GET',
      url: `/api/artifacts/${artifact.id}/download`,
      headers: t.auth,
    });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.byteLength).toBe(artifact.bytes);
    expect(dl.headers['content-disposition']).toMatch(/attachment; filename=".*\.bnn"/);

    // Every other target either exports (with a report) or refuses with the exporter's explanation.
    for (const target of ['tflite-arm', 'tflite-xcore', 'stm32l4', 'xcore']) {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/runs/${runId}/exports`,
        headers: t.auth,
        payload: { target },
      });
      expect([200, 422], `${target}: ${r.body.slice(0, 300)}`).toContain(r.statusCode);
      if (r.statusCode === 200) {
        expect(r.json().artifact.bytes).toBeGreaterThan(0);
        expect(r.json().report).not.toBeNull();
      } else {
        expect(r.json().error).toMatchObject({
          code: 'export_refused',
          details: { rule: expect.any(String) },
        });
        expect(r.json().error.fix.length).toBeGreaterThan(5);
      }
    }
  });

  it('cancels a queued or running server run', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph,
        datasetId: 'mnist',
        location: 'server',
        config: { epochs: 50, batchSize: 32, seed: 1, optimizer: { id: 'adam' } },
        limits: { trainSamples: 256, testSamples: 50 },
      },
    });
    const runId = created.json().run.id as string;
    const del = await t.app.inject({ method: 'DELETE', url: `/api/runs/${runId}`, headers: t.auth });
    expect(del.statusCode).toBe(409);
    await t.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: t.auth, payload: {} });
    const final = await waitFor('cancellation', async () => {
      const r = await t.ctx.db.run.findUnique({ where: { id: runId } });
      return r?.status === 'cancelled' ? r : null;
    });
    expect(final.status).toBe('cancelled');
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/runs/${runId}`, headers: t.auth })).statusCode,
    ).toBe(200);
  });
});

describe.runIf(testProviders().includes('postgresql'))('distributed workers (postgresql)', () => {
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await sleep(500);
    await drop?.();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('resumes a run from its checkpoint after its worker is killed with SIGKILL, losing and duplicating nothing', async () => {
    const pgDb = await createPostgresDatabase();
    drop = pgDb.drop;
    const apiDir = mkdtempSync(join(tmpdir(), 'bnn-api-dist-'));
    dirs.push(apiDir);
    const ctx = await openContext(loadConfig({ BNN_STUDIO_DATA: apiDir, DATABASE_URL: pgDb.url }));
    ctx.jobs = await createJobQueue(ctx, { workers: 0 });
    const logs = new Map<number, string>();
    try {
      // Two workers, each with its own data directory (as on two machines).
      for (let i = 0; i < 2; i++) {
        const dataDir = mkdtempSync(join(tmpdir(), `bnn-worker-${i}-`));
        dirs.push(dataDir);
        const p = spawn(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', 'worker'],
          {
            cwd: API_ROOT,
            env: {
              ...process.env,
              DATABASE_URL: pgDb.url,
              BNN_STUDIO_DATA: dataDir,
              BNN_STUDIO_LEASE_MS: '4000',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        logs.set(p.pid!, '');
        const append = (d: Buffer) => logs.set(p.pid!, logs.get(p.pid!) + d.toString());
        p.stdout!.on('data', append);
        p.stderr!.on('data', append);
        procs.push(p);
      }
      await waitFor(
        'workers to start',
        async () => procs.every((p) => /Worker \d+ ready/.test(logs.get(p.pid!) ?? '')),
        // Two processes loading tfjs on a shared 2-core machine: a start-up wait, not a speed assertion.
        180_000,
      );

      const run = await createRun(ctx, {
        graph: { ...graph },
        datasetId: 'mnist',
        location: 'server',
        config: { epochs: 4, batchSize: 32, seed: 11, optimizer: { id: 'adam', learningRate: 0.005 } },
        limits: { trainSamples: 512, testSamples: 100 },
      });
      // Kill the worker holding the run right after its first checkpoint.
      const holder = await waitFor('a checkpoint', async () => {
        const r = await ctx.db.run.findUnique({ where: { id: run.id } });
        return r && r.status === 'running' && (r.checkpointEpoch ?? 0) >= 1 && r.epochsDone < 4 ? r : null;
      });
      const pid = Number(holder.workerId!.split(':')[1]);
      const victim = procs.find((p) => p.pid === pid);
      expect(victim, `worker ${holder.workerId} is one of ours`).toBeDefined();
      victim!.kill('SIGKILL');

      const done = await waitFor('the run to complete on the other worker', async () => {
        const r = await ctx.db.run.findUnique({ where: { id: run.id } });
        return r && (r.status === 'completed' || r.status === 'failed') ? r : null;
      });
      expect(done.error).toBeNull();
      expect(done.status).toBe('completed');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expect(Number(done.workerId!.split(':')[1])).not.toBe(pid);
      const points = await ctx.db.metricPoint.findMany({
        where: { runId: run.id },
        orderBy: [{ name: 'asc' }, { epoch: 'asc' }],
      });
      for (const name of ['loss', 'accuracy', 'seconds']) {
        expect(
          points.filter((p) => p.name === name).map((p) => p.epoch),
          name,
        ).toEqual([1, 2, 3, 4]);
      }
      const survivor = procs.find((p) => p.pid !== pid)!;
      expect(logs.get(survivor.pid!)).toMatch(/resuming after epoch [1-3]/);
    } finally {
      await closeContext(ctx);
    }
  });
});
