// Hostile: authentication decided on the matched route, over every documented route × path encodings ×
// request-target forms × Host and Origin headers, on a real socket (app.inject normalises what an attacker
// would not). Issue #12 items 1 and 4.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequestTarget } from '../lib/request-target.js';
import { multipart } from '../test/dataset-files.js';
import { createTestApp, TEST_TOKEN, type TestApp } from '../test/helpers.js';
import { httpRequest, rawRequest } from '../test/raw-http.js';
import type { WebApp } from '../web.js';

/** Stands in for Next.js: every page is the same HTML. */
const pages: WebApp = {
  dir: '',
  handle: async (_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<html>studio page</html>');
  },
  close: async () => {},
};

/** Every documented route as a concrete path (params filled). */
function concreteRoutes(t: TestApp): { method: string; path: string; public: boolean }[] {
  return t.app.apiRoutes.map((r) => ({
    method: r.method,
    path: r.url.replace(/:[A-Za-z]+/g, 'x1'),
    public: r.public,
  }));
}

/** Spellings of `path` that a decoding router would match to the same route but that are not normalised. */
function encodings(path: string): string[] {
  const segs = path.split('/').slice(1);
  const out: string[] = [];
  segs.forEach((seg, i) => {
    const c = seg.charCodeAt(0);
    const esc = `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
    const lower = `%${c.toString(16).padStart(2, '0')}`;
    for (const e of [esc, lower]) {
      const s = [...segs];
      s[i] = e + seg.slice(1);
      out.push(`/${s.join('/')}`);
    }
  });
  const [first, ...rest] = segs;
  out.push(
    `//${segs.join('/')}`,
    `/${first}//${rest.join('/')}`,
    `/${first}/./${rest.join('/')}`,
    `/${first}/zz/../${rest.join('/')}`,
    `/${first}%2F${rest.join('/')}`,
    `/${first}%2f${rest.join('/')}`,
    `/${first}%5C${rest.join('/')}`,
    `/${first}\\${rest.join('/')}`,
    `/${first}/${rest.join('/')}%2`,
  );
  return out;
}

describe('checkRequestTarget', () => {
  it('accepts origin-form normalised paths, with needed escapes and any query', () => {
    for (const ok of ['/', '/api/runs', '/api/runs?q=%61%2F..//', '/a%20b', '/%5Bid%5D/page', '/a%25b'])
      expect(checkRequestTarget(ok), ok).toBeNull();
  });
  it('refuses other forms and spellings, naming the fix', () => {
    expect(checkRequestTarget('http://x/api/runs')?.code).toBe('invalid_request_target');
    expect(checkRequestTarget('*')?.code).toBe('invalid_request_target');
    expect(checkRequestTarget('localhost:3000')?.code).toBe('invalid_request_target');
    for (const bad of encodings('/api/runs')) {
      const p = checkRequestTarget(bad);
      expect(p?.code, bad).toBe('path_not_normalized');
      expect(p?.fix).toMatch(/normalised/);
    }
  });
});

describe.each([
  ['with the web pages', true],
  ['API only', false],
] as const)('request guard (%s)', (_label, withWeb) => {
  let t: TestApp;
  let port: number;
  let host: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite', withWeb ? { web: pages } : {});
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    host = `127.0.0.1:${port}`;
  });
  afterAll(async () => t?.close());

  it('answers every documented route without a token with 401 (health 200)', async () => {
    const routes = concreteRoutes(t);
    expect(routes.length).toBeGreaterThanOrEqual(27);
    for (const r of routes) {
      const res = await httpRequest(port, { method: r.method, path: r.path, headers: { host } });
      expect(res.status, `${r.method} ${r.path}`).toBe(r.public ? 200 : 401);
    }
  });

  it('refuses every non-normalised spelling of every route with 400, before auth and routing', async () => {
    let n = 0;
    for (const r of concreteRoutes(t)) {
      for (const path of encodings(r.path)) {
        for (const headers of [{ host }, { host, authorization: `Bearer ${TEST_TOKEN}` }]) {
          const res = await rawRequest(
            port,
            `${r.method} ${path} HTTP/1.1\r\nHost: ${headers.host}${
              'authorization' in headers ? `\r\nAuthorization: ${headers.authorization}` : ''
            }\r\nContent-Length: 0`,
          );
          expect(res.status, `${r.method} ${path}`).toBe(400);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(500);
  });

  it('refuses absolute-form, authority-form and asterisk-form request targets with 400', async () => {
    for (const r of concreteRoutes(t)) {
      for (const target of [
        `http://${host}${r.path}`,
        `http://x${r.path}`,
        `HTTP://evil.example${r.path}`,
        '*',
      ]) {
        for (const auth of ['', `\r\nAuthorization: Bearer ${TEST_TOKEN}`]) {
          const res = await rawRequest(
            port,
            `${r.method} ${target} HTTP/1.1\r\nHost: ${host}${auth}\r\nContent-Length: 0`,
          );
          expect(res.status, `${r.method} ${target}`).toBe(400);
          if (res.headers['content-type']?.includes('json'))
            expect(JSON.parse(res.body).error.code).toBe('invalid_request_target');
        }
      }
    }
  });

  it('never serves the API through the bypasses the issue found', async () => {
    const body = JSON.stringify({ name: 'owned' });
    const post = (target: string) =>
      rawRequest(
        port,
        `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`,
        body,
      );
    expect((await rawRequest(port, `GET /%61pi/projects HTTP/1.1\r\nHost: ${host}`)).status).toBe(400);
    expect((await post('/%61pi/projects')).status).toBe(400);
    expect((await rawRequest(port, `GET http://x/api/runs HTTP/1.1\r\nHost: ${host}`)).status).toBe(400);
    expect((await post(`http://${host}/api/projects`)).status).toBe(400);
    const mp = multipart([{ name: 'a.csv', data: Buffer.from('x,label\n1,a\n2,b\n') }]);
    const ds = await rawRequest(
      port,
      `POST /%61pi/datasets HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://evil.example\r\nContent-Type: ${mp.headers['content-type']}\r\nContent-Length: ${mp.payload.length}`,
      mp.payload,
    );
    expect(ds.status).toBe(400);
    expect(await t.ctx.db.project.count({ where: { name: 'owned' } })).toBe(0);
    expect(await t.ctx.db.dataset.count({ where: { kind: 'csv' } })).toBe(0);
  });

  it('answers unknown paths without a token with 401 or a page, never API data', async () => {
    const res = await httpRequest(port, { path: '/api/nope', headers: { host } });
    expect(res.status).toBe(withWeb ? 404 : 401);
  });

  it('checks Host against the studio names before serving a page or the token cookie', async () => {
    if (!withWeb) return;
    const accept = 'text/html';
    for (const h of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const ok = await httpRequest(port, { path: '/runs', headers: { host: h, accept } });
      expect(ok.status, h).toBe(200);
      expect(String(ok.headers['set-cookie'])).toContain('bnn_token=');
    }
    for (const h of [
      'evil.example',
      `evil.example:${port}`,
      'localhost:1',
      `localhost.evil.example:${port}`,
    ]) {
      const bad = await httpRequest(port, { path: '/runs', headers: { host: h, accept } });
      expect(bad.status, h).toBe(421);
      expect(bad.headers['set-cookie']).toBeUndefined();
      expect(JSON.parse(bad.body).error.code).toBe('host_not_allowed');
      expect(JSON.parse(bad.body).error.fix).toMatch(/BNN_STUDIO_WEB_ORIGIN/);
    }
  });

  it('refuses the cookie with a foreign Host (DNS rebinding)', async () => {
    const cookie = `bnn_token=${TEST_TOKEN}`;
    const ok = await httpRequest(port, { path: '/api/projects', headers: { host, cookie } });
    expect(ok.status).toBe(200);
    const bad = await httpRequest(port, {
      path: '/api/projects',
      headers: { host: `evil.example:${port}`, cookie, origin: `http://evil.example:${port}` },
    });
    expect(bad.status).toBe(421);
  });

  it('needs the studio Origin (or X-BNN-Studio) on state-changing cookie requests; Bearer is exempt', async () => {
    const cookie = `bnn_token=${TEST_TOKEN}`;
    const create = (headers: Record<string, string>) =>
      httpRequest(port, {
        method: 'POST',
        path: '/api/projects',
        headers: { host, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'p' }),
      });
    for (const origin of [
      'http://evil.example',
      `http://localhost:${port + 1}`,
      `http://127.0.0.1:${port}.evil`,
      'null',
    ]) {
      const res = await create({ cookie, origin });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('origin_not_allowed');
    }
    const none = await create({ cookie });
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body).error.code).toBe('origin_required');
    expect(JSON.parse(none.body).error.fix).toMatch(/X-BNN-Studio/);
    expect((await create({ cookie, origin: `http://127.0.0.1:${port}` })).status).toBe(201);
    expect((await create({ cookie, origin: `http://localhost:${port}` })).status).toBe(201);
    expect((await create({ cookie, 'x-bnn-studio': '1' })).status).toBe(201);
    // A token holder may call from anywhere.
    expect(
      (
        await create({
          authorization: `Bearer ${TEST_TOKEN}`,
          host: 'studio.lan:9',
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(201);
    // A wrong Bearer is not rescued by a valid cookie.
    expect((await create({ authorization: 'Bearer nope', cookie, 'x-bnn-studio': '1' })).status).toBe(401);
    // Cross-port multipart upload with the cookie (the issue's CSRF) is refused before the body is read.
    const mp = multipart([{ name: 'a.csv', data: Buffer.from('x,label\n1,a\n2,b\n') }]);
    const up = await httpRequest(port, {
      method: 'POST',
      path: '/api/datasets',
      headers: { host, cookie, origin: `http://localhost:${port + 1}`, ...mp.headers },
      body: mp.payload,
    });
    expect(up.status).toBe(403);
  });
});

describe('rate limits follow the matched route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { BNN_STUDIO_RATE_LIMIT: '5' } });
  });
  afterAll(async () => t?.close());

  it('counts every authenticated route; encoded spellings are refused, not exempt', async () => {
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ url: '/api/projects', headers: t.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/%61pi/projects', headers: t.auth })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/projects', headers: t.auth })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/api/runs', headers: t.auth })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
