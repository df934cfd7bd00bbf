import { getPreset } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testProviders } from '../../test/helpers.js';
import { runDto } from './dto.js';
import { reapAbandonedRuns } from './reap-abandoned-runs.js';

const graph = getPreset('mnist-tiny');
const config = { epochs: 3, batchSize: 32, seed: 3, optimizer: { id: 'adam' } };
const LEASE_MS = 60_000;

describe.each(testProviders())('browser run lease and hot reads (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { env: { BNN_STUDIO_BROWSER_LEASE_MS: String(LEASE_MS) } });
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
  const browserRun = async (name: string) =>
    (await req('POST', '/api/runs', { graph, datasetId: 'mnist', config, location: 'browser', name })).body
      .run.id as string;

  it('fails a browser run with no metrics or heartbeat for the lease time as abandoned', async () => {
    const quiet = await browserRun('closed tab');
    const beating = await browserRun('heartbeats');
    const posting = await browserRun('posts metrics');
    const created = Date.now();
    // Nothing is reaped inside the lease.
    expect(await reapAbandonedRuns(t.ctx, new Date(created + LEASE_MS / 2))).toEqual([]);

    // Renew two of the leases: a heartbeat and a metrics post (both count as activity).
    await new Promise((r) => setTimeout(r, 50));
    const hb = await req('POST', `/api/runs/${beating}/heartbeat`, {});
    expect(hb.status).toBe(200);
    expect(hb.body).toMatchObject({ run: { id: beating, status: 'running' }, leaseMs: LEASE_MS });
    await req('POST', `/api/runs/${posting}/metrics`, { points: [{ epoch: 1, name: 'loss', value: 1 }] });

    const renewed = await t.ctx.db.run.findMany({
      where: { id: { in: [beating, posting] } },
      select: { heartbeatAt: true },
    });
    const renewedAt = Math.min(...renewed.map((r) => r.heartbeatAt!.getTime()));
    expect(renewedAt).toBeGreaterThanOrEqual(created + 50);
    // Past the first lease but within the renewed ones: only the quiet run is abandoned.
    const reaped = await reapAbandonedRuns(t.ctx, new Date(renewedAt + LEASE_MS - 1));
    expect(reaped).toEqual([quiet]);
    const gone = (await req('GET', `/api/runs/${quiet}`)).body.run;
    expect(gone.status).toBe('failed');
    expect(gone.error).toMatch(
      /^abandoned: no metrics or heartbeat from the browser for \d+ s \(lease 60 s\)$/,
    );
    expect(gone.finishedAt).not.toBeNull();
    // An abandoned run refuses late heartbeats, metrics and completion, saying why.
    const late = await req('POST', `/api/runs/${quiet}/heartbeat`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('run_not_running');
    expect(late.body.error.message).toMatch(/failed \(abandoned/);
    expect(
      (await req('POST', `/api/runs/${quiet}/metrics`, { points: [{ epoch: 1, name: 'loss', value: 1 }] }))
        .status,
    ).toBe(409);
    // The dashboard list shows it failed at once (read cache invalidated).
    const failed = await req('GET', '/api/runs?status=failed&q=closed%20tab');
    expect(failed.body.runs.map((r: { id: string }) => r.id)).toContain(quiet);

    // Later still, the other two lapse too; a reaped run is never reaped twice.
    const later = await reapAbandonedRuns(t.ctx, new Date(Date.now() + LEASE_MS + 1000));
    expect(later.sort()).toEqual([beating, posting].sort());
    expect(await reapAbandonedRuns(t.ctx, new Date(Date.now() + 10 * LEASE_MS))).toEqual([]);
  });

  it('refuses heartbeats for server runs and unknown runs', async () => {
    expect((await req('POST', '/api/runs/run_nope/heartbeat', {})).status).toBe(404);
  });

  it('serves run detail through the driver exactly as Prisma reads it', async () => {
    const id = await browserRun('hot read');
    await req('POST', `/api/runs/${id}/metrics`, {
      points: [
        { epoch: 1, name: 'loss', value: 0.9 },
        { epoch: 1, name: 'accuracy', value: 0.5 },
        { epoch: 2, name: 'loss', value: 0.7 },
        { epoch: 2, name: 'accuracy', value: 0.75 },
        { epoch: 2, step: 3, name: 'batchLoss', value: 0.1 },
      ],
    });
    await req('POST', `/api/runs/${id}/complete`, {
      weights: Buffer.from([1, 2, 3]).toString('base64'),
      finalAccuracy: 0.75,
      finalLoss: 0.7,
      epochs: 2,
      confusionMatrix: [
        [3, 1],
        [0, 4],
      ],
    });
    const viaPrisma = await t.ctx.db.run.findUnique({ where: { id } });
    const viaDriver = await t.ctx.dbHandle.reads.run(id);
    expect(viaDriver).toEqual(viaPrisma);
    const detail = await t.app.inject({ method: 'GET', url: `/api/runs/${id}`, headers: t.auth });
    expect(detail.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(detail.json()).toEqual(
      JSON.parse(
        JSON.stringify({ run: { ...runDto(viaPrisma!, true), metrics: { loss: 0.7, accuracy: 0.75 } } }),
      ),
    );
    const list = await t.app.inject({ method: 'GET', url: '/api/runs?q=hot%20read', headers: t.auth });
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(list.json()).toEqual(
      JSON.parse(
        JSON.stringify({ runs: [runDto(viaPrisma!)], total: 1, page: 1, pageSize: 50, nextCursor: null }),
      ),
    );
    expect((await req('GET', '/api/runs/run_missing')).status).toBe(404);
  });
});
