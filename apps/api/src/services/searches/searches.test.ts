// Auto-size searches end to end on the real app and the real job queue (SQLite, and Postgres where the test
// harness runs one): limits before work (400 at the boundary, 422 with a fix), then a tiny real search — 1–3-epoch
// candidates on a small MNIST subset — that is cancelled, resumed, survives a restart of the whole server (state in
// the database), keeps within its trial limit and budget, and ends with a fully trained best candidate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateKey, getPreset, packedCost, QUICKNET_DEFAULTS, rungEpochs } from '@bnn-studio/bnn-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { type AppContext, closeContext, openContext } from '../../context.js';
import { SearchResponse } from '../../contract/searches.js';
import { createJobQueue } from '../../jobs/create-job-queue.js';
import {
  checkResponsesAgainstContract,
  createPostgresDatabase,
  createTestApp,
  TEST_TOKEN,
  type TestApp,
  testProviders,
} from '../../test/helpers.js';
import { startSearchDriver } from './advance-search.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = { authorization: `Bearer ${TEST_TOKEN}` };

/** A small space: 1–2 binary convs of small widths, 3 epochs at the last rung (rungs 1, 3). */
const SPACE = {
  widths: [[0.25, 0.5], [0.25, 0.5], [0.25, 0.5], [0.25]],
  depths: [1, 2],
  hidden: [0],
  firstLayer: ['float'],
  quantizers: ['ste_sign'],
  maxEpochs: 3,
  minEpochs: 1,
  eta: 3,
};
const TINY = {
  datasetId: 'mnist',
  target: 'stm32l4r9',
  budget: { packedBytes: 4096, ramBytes: 160 * 1024 },
  trials: 3,
  space: SPACE,
  limits: { trainSamples: 192, testSamples: 64 },
  batchSize: 32,
  validationSplit: 0.25,
  seed: 3,
};

describe.each(testProviders())('searches (%s)', (provider) => {
  describe('limits before work', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(provider);
    });
    afterAll(async () => t?.close());
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/searches', headers: t.auth, payload });

    it('refuses bad requests at the boundary and unsatisfiable ones with the fix', async () => {
      const noLimit = await post({ ...TINY, trials: undefined });
      expect(noLimit.statusCode).toBe(400);
      expect(noLimit.json().error.message).toMatch(/trials|minutes/);
      expect((await post({ ...TINY, budget: {} })).statusCode).toBe(400);
      expect((await post({ ...TINY, target: 'esp32' })).statusCode).toBe(400);
      expect((await post({ ...TINY, trials: 100_000 })).statusCode).toBe(400);
      expect((await post({ ...TINY, extra: 1 })).statusCode).toBe(400);

      const space = await post({ ...TINY, space: { depths: [7] } });
      expect(space.statusCode).toBe(422);
      expect(space.json().error).toMatchObject({
        code: 'invalid_space',
        message: expect.stringMatching(/depths/),
      });

      const tight = await post({ ...TINY, budget: { packedBytes: 200 } });
      expect(tight.statusCode).toBe(422);
      expect(tight.json().error).toMatchObject({
        code: 'no_candidate_in_budget',
        message: expect.stringMatching(/weights .* KiB > 0\.2 KiB/),
        fix: expect.stringMatching(/Raise the budget/),
      });
      const preset = await post({ ...TINY, from: 'quicknet' });
      expect(preset.statusCode).toBe(422);
      expect(preset.json().error.code).toBe('unknown_preset');
      const dataset = await post({ ...TINY, datasetId: 'nope' });
      expect(dataset.statusCode).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/searches/x', headers: t.auth })).statusCode,
      ).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/api/searches' })).statusCode).toBe(401);
      expect(await t.ctx.db.search.count()).toBe(0);
      expect(await t.ctx.db.run.count()).toBe(0);
    });

    it('answers any nearly valid body with a 2xx or a 4xx naming the problem, never a 5xx (seeded fuzz)', async () => {
      const keys = Object.keys(TINY);
      const body = fc.oneof(
        fc.jsonValue(),
        fc
          .record({ key: fc.constantFrom(...keys, 'extra'), value: fc.jsonValue({ maxDepth: 2 }) })
          .map(({ key, value }) => ({ ...structuredClone(TINY), [key]: value })),
        fc
          .record({ key: fc.constantFrom(...Object.keys(SPACE)), value: fc.jsonValue({ maxDepth: 2 }) })
          .map(({ key, value }) => ({ ...structuredClone(TINY), space: { ...SPACE, [key]: value } })),
      );
      await fc.assert(
        fc.asyncProperty(body, async (payload) => {
          const r = await post(payload as object);
          expect(r.statusCode, r.body).toBeLessThan(500);
          if (r.statusCode >= 400) expect(r.json().error.message.length).toBeGreaterThan(10);
        }),
        { numRuns: 25, seed: 17 },
      );
    });
  });

  describe('the quicknet family', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(provider);
    });
    afterAll(async () => t?.close());
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/searches', headers: t.auth, payload });
    const QUICK = {
      ...TINY,
      budget: { packedBytes: 32 * 1024 },
      trials: 2,
      space: { maxEpochs: 3 },
    };

    it('starts from quicknet-28 (its family, its parameters first), costed before training like mnist-trunk', async () => {
      const r = await post({ ...QUICK, from: 'quicknet-28' });
      expect(r.statusCode, r.body).toBe(201);
      const s = SearchResponse.parse(r.json()).search;
      expect(s.space).toMatchObject({ family: 'quicknet', maxEpochs: 3 });
      const first = s.candidates[0]!;
      expect(first).toMatchObject({
        key: candidateKey(QUICKNET_DEFAULTS),
        status: 'accepted',
      });
      expect(first.params).toMatchObject({ family: 'quicknet', widths: [16, 32, 64], depth: 2 });
      // Its cost is the preset's (pruning off), from bnn-core's packed size and the exporters' flash/RAM estimate.
      expect(first.cost.packedBytes).toBe(packedCost(getPreset('quicknet-28')!).packedBytes);
      expect(first.cost.flashBytes).toBeGreaterThan(first.cost.packedBytes);
      expect(first.cost.ramBytes).toBeGreaterThan(0);
      for (const c of s.candidates) {
        expect(c.key).toMatch(/^quicknet\//);
        if (c.status === 'accepted') expect(c.cost.packedBytes).toBeLessThanOrEqual(32 * 1024);
        else expect(c.reason).toMatch(/weights .* KiB > 32\.0 KiB/);
      }
      // The queued trial trains the quicknet candidate's graph: an ordinary run of a residual architecture.
      const trial = first.trials[0]!;
      const run = (
        await t.app.inject({ method: 'GET', url: `/api/runs/${trial.runId}`, headers: t.auth })
      ).json().run;
      const version = (
        await t.app.inject({
          method: 'GET',
          url: `/api/architecture-versions/${run.architectureVersionId}`,
          headers: t.auth,
        })
      ).json().version;
      expect(version.graph.nodes.filter((n: { type: string }) => n.type === 'Add')).toHaveLength(4);
    });

    it('rejects over-budget quicknet spaces before work, and a preset of another family', async () => {
      const tight = await post({ ...QUICK, space: { family: 'quicknet' }, budget: { packedBytes: 1024 } });
      expect(tight.statusCode).toBe(422);
      expect(tight.json().error).toMatchObject({
        code: 'no_candidate_in_budget',
        message: expect.stringMatching(/weights .* KiB > 1\.0 KiB/),
      });
      const mismatch = await post({ ...QUICK, from: 'quicknet-28', space: { family: 'mnist-trunk' } });
      expect(mismatch.statusCode).toBe(422);
      expect(mismatch.json().error).toMatchObject({
        code: 'preset_family_mismatch',
        fix: expect.stringMatching(/space\.family/),
      });
      const bad = await post({ ...QUICK, space: { family: 'quicknet', hidden: [64] } });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.message).toMatch(/hidden: quicknet has no hidden dense layer/);
    });
  });

  it('runs a tiny search through the queue: cancel, resume, restart, done within limits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bnn-search-test-'));
    const pgDb = provider === 'postgresql' ? await createPostgresDatabase() : undefined;
    const env = {
      BNN_STUDIO_DATA: dataDir,
      BNN_STUDIO_TOKEN: TEST_TOKEN,
      BNN_STUDIO_RATE_LIMIT: '100000',
      ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
    };
    /** One "server process": context, job queue (one worker), search driver and app. */
    const start = async () => {
      // The token comes from the environment at open (as the test helper does it).
      const saved = process.env.BNN_STUDIO_TOKEN;
      process.env.BNN_STUDIO_TOKEN = TEST_TOKEN;
      const ctx: AppContext = await openContext(loadConfig(env));
      if (saved === undefined) delete process.env.BNN_STUDIO_TOKEN;
      else process.env.BNN_STUDIO_TOKEN = saved;
      ctx.jobs = await createJobQueue(ctx, { workers: 1, leaseMs: 3_000 });
      const stopDriver = startSearchDriver(ctx, { intervalMs: 200 });
      const app = await buildApp(ctx);
      checkResponsesAgainstContract(app);
      await app.ready();
      return {
        app,
        ctx,
        stop: async () => {
          stopDriver();
          await app.close();
          await closeContext(ctx);
        },
      };
    };
    let server = await start();
    try {
      const get = async (id: string) =>
        SearchResponse.parse(
          (await server.app.inject({ method: 'GET', url: `/api/searches/${id}`, headers: auth })).json(),
        ).search;
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/searches',
        headers: auth,
        payload: TINY,
      });
      expect(created.statusCode, created.body).toBe(201);
      const first = created.json().search;
      expect(first.status).toBe('running');
      expect(first.rungs).toEqual(rungEpochs(SPACE));
      const id: string = first.id;
      // parallel 1: one trial queued or running at a time.
      const active = first.candidates
        .flatMap((c: { trials: Array<{ status: string }> }) => c.trials)
        .filter((t: { status: string }) => t.status === 'queued' || t.status === 'running');
      expect(active.length, JSON.stringify(first.candidates, null, 1)).toBeLessThanOrEqual(1);

      const cancelled = await server.app.inject({
        method: 'POST',
        url: `/api/searches/${id}/cancel`,
        headers: auth,
      });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json().search.status).toBe('cancelled');
      const again = await server.app.inject({
        method: 'POST',
        url: `/api/searches/${id}/cancel`,
        headers: auth,
      });
      expect(again.statusCode).toBe(409);
      const resumed = await server.app.inject({
        method: 'POST',
        url: `/api/searches/${id}/resume`,
        headers: auth,
      });
      expect(resumed.statusCode, resumed.body).toBe(200);
      expect(resumed.json().search.status).toBe('running');

      // SSE: the detail arrives as a `search` event.
      const sse = await server.app.inject({
        method: 'GET',
        url: `/api/searches/${id}/events`,
        headers: auth,
        payloadAsStream: true,
      });
      expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
      const stream = sse.stream();
      const firstEvent = await new Promise<string>((resolve) =>
        stream.once('data', (b: Buffer) => resolve(b.toString())),
      );
      stream.destroy();
      expect(firstEvent).toMatch(/^event: search\ndata: \{"id":"search_/);

      // Wait for the first trial to finish, then restart the whole server mid-search.
      for (let i = 0; i < 600; i++) {
        const s = await get(id);
        if (s.candidates.some((c) => c.trials.some((t) => t.status === 'completed'))) break;
        await sleep(250);
      }
      await server.stop();
      server = await start();

      let s = await get(id);
      for (let i = 0; i < 1200 && s.status === 'running'; i++) {
        await sleep(250);
        s = await get(id);
      }
      expect(s.status, JSON.stringify(s, null, 1)).toBe('completed');
      expect(s.reason).toBe('complete');
      const accepted = s.candidates.filter((c) => c.status === 'accepted');
      // Never over the trial limit; over-budget candidates never trained; every trained one within budget.
      expect(s.started).toBeLessThanOrEqual(TINY.trials);
      expect(accepted.filter((c) => c.trials.some((t) => t.rung === 0))).toHaveLength(s.started);
      for (const c of s.candidates.filter((x) => x.status === 'rejected')) {
        expect(c.trials).toHaveLength(0);
        expect(c.reason).toMatch(/>/);
      }
      for (const c of accepted) {
        expect(c.cost.packedBytes).toBeLessThanOrEqual(TINY.budget.packedBytes);
        expect(c.cost.ramBytes!).toBeLessThanOrEqual(TINY.budget.ramBytes);
      }
      // The candidate selected on validation accuracy at the last rung is refitted on all the training data (the
      // search's last trial, one rung past the last): that run is the best; its run is an ordinary run.
      expect(s.best).not.toBeNull();
      expect(s.best!).toMatchObject({ refit: true, epochs: 3, rung: s.rungs.length, valAccuracy: null });
      const bestCandidate = s.candidates.find((c) => c.id === s.best!.candidateId)!;
      const topTrial = bestCandidate.trials.find((t) => t.rung === s.rungs.length - 1 && !t.refit)!;
      expect(topTrial.status).toBe('completed');
      expect(topTrial.valAccuracy).not.toBeNull();
      const refits = s.candidates.flatMap((c) => c.trials.filter((t) => t.refit));
      expect(refits).toHaveLength(1);
      expect(s.front.length).toBeGreaterThan(0);
      const run = (
        await server.app.inject({ method: 'GET', url: `/api/runs/${s.best!.runId}`, headers: auth })
      ).json();
      expect(run.run).toMatchObject({ status: 'completed', location: 'server', epochs: 3 });
      expect(run.run.config.validationSplit).toBe(0);
      const topRun = (
        await server.app.inject({ method: 'GET', url: `/api/runs/${topTrial.runId}`, headers: auth })
      ).json();
      expect(topRun.run.config.validationSplit).toBeGreaterThan(0);
      // The run the cancel stopped stays cancelled; its trial trains on in a fresh run.
      const runs = await server.ctx.db.run.findMany({ select: { status: true } });
      expect(runs.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(1);
      const list = (await server.app.inject({ method: 'GET', url: '/api/searches', headers: auth })).json();
      expect(list.searches[0]).toMatchObject({ id, status: 'completed' });
      const resumeDone = await server.app.inject({
        method: 'POST',
        url: `/api/searches/${id}/resume`,
        headers: auth,
      });
      expect(resumeDone.statusCode).toBe(409);
    } finally {
      await server.stop();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
