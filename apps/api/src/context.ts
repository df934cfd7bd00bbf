// Everything a service needs, built once per process: config, database, artifact store, access token, job queue.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { StudioConfig } from './config.js';
import { type Db, type DbHandle, openDb } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { ArtifactStore } from './lib/artifact-store.js';
import { ReadCache } from './lib/read-cache.js';
import { loadOrCreateToken } from './lib/token.js';
import { ensureBuiltinDatasets } from './services/datasets/ensure-builtin-datasets.js';
import { RunsRepository } from './services/runs/runs-repository.js';

export interface JobQueue {
  readonly kind: 'local' | 'pg-boss' | 'none';
  /** Queue a server training run. */
  enqueue(runId: string): Promise<void>;
  /** Ask a running job to stop (cancel). */
  cancel(runId: string): Promise<void>;
  /** Stop taking jobs; running ones are finished or re-queued. */
  close(): Promise<void>;
}

export interface AppContext {
  config: StudioConfig;
  db: Db;
  dbHandle: DbHandle;
  store: ArtifactStore;
  token: string;
  tokenCreated: boolean;
  jobs: JobQueue;
  version: string;
  /** In-process events (`log:<runId>`), e.g. training logs for SSE. */
  bus: EventEmitter;
  /** Micro-cache of run reads; only `runs` writes invalidate it. */
  cache: ReadCache;
  /** Every write to runs and their metric points (each one invalidates `cache`). */
  runs: RunsRepository;
}

export const STUDIO_VERSION = '0.1.0';

export const noJobs: JobQueue = {
  kind: 'none',
  enqueue: async () => {},
  cancel: async () => {},
  close: async () => {},
};

export async function openContext(
  config: StudioConfig,
  opts: { migrate?: boolean } = {},
): Promise<AppContext> {
  mkdirSync(config.dataDir, { recursive: true });
  if (opts.migrate !== false) await migrateDatabase(config.provider, config.databaseUrl);
  const dbHandle = await openDb(config.provider, config.databaseUrl, config.sqliteBusyMs);
  await ensureBuiltinDatasets(dbHandle.db);
  const { token, created } = loadOrCreateToken(config.dataDir);
  // SQLite: this process is the only writer (exact invalidation), so entries may live long; Postgres: workers
  // elsewhere write too, so entries expire after a second.
  const cache = new ReadCache(config.provider === 'sqlite' ? 30_000 : 1000);
  return {
    config,
    db: dbHandle.db,
    dbHandle,
    store: new ArtifactStore(config.dataDir),
    token,
    tokenCreated: created,
    jobs: noJobs,
    version: STUDIO_VERSION,
    bus: new EventEmitter().setMaxListeners(0),
    cache,
    runs: new RunsRepository(dbHandle.db, cache, config.provider),
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.close();
  await ctx.dbHandle.close();
}
