// Property-based fuzzing of every JSON route through app.inject: any body, params or query gives a 2xx or a 4xx
// with a useful message (never a 5xx), and a refused request leaves every table unchanged (no half-written rows).
import { getPreset } from '@bnn-studio/bnn-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

const graph = getPreset('mnist-tiny');
const config = { epochs: 1, batchSize: 8, seed: 1, optimizer: { id: 'adam' } };

/** Valid bodies with one field replaced by anything, or anything at all. */
function nearly(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.jsonValue(),
    fc
      .record({ key: fc.constantFrom(...keys, '__proto__', 'constructor', 'extra'), value: fc.jsonValue() })
      .map(({ key, value }) => {
        const copy: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
        copy[key] = value;
        return copy;
      }),
    fc.constantFrom(...keys).map((k) => {
      const copy: Record<string, unknown> = { ...valid };
      delete copy[k];
      return copy;
    }),
  );
}

describe.each(testProviders())('fuzzing JSON routes (%s)', (provider) => {
  let t: TestApp;
  let ids: { run: string; arch: string; version: string; browserRun: string };
  const runs = provider === 'sqlite' ? 40 : 20;

  beforeAll(async () => {
    t = await createTestApp(provider);
    const a = await t.app.inject({
      method: 'POST',
      url: '/api/architectures',
      headers: t.auth,
      payload: { name: 'fuzz', graph },
    });
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        architectureVersionId: a.json().version.id,
        datasetId: 'mnist',
        config,
        location: 'browser',
      },
    });
    ids = {
      run: r.json().run.id,
      arch: a.json().architecture.id,
      version: a.json().version.id,
      browserRun: r.json().run.id,
    };
  });
  afterAll(async () => t?.close());

  const counts = async () => {
    const db = t.ctx.db;
    return Promise.all([
      db.project.count(),
      db.architecture.count(),
      db.architectureVersion.count(),
      db.run.count(),
      db.metricPoint.count(),
      db.artifact.count(),
      db.dataset.count(),
    ]);
  };

  const check = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const before = await counts();
    const res = await t.app.inject({
      method,
      url,
      headers: { ...t.auth, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
    expect(
      res.statusCode,
      `${method} ${url} ${JSON.stringify(payload)?.slice(0, 200)} → ${res.body.slice(0, 300)}`,
    ).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const body = res.json();
      expect(typeof body.error.code).toBe('string');
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(await counts()).toEqual(before);
    }
    return res;
  };

  const anyId = fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.constantFrom('mnist', '..%2F..%2Fetc', '%00', 'run_x'),
  );
  const seg = (s: string) => encodeURIComponent(s) || 'x';

  it('POST /api/projects', async () => {
    await fc.assert(
      fc.asyncProperty(
        nearly({ name: 'p', description: 'd' }),
        async (b) => void (await check('POST', '/api/projects', b)),
      ),
      { numRuns: runs },
    );
  });

  it('POST /api/architectures and /versions', async () => {
    await fc.assert(
      fc.asyncProperty(nearly({ name: 'a', graph: { ...graph } }), async (b) => {
        await check('POST', '/api/architectures', b);
        await check('POST', `/api/architectures/${ids.arch}/versions`, b);
      }),
      { numRuns: runs },
    );
  });

  it('POST /api/runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        nearly({ architectureVersionId: ids.version, datasetId: 'mnist', config, location: 'browser' }),
        async (b) => {
          await check('POST', '/api/runs', b);
        },
      ),
      { numRuns: runs },
    );
  });

  it('POST /api/runs/:id/metrics and /complete (JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(
        nearly({ points: [{ epoch: 1, name: 'loss', value: 1 }] }),
        nearly({ weights: 'AAAA', finalAccuracy: 0.5 }),
        async (m, c) => {
          await check('POST', `/api/runs/${ids.browserRun}/metrics`, m);
          const res = await check('POST', `/api/runs/${ids.run}/complete`, {
            ...(c as object),
            weights: undefined,
          });
          expect(res.statusCode).toBe(400);
        },
      ),
      { numRuns: runs },
    );
  });

  it('POST /api/runs/:id/exports and cancel', async () => {
    await fc.assert(
      fc.asyncProperty(nearly({ target: 'bnn' }), anyId, async (b, id) => {
        await check('POST', `/api/runs/${seg(id)}/exports`, b);
        await check('POST', `/api/runs/${seg(id)}/cancel`, {});
      }),
      { numRuns: runs },
    );
  });

  it('GET routes with any id and query', async () => {
    const query = fc.dictionary(
      fc.constantFrom('status', 'q', 'sort', 'order', 'page', 'pageSize', 'location', 'after'),
      fc.string({ maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(anyId, query, async (id, q) => {
        const qs = new URLSearchParams(q).toString();
        await check('GET', `/api/runs?${qs}`);
        for (const path of ['runs', 'architectures', 'architecture-versions', 'datasets', 'artifacts'])
          await check('GET', `/api/${path}/${seg(id)}`);
        await check('GET', `/api/runs/${seg(id)}/metrics?${qs}`);
        await check('GET', `/api/artifacts/${seg(id)}/download`);
        await check('DELETE', `/api/runs/${seg(id)}x`);
      }),
      { numRuns: runs },
    );
  });

  it('malformed JSON and wrong content types are 4xx', async () => {
    for (const payload of ['{', 'null', '[]', '"x"', '{"name": 1e999}']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    // NUL cannot be stored in Postgres text: refused up front on both providers.
    const nul = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: t.auth,
      payload: { name: 'a\u0000b' },
    });
    expect(nul.statusCode).toBe(400);
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...t.auth, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
  });
});
