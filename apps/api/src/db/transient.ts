// Transient database errors — SQLite busy/locked past the busy timeout, Postgres connection loss, restarts,
// serialization failures, pool timeouts — and a retry with exponential back-off for writes that are idempotent.

const TRANSIENT_TEXT =
  /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked|database is busy|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection (?:is )?(?:closed|lost|terminated)|Can't reach database server|server closed the connection|Timed out fetching a new connection|terminating connection|the database system is (?:starting up|shutting down|in recovery mode)|Operations timed out|SocketTimeout|DatabaseNotReachable|TransactionWriteConflict|could not serialize access|deadlock detected/i;

/** Prisma error codes for unreachable servers, timeouts, closed connections, pool timeouts, write conflicts. */
const TRANSIENT_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034']);
/** Postgres SQLSTATEs: connection exceptions (08…), admin shutdown / cannot connect now (57P0x), too many
 *  connections (53300), serialization failure (40001), deadlock (40P01). */
const TRANSIENT_SQLSTATE = /^(08\d{3}|57P0[123]|53300|40001|40P01)$/;

/** Walks an error's `cause` chain (driver adapter errors wrap the driver's). */
export function isTransientDbError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    kind?: unknown;
    originalCode?: unknown;
  };
  if (typeof e.code === 'string' && (TRANSIENT_PRISMA.has(e.code) || TRANSIENT_SQLSTATE.test(e.code)))
    return true;
  if (typeof e.originalCode === 'string' && TRANSIENT_SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.kind === 'string' && TRANSIENT_TEXT.test(e.kind)) return true;
  if (typeof e.code === 'string' && TRANSIENT_TEXT.test(e.code)) return true;
  if (typeof e.message === 'string' && TRANSIENT_TEXT.test(e.message)) return true;
  return isTransientDbError(e.cause, depth + 1);
}

export interface RetryOptions {
  /** Give up (rethrow) after this long in total (ms). */
  deadlineMs: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait with the attempt number and the error. */
  onRetry?: (attempt: number, err: unknown) => void;
}

/** Runs `fn` until it succeeds, retrying transient database errors with exponential back-off until the deadline. */
export async function retryTransient<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const end = Date.now() + opts.deadlineMs;
  let delay = opts.firstDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientDbError(err) || Date.now() + delay > end) throw err;
      opts.onRetry?.(attempt, err);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(opts.maxDelayMs ?? 2_000, delay * 2);
    }
  }
}
