// One Prisma client type for the app: both generated clients come from the same models (prisma/models.prisma),
// so the SQLite client's type describes the Postgres one too.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Provider } from '../config.js';
import { PrismaClient as PostgresClient } from '../generated/postgres/client.js';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import { type HotReads, openHotReads } from './hot-reads.js';

export type Db = InstanceType<typeof SqliteClient>;
/** A transaction client or the root client: repositories accept either. */
export type DbTx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
export { Prisma } from '../generated/sqlite/client.js';

export interface DbHandle {
  db: Db;
  provider: Provider;
  /** Driver-level reads for the hot dashboard routes (see hot-reads.ts). */
  reads: HotReads;
  close(): Promise<void>;
}

export function sqliteAdapter(file: string, busyMs = 10_000) {
  return new PrismaBetterSqlite3({ url: file, timeout: busyMs });
}

export function pgAdapter(url: string, max = 10) {
  return new PrismaPg({ connectionString: url, max });
}

export async function openDb(provider: Provider, url: string, sqliteBusyMs = 10_000): Promise<DbHandle> {
  let db: Db;
  if (provider === 'sqlite') {
    mkdirSync(dirname(url), { recursive: true });
    db = new SqliteClient({ adapter: sqliteAdapter(url, sqliteBusyMs) });
    // WAL: readers never block the writer; NORMAL sync is durable across process crashes in WAL mode.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  } else {
    db = new PostgresClient({ adapter: pgAdapter(url) }) as unknown as Db;
  }
  await db.$connect();
  const reads = openHotReads(provider, url);
  return {
    db,
    provider,
    reads,
    close: async () => {
      await reads.close();
      await db.$disconnect();
    },
  };
}
