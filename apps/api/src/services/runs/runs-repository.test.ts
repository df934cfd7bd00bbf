// The runs repository owns the read-cache invariant: after any run write (even one that fails) the next read
// is fresh, although the cache would otherwise serve the previous answer for 30 s (SQLite).
import { getPreset } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunListQuery } from '../../schemas.js';
import { createTestApp, type TestApp } from '../../test/helpers.js';
import { getRun } from './get-run.js';
import { listRuns } from './list-runs.js';

const query = RunListQuery.parse({});

describe('runs repository (sqlite)', () => {
  let t: TestApp;
  let runId: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph: getPreset('mnist-tiny'),
        datasetId: 'mnist',
        location: 'browser',
        config: { epochs: 2, batchSize: 32, seed: 1, optimizer: { id: 'adam' } },
      },
    });
    runId = res.json().run.id;
  });
  afterAll(async () => t?.close());

  it('serves cached reads until a write, and fresh ones after it', async () => {
    const before = await getRun(t.ctx, runId);
    expect(await getRun(t.ctx, runId)).toBe(before); // cached: the very same object
    expect(await t.ctx.runs.update({ id: runId }, { name: 'renamed' })).toBe(1);
    expect((await getRun(t.ctx, runId)).name).toBe('renamed');
    expect((await listRuns(t.ctx, query)).runs.find((r) => r.id === runId)?.name).toBe('renamed');

    await t.ctx.runs.writeMetrics(runId, [{ epoch: 1, name: 'loss', value: 0.5 }]);
    expect((await getRun(t.ctx, runId)).metrics).toEqual({ loss: 0.5 });
  });

  it('invalidates even when the write fails', async () => {
    const cached = await getRun(t.ctx, runId);
    await expect(
      t.ctx.runs.transaction(async (tx) => {
        await tx.run.updateMany({ where: { id: runId }, data: { name: 'rolled back' } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const fresh = await getRun(t.ctx, runId);
    expect(fresh).not.toBe(cached);
    expect(fresh.name).toBe(cached.name);
  });
});
