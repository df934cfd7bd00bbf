// Applies the committed Prisma migrations (prisma/<provider>/migrations) through the WASM schema engine.
// Idempotent: applied migrations are recorded in _prisma_migrations.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Provider } from '../config.js';
import { PRISMA_ROOT } from '../lib/paths.js';
import { pgAdapter, sqliteAdapter } from './client.js';
import { NO_FILTER, openSchemaEngine, readMigrations } from './schema-engine.js';

export function migrationsDir(provider: Provider): string {
  return join(PRISMA_ROOT, provider === 'sqlite' ? 'sqlite' : 'postgres', 'migrations');
}

/** Names of committed migrations not yet recorded as finished in _prisma_migrations (cheap read-only check). */
export async function pendingMigrations(provider: Provider, url: string): Promise<string[]> {
  const names = readMigrations(migrationsDir(provider)).migrationDirectories.map((d) => d.path);
  let applied: string[] = [];
  const sql =
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';
  if (provider === 'sqlite') {
    if (!existsSync(url)) return names;
    const db = new Database(url, { readonly: true, timeout: 10_000 });
    try {
      const hasTable = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_prisma_migrations'")
        .get();
      if (hasTable)
        applied = (db.prepare(sql).all() as { migration_name: string }[]).map((r) => r.migration_name);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const exists = await client.query("SELECT to_regclass('_prisma_migrations') AS t");
      if (exists.rows[0]?.t)
        applied = (await client.query(sql)).rows.map((r: { migration_name: string }) => r.migration_name);
    } finally {
      await client.end();
    }
  }
  const done = new Set(applied);
  return names.filter((n) => !done.has(n));
}

export async function migrateDatabase(provider: Provider, url: string): Promise<{ applied: string[] }> {
  if (provider === 'sqlite') mkdirSync(dirname(url), { recursive: true });
  // Fast path (every start after the first): nothing to apply. This also lets a CLI command or a worker open a
  // SQLite database that a running server holds; the schema engine itself takes an exclusive lock.
  if ((await pendingMigrations(provider, url)).length === 0) return { applied: [] };
  const factory = provider === 'sqlite' ? sqliteAdapter(url) : pgAdapter(url, 2);
  // Track the connections the engine opens so they are closed when we are done (engine.free() does not).
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const a = await factory.connect();
      opened.push(a);
      return a;
    },
    connectToShadowDb: async () => {
      const a = await factory.connectToShadowDb();
      opened.push(a);
      return a;
    },
  };
  const engine = await openSchemaEngine(tracked);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: readMigrations(migrationsDir(provider)),
      filters: NO_FILTER,
    });
    return { applied: appliedMigrationNames };
  } catch (err) {
    const busy = /SocketTimeout|SQLITE_BUSY|locked/i.test(describe(err));
    throw new Error(
      `migrate: applying ${provider} migrations failed: ${busy ? 'the database is in use by another process' : describe(err)}.` +
        (busy ? ' Stop other bnn-studio processes using it, then run `bnn-studio migrate`.' : ''),
    );
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
