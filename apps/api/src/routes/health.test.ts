import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

describe.each(testProviders())('health and auth (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());

  it('reports the database without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: { ok: true, provider },
      version: expect.any(String),
    });
  });

  it('refuses other routes without the token, naming the fix', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
    expect(res.json().error.fix).toMatch(/Bearer/);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('accepts the bearer token and the bnn_token cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    expect(res.json().paths['/api/health'].get).toBeDefined();
    const viaCookie = await t.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { cookie: `other=1; bnn_token=${t.auth.authorization.slice(7)}` },
    });
    expect(viaCookie.statusCode).toBe(200);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: t.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('limits CORS to the studio origin', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'http://localhost:3000' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const evil = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'http://evil.example' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
