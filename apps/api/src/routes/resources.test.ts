import { getPreset, randomWeights, serializeWeights } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistPresent } from '../services/datasets/ensure-builtin-datasets.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

const graph = getPreset('mnist-tiny');
const trainConfig = { epochs: 2, batchSize: 32, seed: 7, optimizer: { id: 'adam', learningRate: 0.01 } };

describe.each(testProviders())('resources (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());

  const req = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: t.auth,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  it('creates and lists projects', async () => {
    const created = await req('POST', '/api/projects', { name: 'Doorbell person detector' });
    expect(created.status).toBe(201);
    expect(created.body.project).toMatchObject({
      name: 'Doorbell person detector',
      id: expect.stringMatching(/^prj_/),
    });
    const list = await req('GET', '/api/projects');
    expect(list.body.projects.map((p: { id: string }) => p.id)).toContain(created.body.project.id);
    const bad = await req('POST', '/api/projects', { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.name/);
  });

  it('keeps architecture versions immutable with inferred summaries', async () => {
    const created = await req('POST', '/api/architectures', { name: 'tiny', graph });
    expect(created.status).toBe(201);
    const { architecture, version } = created.body;
    expect(version.version).toBe(1);
    expect(version.summary.totals.modelSizeBytes).toBeGreaterThan(0);
    const g2 = { ...graph, name: 'tiny v2' };
    const v2 = await req('POST', `/api/architectures/${architecture.id}/versions`, { graph: g2 });
    expect(v2.status).toBe(201);
    expect(v2.body.version.version).toBe(2);
    const got = await req('GET', `/api/architectures/${architecture.id}`);
    expect(got.body.architecture.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await req('GET', `/api/architecture-versions/${version.id}`);
    expect(v1.body.version.graph.name).toBe(graph.name);
    const list = await req('GET', '/api/architectures');
    expect(list.body.architectures[0].latestVersion.version).toBe(2);
  });

  it('refuses invalid graphs with 422 and the issues', async () => {
    const res = await req('POST', '/api/architectures', { name: 'broken', graph: { ...graph, nodes: [] } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_graph');
    expect(res.body.error.details.issues.length).toBeGreaterThan(0);
    const count = await req('GET', '/api/architectures');
    expect(count.body.architectures.every((a: { name: string }) => a.name !== 'broken')).toBe(true);
  });

  it('lists the built-in MNIST dataset', async () => {
    const res = await req('GET', '/api/datasets');
    expect(res.body.datasets[0]).toMatchObject({
      id: 'mnist',
      builtin: true,
      numClasses: 10,
      shape: [28, 28, 1],
    });
    expect((await req('GET', '/api/datasets/mnist')).body.dataset.samples).toBe(10000);
    // Debian's dataset-fashion-mnist (installed by `npm test`) is the second built-in: the official split.
    if (fashionMnistPresent())
      expect(res.body.datasets[1]).toMatchObject({
        id: 'fashion-mnist',
        builtin: true,
        samples: 70000,
        numClasses: 10,
        shape: [28, 28, 1],
        labels: expect.arrayContaining(['T-shirt/top', 'Ankle boot']),
      });
    expect((await req('GET', '/api/datasets/nope')).status).toBe(404);
  });

  it('records a browser run: metrics (idempotent), completion with weights, listing, deletion', async () => {
    const created = await req('POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
      name: 'browser run',
    });
    expect(created.status).toBe(201);
    const run = created.body.run;
    expect(run).toMatchObject({ status: 'running', location: 'browser', seed: 7, epochs: 2 });
    expect(run.packedBytes).toBeGreaterThan(0);
    const points = [
      { epoch: 1, name: 'loss', value: 1.5 },
      { epoch: 1, name: 'accuracy', value: 0.6 },
    ];
    expect((await req('POST', `/api/runs/${run.id}/metrics`, { points })).status).toBe(200);
    // Re-posting the same points (a retry) does not duplicate them; a changed value overwrites.
    await req('POST', `/api/runs/${run.id}/metrics`, {
      points: [{ epoch: 1, name: 'loss', value: 1.4 }, ...points.slice(1)],
    });
    const metrics = await req('GET', `/api/runs/${run.id}/metrics`);
    expect(metrics.body.metrics).toHaveLength(2);
    expect(metrics.body.metrics.find((p: { name: string }) => p.name === 'loss').value).toBe(1.4);

    const weights = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${run.id}/complete?finalAccuracy=0.91&finalLoss=0.3&epochs=2`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: weights,
    });
    // Weights are checked with bnn-core's deserializeWeights when it exists; random bytes are then refused.
    if (done.statusCode === 400) {
      expect(done.json().error.code).toBe('weights_invalid');
      return;
    }
    expect(done.statusCode).toBe(200);
    expect(done.json().run).toMatchObject({ status: 'completed', finalAccuracy: 0.91, hasWeights: true });
    const again = await req('POST', `/api/runs/${run.id}/metrics`, { points });
    expect(again.status).toBe(409);

    const list = await req(
      'GET',
      '/api/runs?status=completed&q=BROWSER&sort=finalAccuracy&order=desc&page=1&pageSize=10',
    );
    expect(list.body.total).toBe(1);
    expect(list.body.runs[0].id).toBe(run.id);
    expect((await req('DELETE', `/api/runs/${run.id}`)).status).toBe(200);
    expect((await req('GET', `/api/runs/${run.id}`)).status).toBe(404);
  });

  it('refuses training configs bnn-core cannot run, naming the field', async () => {
    const res = await req('POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      config: { ...trainConfig, validationSplit: 0.8 },
      location: 'server',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_config');
    expect(res.body.error.message).toMatch(/validationSplit/);
  });

  it('validates run list queries', async () => {
    const res = await req('GET', '/api/runs?status=bogus');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/unknown status 'bogus'/);
    expect((await req('GET', '/api/runs?pageSize=100000')).status).toBe(400);
  });

  it('cancels a browser run and refuses to cancel twice', async () => {
    const { body } = await req('POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
    });
    const c = await req('POST', `/api/runs/${body.run.id}/cancel`, {});
    expect(c.body.run.status).toBe('cancelled');
    const c2 = await req('POST', `/api/runs/${body.run.id}/cancel`, {});
    expect(c2.status).toBe(409);
  });

  it('serves the trained weights of a completed run, byte for byte', async () => {
    const { body } = await req('POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
    });
    const id = body.run.id;
    const none = await req('GET', `/api/runs/${id}/weights`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_weights');
    expect((await req('GET', '/api/runs/run_does_not_exist/weights')).status).toBe(404);

    const weights = serializeWeights(randomWeights(graph, 3));
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${id}/complete?finalAccuracy=0.9&epochs=2`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(weights),
    });
    expect(done.statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: `/api/runs/${id}/weights`, headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(res.rawPayload)).toEqual(weights);
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/runs/${id}/weights` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses exports of runs without weights', async () => {
    const { body } = await req('POST', '/api/runs', {
      graph,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
    });
    const res = await req('POST', `/api/runs/${body.run.id}/exports`, { target: 'bnn' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_weights');
    expect((await req('POST', `/api/runs/${body.run.id}/exports`, { target: 'zip' })).status).toBe(400);
    expect((await req('GET', '/api/artifacts/../../etc/passwd/download')).status).toBe(404);
  });
});
