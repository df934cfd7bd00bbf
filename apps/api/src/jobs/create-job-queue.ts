import type { AppContext, JobQueue } from '../context.js';
import { createLocalQueue } from './local-queue.js';
import { createPgBossQueue } from './pgboss-queue.js';
import type { TrainExecutor } from './thread-executor.js';

/** SQLite: in-process thread pool. Postgres: pg-boss (this process works jobs too unless workers is 0). */
export async function createJobQueue(
  ctx: AppContext,
  opts: { workers: number; executor?: TrainExecutor; leaseMs?: number; log?: (msg: string) => void },
): Promise<JobQueue> {
  return ctx.config.provider === 'postgresql' ? createPgBossQueue(ctx, opts) : createLocalQueue(ctx, opts);
}
