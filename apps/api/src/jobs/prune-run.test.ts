// A pruned server run end to end on the real app (SQLite; the job path is the same on Postgres): config.prune is
// checked at creation (400 at the boundary for a bad shape, 422 with a fix when the run cannot be pruned), the job
// trains, prunes, fine-tunes, and the run moves to the pruned architecture version with what was removed.
import {
  MAX_PRUNE_FRACTION as CORE_MAX,
  PRUNE_METHODS as CORE_METHODS,
  PRUNE_SCOPES as CORE_SCOPES,
  GraphBuilder,
  getPreset,
} from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PRUNE_FRACTION, PRUNE_METHODS, PRUNE_SCOPES } from '../contract/pruning.js';
import { trialValAccuracy, type ValPoint } from '../services/searches/search-state.js';
import { createTestApp, type TestApp } from '../test/helpers.js';
import { createJobQueue } from './create-job-queue.js';

const graph = getPreset('mnist-tiny');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = { epochs: 1, batchSize: 32, seed: 5, optimizer: { id: 'adam', learningRate: 0.005 } };
const limits = { trainSamples: 128, testSamples: 64 };

describe('pruned server runs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', {
      setup: async (ctx) => {
        ctx.jobs = await createJobQueue(ctx, { workers: 1, leaseMs: 5_000 });
      },
    });
  });
  afterAll(async () => t?.close());
  const post = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/runs', headers: t.auth, payload });
  const get = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: t.auth })).json();

  it("mirrors bnn-core's pruning options in the contract", () => {
    expect([...PRUNE_METHODS].sort()).toEqual([...CORE_METHODS].sort());
    expect([...PRUNE_SCOPES].sort()).toEqual([...CORE_SCOPES].sort());
    expect(MAX_PRUNE_FRACTION).toBe(CORE_MAX);
  });

  it('refuses a bad prune option naming the field and the fix', async () => {
    const base = { graph, datasetId: 'mnist', location: 'server', limits };
    for (const prune of [
      { fraction: 0.95 },
      { fraction: 0 },
      { fraction: 0.3, method: 'random' },
      { fraction: 0.3, extra: 1 },
    ]) {
      const r = await post({ ...base, config: { ...config, prune } });
      expect(r.statusCode, JSON.stringify(prune)).toBe(400);
      expect(r.json().error.message).toMatch(/config\.prune/);
      expect(r.json().error.fix).toBeTruthy();
    }
    const browser = await post({
      ...base,
      location: 'browser',
      config: { ...config, prune: { fraction: 0.3 } },
    });
    expect(browser.statusCode).toBe(422);
    expect(browser.json().error).toMatchObject({
      code: 'prune_server_only',
      fix: expect.stringMatching(/server/),
    });
    // A binary classifier alone: its channels are the classes, nothing may be pruned.
    const b = new GraphBuilder('head only');
    b.chain(b.input([28, 28, 1]), [
      ['Flatten'],
      ['QuantDense', { units: 10, kernel_quantizer: { id: 'ste_sign' }, use_bias: false }],
      ['BatchNormalization'],
      ['Softmax'],
    ]);
    const nothing = await post({
      ...base,
      graph: b.build(),
      config: { ...config, prune: { fraction: 0.3 } },
    });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.json().error).toMatchObject({
      code: 'nothing_to_prune',
      fix: expect.stringMatching(/config\.prune/),
    });
  });

  it('trains, prunes, fine-tunes; the run moves to the pruned version and records what was removed', async () => {
    const created = await post({
      graph,
      datasetId: 'mnist',
      location: 'server',
      limits,
      config: { ...config, validationSplit: 0.25, prune: { fraction: 0.5, fineTuneEpochs: 1 } },
    });
    expect(created.statusCode).toBe(201);
    const first = created.json().run;
    expect(first.config.prune).toEqual({
      fraction: 0.5,
      method: 'weight',
      scope: 'layer',
      blocks: 0,
      fineTuneEpochs: 1,
    });
    const end = Date.now() + 240_000;
    let run = first;
    while (Date.now() < end && run.status !== 'completed' && run.status !== 'failed') {
      await sleep(250);
      run = (await get(`/api/runs/${first.id}`)).run;
    }
    expect(run).toMatchObject({ status: 'completed', hasWeights: true });
    expect(run.architectureVersionId).not.toBe(first.architectureVersionId);
    expect(run.packedBytes).toBeLessThan(first.packedBytes);
    expect(run.results.pruning).toMatchObject({
      originalArchitectureVersionId: first.architectureVersionId,
      layers: [
        { before: 64, after: 32 },
        { before: 64, after: 32 },
      ],
      fineTuneEpochs: 1,
      removedBlocks: [],
    });
    expect(run.results.pruning.binaryMacsRemoved).toBeGreaterThan(0.5);
    const version = (await get(`/api/architecture-versions/${run.architectureVersionId}`)).version;
    expect(
      version.graph.nodes
        .filter((n: { type: string }) => n.type === 'QuantConv2D')
        .map((n: { params: { filters: number } }) => n.params.filters),
    ).toEqual([32, 32]);
    const metrics = (await get(`/api/runs/${first.id}/metrics`)).metrics as Array<
      ValPoint & { step: number }
    >;
    expect(metrics.some((p) => p.name === 'finetune.loss')).toBe(true);
    // The fine-tuning keeps the run's validation split: the pruned model is scored on the run's held-out samples
    // (what an auto-size search ranks a pruned candidate by), apart from the accuracy before pruning.
    const val = (name: string) => metrics.filter((p) => p.name === name && p.step === -1);
    expect(val('valAccuracy')).toHaveLength(1);
    expect(val('finetune.valAccuracy')).toHaveLength(1);
    expect(trialValAccuracy(metrics, true)).toBe(val('finetune.valAccuracy')[0]!.value);
    expect(trialValAccuracy(metrics, false)).toBe(val('valAccuracy')[0]!.value);
    expect(run.epochs).toBe(1);
    // The pruned run exports like any other (its weights belong to the pruned graph).
    const exp = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${first.id}/exports`,
      headers: t.auth,
      payload: { target: 'bnn' },
    });
    expect(exp.statusCode, exp.body).toBeLessThan(300);
  }, 300_000);
});
