// Hostile: body types and sizes per route. Only the weights route takes binary bodies, under its own limit;
// multipart only the dataset upload; a Buffer is never walked as an object. Issue #12 item 2.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNul } from '../lib/route.js';
import { MAX_WEIGHTS_BYTES } from '../routes/runs.js';
import { multipart } from '../test/dataset-files.js';
import { createTestApp, TEST_TOKEN, type TestApp } from '../test/helpers.js';
import { httpRequest, probeHealth } from '../test/raw-http.js';

const MiB = 1024 * 1024;
const auth = { authorization: `Bearer ${TEST_TOKEN}` };

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
}

describe('request bodies per route (hostile)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  it('findNul walks JSON values only, never a Buffer', () => {
    const big = Buffer.alloc(64 * MiB);
    const typed = new Uint8Array(8 * MiB);
    const t0 = performance.now();
    expect(findNul(big, 'body')).toBeNull();
    expect(findNul(typed, 'body')).toBeNull();
    // Not walked: O(1) (walking 16 MiB entry by entry took 94 s).
    expect(performance.now() - t0).toBeLessThan(500);
    expect(findNul({ a: [1, { b: 'x\u0000' }] }, 'body')).toBe('body.a.1.b');
    expect(findNul(Object.assign(Object.create(null), { k: '\u0000' }), 'query')).toBe('query.k');
  });

  it('refuses a 16 MiB octet-stream POST to every route but the weights upload with 415, quickly', async () => {
    const body = Buffer.alloc(16 * MiB, 1);
    const probe = probeHealth(port, 50);
    const posts = t.app.apiRoutes.filter((r) => r.method === 'POST' && !r.url.endsWith('/complete'));
    expect(posts.length).toBeGreaterThanOrEqual(8);
    for (const r of posts) {
      const t0 = performance.now();
      const res = await httpRequest(port, {
        method: 'POST',
        path: r.url.replace(/:[A-Za-z]+/g, 'x1'),
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body,
      });
      expect(res.status, r.url).toBe(415);
      expect(JSON.parse(res.body).error.code).toBe('unsupported_media_type');
      expect(performance.now() - t0, r.url).toBeLessThan(3_000);
    }
    const lat = await probe.stop();
    expect(p99(lat)).toBeLessThan(1_000);
  });

  it('refuses multipart bodies outside the dataset upload with 415', async () => {
    const mp = multipart([{ name: 'a.bin', data: Buffer.alloc(1024) }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...t.auth, ...mp.headers },
      payload: mp.payload,
    });
    expect(res.statusCode).toBe(415);
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...t.auth, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(text.statusCode).toBe(415);
  });

  it('limits JSON bodies to 1 MiB (413 body_too_large)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * MiB) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });

  it('streams weights under their own limit and keeps health answering', async () => {
    const over = await httpRequest(port, {
      method: 'POST',
      path: '/api/runs/run_x/complete',
      headers: {
        ...auth,
        'content-type': 'application/octet-stream',
        'content-length': String(MAX_WEIGHTS_BYTES + 1),
      },
      body: Buffer.alloc(0),
    }).catch((e: Error) => e);
    if (!(over instanceof Error)) {
      expect(over.status).toBe(413);
      expect(JSON.parse(over.body).error.code).toBe('weights_too_large');
    }
    const probe = probeHealth(port, 50);
    const t0 = performance.now();
    const res = await httpRequest(port, {
      method: 'POST',
      path: '/api/runs/run_missing/complete',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(MAX_WEIGHTS_BYTES, 7),
    });
    const ms = performance.now() - t0;
    const lat = await probe.stop();
    expect(res.status).toBe(404); // parsed, then the run does not exist
    expect(ms).toBeLessThan(10_000);
    expect(p99(lat)).toBeLessThan(1_000);
  });
});
