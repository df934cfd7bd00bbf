// Hostile minors of issue #12: malformed multipart and NUL in multipart names (both databases), database outage
// answers 503 database_unavailable, batch sizes bounded by the model, finite server timeouts, and a 503 from run
// creation that keeps the queue's internal text in the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, SERVER_LIMITS } from '../app.js';
import { loadConfig } from '../config.js';
import { closeContext, openContext } from '../context.js';
import { multipart } from '../test/dataset-files.js';
import { createTestApp, TEST_TOKEN, type TestApp, testProviders } from '../test/helpers.js';
import { startThrowawayPostgres } from '../test/pg-server.js';

const csv = Buffer.from('x,label\n1,a\n2,b\n3,a\n4,b\n');

describe.each(testProviders())('multipart bodies (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());

  const post = (payload: Buffer, contentType: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/datasets',
      headers: { ...t.auth, 'content-type': contentType },
      payload,
    });

  it('answers malformed multipart bodies with 400 invalid_request', async () => {
    const good = multipart([{ name: 'a.csv', data: csv }]);
    const cases: [Buffer, string][] = [
      [good.payload, 'multipart/form-data; boundary=not-the-boundary'],
      [good.payload, 'multipart/form-data'],
      [good.payload.subarray(0, good.payload.length - 30), good.headers['content-type']],
      [
        Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n1,2'),
        'multipart/form-data; boundary=x',
      ],
    ];
    for (const [payload, ct] of cases) {
      const res = await post(payload, ct);
      expect(res.statusCode, `${ct}: ${res.body}`).toBe(400);
      expect(['invalid_request', 'no_file']).toContain(res.json().error.code);
    }
    expect(await t.ctx.db.dataset.count({ where: { kind: 'csv' } })).toBe(0);
  });

  it('refuses NUL in a multipart filename, field name or field value with 400 invalid_characters', async () => {
    const bodies = [
      multipart([{ name: 'a\u0000.csv', data: csv }]),
      multipart([{ name: 'a.csv', data: csv }], { 'na\u0000me': 'x' }),
      multipart([{ name: 'a.csv', data: csv }], { name: 'evil\u0000name' }),
      multipart([{ name: 'a.csv', data: csv, field: 'fi\u0000le' }]),
    ];
    for (const b of bodies) {
      const res = await post(b.payload, b.headers['content-type']);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('invalid_characters');
    }
    expect(await t.ctx.db.dataset.count({ where: { kind: 'csv' } })).toBe(0);
  });
});

describe('run creation refusals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', {
      setup: async (ctx) => {
        ctx.jobs = {
          kind: 'local',
          enqueue: async () => {
            throw new Error('pg-boss: relation "pgboss.job" at 10.0.0.7:5432 password=hunter2');
          },
          cancel: async () => {},
          close: async () => {},
        };
      },
    });
  });
  afterAll(async () => t?.close());

  const create = (batchSize: number) =>
    t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph: getPreset('mnist-tiny'),
        datasetId: 'mnist',
        location: 'server',
        config: { epochs: 1, batchSize, seed: 1, optimizer: { id: 'adam' } },
      },
    });

  it('bounds batchSize by the memory the model needs, up front, naming the batch that fits', async () => {
    const res = await create(4096);
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('batch_too_large');
    expect(err.fix).toMatch(/batchSize ≤ \d+/);
    expect(err.details.maxBatchSize).toBeGreaterThanOrEqual(256);
    expect(err.details.maxBatchSize).toBeLessThan(4096);
    expect(await t.ctx.db.run.count()).toBe(0);
  });

  it('answers a queue failure with 503 and no internal text', async () => {
    const res = await create(32);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('queue_unavailable');
    expect(res.body).not.toMatch(/pg-boss|hunter2|10\.0\.0\.7|relation/);
    expect(await t.ctx.db.run.count()).toBe(0);
  });

  it('sets finite request, header and idle timeouts', () => {
    const s = t.app.server;
    expect(s.requestTimeout).toBe(SERVER_LIMITS.requestTimeoutMs);
    expect(s.headersTimeout).toBe(SERVER_LIMITS.headersTimeoutMs);
    expect(s.timeout).toBe(SERVER_LIMITS.connectionTimeoutMs);
    for (const v of [s.requestTimeout, s.headersTimeout, s.timeout]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(10 * 60_000);
    }
  });
});

describe.skipIf(process.env.BNN_SKIP_POSTGRES === '1')('database outage (postgresql)', () => {
  it('answers list and get routes with 503 database_unavailable while Postgres is down', async () => {
    const pg = await startThrowawayPostgres();
    const dataDir = mkdtempSync(join(tmpdir(), 'bnn-api-outage-'));
    const saved = process.env.BNN_STUDIO_TOKEN;
    process.env.BNN_STUDIO_TOKEN = TEST_TOKEN;
    const ctx = await openContext(
      loadConfig({ BNN_STUDIO_DATA: dataDir, DATABASE_URL: pg.url, BNN_STUDIO_RATE_LIMIT: '100000' }),
    );
    if (saved === undefined) delete process.env.BNN_STUDIO_TOKEN;
    else process.env.BNN_STUDIO_TOKEN = saved;
    const app = await buildApp(ctx);
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    try {
      const urls = ['/api/runs', '/api/projects', '/api/datasets', '/api/runs/run_x'];
      for (const url of urls)
        expect((await app.inject({ url, headers: auth })).statusCode, url).toBeLessThan(500);
      pg.stop();
      await new Promise((r) => setTimeout(r, 1_100)); // past the 1 s read cache
      for (const url of [...urls, '/api/runs?sort=name&q=zz']) {
        const res = await app.inject({ url, headers: auth });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(503);
        expect(res.json().error.code).toBe('database_unavailable');
        expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
      }
      expect((await app.inject({ url: '/api/health' })).statusCode).toBe(503);
    } finally {
      await app.close();
      await Promise.race([closeContext(ctx).catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
