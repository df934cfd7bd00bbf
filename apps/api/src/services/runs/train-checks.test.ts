import { getPreset, withOutputClasses } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testProviders } from '../../test/helpers.js';
import { withEta } from './stream-run-events.js';

const config = { epochs: 2, batchSize: 32, seed: 3, optimizer: { id: 'adam' } };

describe.each(testProviders())('run creation checks and browser failure reports (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());

  const req = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: t.auth,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  it('refuses a model whose output width is not the dataset class count with 422 class_mismatch and a fix', async () => {
    const graph = withOutputClasses(getPreset('mnist-tiny'), 3)!;
    for (const location of ['server', 'browser']) {
      const res = await req('POST', '/api/runs', { graph, datasetId: 'mnist', config, location });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('class_mismatch');
      expect(res.body.error.message).toMatch(/outputs 3 class scores but dataset '.+' has 10 classes/);
      expect(res.body.error.fix).toMatch(/Set units of '.+' to 10/);
      expect(res.body.error.details).toMatchObject({ field: 'units', modelClasses: 3, datasetClasses: 10 });
    }
    // Nothing was queued.
    expect((await req('GET', '/api/runs')).body.total).toBe(0);
  });

  it('records the real reason of a failed browser run at once, and refuses a second report', async () => {
    const created = await req('POST', '/api/runs', {
      graph: getPreset('mnist-tiny'),
      datasetId: 'mnist',
      config,
      location: 'browser',
    });
    expect(created.status).toBe(201);
    const id = created.body.run.id as string;
    const failed = await req('POST', `/api/runs/${id}/fail`, {
      message: 'The training worker ran out of memory.\nstack line',
      fix: 'Use a smaller batch size.',
    });
    expect(failed.status).toBe(200);
    expect(failed.body.run).toMatchObject({ id, status: 'failed' });
    expect(failed.body.run.error).toBe(
      'browser: The training worker ran out of memory. Fix: Use a smaller batch size.',
    );
    expect((await req('GET', `/api/runs/${id}`)).body.run.finishedAt).not.toBeNull();
    const again = await req('POST', `/api/runs/${id}/fail`, { message: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run_not_running');
    expect((await req('POST', `/api/runs/${id}/fail`, {})).status).toBe(400);
    expect((await req('POST', '/api/runs/run_nope/fail', { message: 'x' })).status).toBe(404);
  });
});

describe('withEta', () => {
  it('counts batches over all epochs and extrapolates the elapsed time', () => {
    const start = new Date(0);
    // Epoch 2 of 4, batch 5 of 10 (0-based 4): 15 of 40 batches done after 30 s → 50 s left.
    const e = withEta({ epoch: 2, batch: 4, batches: 10, loss: 0.5 }, start, 4, 30_000);
    expect(e.done).toBeCloseTo(15 / 40, 12);
    expect(e.etaSeconds).toBeCloseTo(50, 9);
    expect(e).toMatchObject({ epoch: 2, batch: 4, batches: 10, loss: 0.5, epochs: 4 });
    expect(withEta({ epoch: 1, batch: 0, batches: 10, loss: 1 }, null, 4, 1).etaSeconds).toBeNull();
    expect(withEta({ epoch: 4, batch: 9, batches: 10, loss: 1 }, start, 4, 9_000).etaSeconds).toBe(0);
  });
});
