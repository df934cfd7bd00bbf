// Default job queue: an in-process pool of training threads over the runs table (status 'queued' is the queue).
// At start, runs left 'running' by a previous process are resumed from their last checkpoint.
import { hostname } from 'node:os';
import type { AppContext, JobQueue } from '../context.js';
import { type JobRunOptions, runTrainingJob } from './run-training-job.js';
import { type TrainExecution, type TrainExecutor, threadExecutor } from './thread-executor.js';

export interface LocalQueueOptions {
  workers: number;
  executor?: TrainExecutor;
  leaseMs?: number;
  log?: (msg: string) => void;
}

export async function createLocalQueue(ctx: AppContext, opts: LocalQueueOptions): Promise<JobQueue> {
  const workerId = `${hostname()}:${process.pid}:local`;
  const pending: string[] = [];
  const running = new Map<string, { exec?: TrainExecution; promise: Promise<unknown> }>();
  let closing = false;

  const jobOptions = (runId: string): JobRunOptions => ({
    workerId,
    leaseMs: opts.leaseMs ?? 30_000,
    executor: opts.executor ?? threadExecutor,
    isShuttingDown: () => closing,
    log: opts.log,
    onStart: (exec) => {
      const slot = running.get(runId);
      if (slot) slot.exec = exec;
    },
  });

  // A job that gave its run back (database trouble, lost lease) is enqueued again after a back-off, so the run is
  // not stranded `queued` until the next start. After MAX_REQUEUES in a row it waits for the next start.
  const requeues = new Map<string, number>();
  const MAX_REQUEUES = 5;
  const requeueLater = (runId: string) => {
    const n = (requeues.get(runId) ?? 0) + 1;
    requeues.set(runId, n);
    if (n > MAX_REQUEUES) {
      opts.log?.(
        `[${runId}] gave up re-enqueueing after ${MAX_REQUEUES} attempts; it resumes at the next start`,
      );
      return;
    }
    setTimeout(
      () => {
        if (closing) return;
        pending.push(runId);
        pump();
      },
      Math.min(60_000, 1_000 * 2 ** (n - 1)),
    ).unref();
  };

  const pump = () => {
    while (!closing && running.size < opts.workers && pending.length) {
      const runId = pending.shift()!;
      if (running.has(runId)) continue;
      const promise = runTrainingJob(ctx, runId, jobOptions(runId))
        .then((outcome) => {
          if (outcome === 'requeued' && !closing) requeueLater(runId);
          else requeues.delete(runId);
        })
        .catch((err: unknown) => {
          opts.log?.(`[${runId}] job error: ${(err as Error).message}`);
          if (!closing) requeueLater(runId);
        })
        .finally(() => {
          running.delete(runId);
          pump();
        });
      running.set(runId, { promise });
    }
  };

  // Resume what a previous process left behind (single process owns a SQLite database).
  const leftovers = await ctx.db.run.findMany({
    where: { location: 'server', status: { in: ['queued', 'running'] } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true },
  });
  for (const r of leftovers) {
    if (r.status === 'running')
      await ctx.runs.update(
        { id: r.id, status: 'running' },
        { status: 'queued', workerId: null, heartbeatAt: null },
      );
    pending.push(r.id);
  }
  pump();

  return {
    kind: 'local',
    enqueue: async (runId) => {
      if (opts.workers <= 0) return;
      pending.push(runId);
      pump();
    },
    cancel: async (runId) => {
      const i = pending.indexOf(runId);
      if (i >= 0) pending.splice(i, 1);
      running.get(runId)?.exec?.stop();
    },
    close: async () => {
      closing = true;
      pending.length = 0;
      for (const slot of running.values()) slot.exec?.stop();
      const all = Promise.all([...running.values()].map((s) => s.promise));
      const timeout = new Promise((r) => setTimeout(r, 20_000).unref());
      await Promise.race([all, timeout]);
      for (const slot of running.values()) await slot.exec?.kill();
      // Anything still marked running by us goes back to the queue (resumed from its checkpoint next start).
      await ctx.db.run
        .updateMany({
          where: { workerId, status: 'running' },
          data: { status: 'queued', workerId: null, heartbeatAt: null },
        })
        .catch(() => {});
    },
  };
}
