// Test harness: the real app on a real SQLite file or a real Postgres database (a fresh database per call,
// created in the server named by BNN_TEST_DATABASE_URL), driven through app.inject.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.js';
import { loadConfig, type Provider } from '../config.js';
import { type AppContext, closeContext, openContext } from '../context.js';
import type { WebApp } from '../web.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Providers to test. Postgres is required unless BNN_SKIP_POSTGRES=1: a missing server fails loudly. */
export function testProviders(): Provider[] {
  if (process.env.BNN_SKIP_POSTGRES === '1') return ['sqlite'];
  return ['sqlite', 'postgresql'];
}

export function postgresUrlOrFail(): string {
  const url = process.env.BNN_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'Postgres tests need BNN_TEST_DATABASE_URL=postgres://... (npm test starts a throw-away server and sets it). ' +
        'To run them by hand: start Postgres 15 (see apps/api/API.md "Tests"), export BNN_TEST_DATABASE_URL, or set ' +
        'BNN_SKIP_POSTGRES=1 to run the SQLite half only.',
    );
  }
  return url;
}

/** Creates an empty database on the test server and returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = postgresUrlOrFail();
  const name = `bnn_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  auth: { authorization: string };
  close(): Promise<void>;
}

export async function createTestApp(
  provider: Provider,
  opts: { env?: Record<string, string>; setup?: (ctx: AppContext) => Promise<void>; web?: WebApp } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bnn-api-test-'));
  const pgDb = provider === 'postgresql' ? await createPostgresDatabase() : undefined;
  const env: NodeJS.ProcessEnv = {
    BNN_STUDIO_DATA: dataDir,
    BNN_STUDIO_TOKEN: TEST_TOKEN,
    BNN_STUDIO_RATE_LIMIT: '100000',
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
    ...opts.env,
  };
  const saved = process.env.BNN_STUDIO_TOKEN;
  process.env.BNN_STUDIO_TOKEN = TEST_TOKEN;
  const ctx = await openContext(loadConfig(env));
  if (saved === undefined) delete process.env.BNN_STUDIO_TOKEN;
  else process.env.BNN_STUDIO_TOKEN = saved;
  await opts.setup?.(ctx);
  const app = await buildApp(ctx, { web: opts.web });
  checkResponsesAgainstContract(app);
  await app.ready();
  return {
    app,
    ctx,
    dataDir,
    auth: { authorization: `Bearer ${TEST_TOKEN}` },
    close: async () => {
      await app.close();
      await closeContext(ctx);
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every 2xx JSON answer of the test app is parsed with the response schema its route declares (contract/*.ts,
 * which the web parses with too); a mismatch fails the request with 500 and prints the zod issues, so every API
 * test also checks the contract.
 */
export function checkResponsesAgainstContract(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 200 || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    const route = app.apiRoutes.find((r) => r.method === req.method && r.url === req.routeOptions.url);
    if (!route?.response) return payload;
    const parsed = route.response.safeParse(JSON.parse(payload));
    if (!parsed.success) {
      const message = `${req.method} ${route.url} answered a body its contract refuses: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`;
      console.error(message);
      throw new Error(message);
    }
    return payload;
  });
}
