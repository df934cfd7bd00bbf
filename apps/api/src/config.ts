import { isAbsolute, resolve } from 'node:path';

export type Provider = 'sqlite' | 'postgresql';

export interface StudioConfig {
  dataDir: string;
  provider: Provider;
  /** SQLite file path or Postgres URL. */
  databaseUrl: string;
  port: number;
  host: string;
  /** Origin allowed by CORS besides same-origin requests. */
  webOrigin: string | undefined;
  /** Training worker threads in this process (0 = none; only with Postgres and external workers). */
  workers: number;
  maxUploadBytes: number;
  /** Largest `.tflite` POST /api/imports and `bnn-studio import` take (413 above). */
  maxImportBytes: number;
  /** Source pixels (width × height) an image-folder upload may hold in total; checked before decoding. */
  maxUploadPixels: number;
  /** Source pixels of one uploaded image. */
  maxImagePixels: number;
  rateLimitPerMinute: number;
  /** Estimated training memory a run's batch may need (activations × batch); larger batches are refused. */
  maxTrainMemoryBytes: number;
  /** SQLite busy timeout: how long a statement waits for another connection's lock (ms). */
  sqliteBusyMs: number;
  /** Training jobs retry transient database errors (busy, connection lost) for this long before giving up (ms). */
  dbRetryMs: number;
  /** A browser run with no metrics or heartbeat for this long is failed as abandoned (ms). */
  browserLeaseMs: number;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<StudioConfig> = {},
): StudioConfig {
  const dataDir = resolve(env.BNN_STUDIO_DATA ?? './data');
  const url = env.DATABASE_URL;
  const isPg = !!url && /^postgres(ql)?:\/\//.test(url);
  const port = Number(env.PORT ?? 3000);
  const sqlitePath = url?.startsWith('file:') ? url.slice(5) : undefined;
  return {
    dataDir,
    provider: isPg ? 'postgresql' : 'sqlite',
    databaseUrl: isPg
      ? url!
      : sqlitePath
        ? isAbsolute(sqlitePath)
          ? sqlitePath
          : resolve(sqlitePath)
        : resolve(dataDir, 'studio.db'),
    port: Number.isFinite(port) ? port : 3000,
    // Loopback unless asked: the studio hands its token cookie to local browsers (HOST=0.0.0.0 serves the LAN).
    host: env.HOST ?? '127.0.0.1',
    webOrigin: env.BNN_STUDIO_WEB_ORIGIN,
    workers: env.BNN_STUDIO_WORKERS !== undefined ? Number(env.BNN_STUDIO_WORKERS) : 1,
    maxUploadBytes: Number(env.BNN_STUDIO_MAX_UPLOAD_BYTES ?? 200 * 1024 * 1024),
    maxImportBytes: Number(env.BNN_STUDIO_MAX_IMPORT_BYTES ?? 32 * 1024 * 1024),
    maxUploadPixels: Number(env.BNN_STUDIO_MAX_UPLOAD_PIXELS ?? 256_000_000),
    maxImagePixels: Number(env.BNN_STUDIO_MAX_IMAGE_PIXELS ?? 4096 * 4096),
    rateLimitPerMinute: Number(env.BNN_STUDIO_RATE_LIMIT ?? 6000),
    maxTrainMemoryBytes: Number(env.BNN_STUDIO_MAX_TRAIN_MEMORY_BYTES ?? 1.5 * 2 ** 30),
    sqliteBusyMs: Number(env.BNN_STUDIO_SQLITE_BUSY_MS ?? 10_000),
    dbRetryMs: Number(env.BNN_STUDIO_DB_RETRY_MS ?? 300_000),
    browserLeaseMs: Number(env.BNN_STUDIO_BROWSER_LEASE_MS ?? 120_000),
    ...overrides,
  };
}
