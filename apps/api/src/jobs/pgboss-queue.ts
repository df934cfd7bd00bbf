// Postgres mode: training jobs go through pg-boss, so any number of `bnn-studio worker` processes on any machines
// share them. Retries with exponential back-off come from pg-boss. A worker killed mid-training (SIGKILL) stops
// heartbeating its run; the reaper in every other worker re-queues the run after the lease expires, and the next
// job resumes it from its last checkpoint (see run-training-job.ts for the exactly-once argument).
import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import type { AppContext, JobQueue } from '../context.js';
import { runTrainingJob } from './run-training-job.js';
import { type TrainExecution, type TrainExecutor, threadExecutor } from './thread-executor.js';

export const TRAIN_QUEUE = 'bnn-studio-train';

export interface PgBossQueueOptions {
  /** Concurrent training jobs in this process (0 = only enqueue). */
  workers: number;
  executor?: TrainExecutor;
  leaseMs?: number;
  log?: (msg: string) => void;
}

export async function createPgBossQueue(ctx: AppContext, opts: PgBossQueueOptions): Promise<JobQueue> {
  const leaseMs = opts.leaseMs ?? Number(process.env.BNN_STUDIO_LEASE_MS ?? 30_000);
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const boss = new PgBoss({
    connectionString: ctx.config.databaseUrl,
    schema: 'pgboss',
    max: 4,
    supervise: true,
    schedule: false,
  });
  boss.on('error', (err) => opts.log?.(`pg-boss: ${err.message}`));
  await boss.start();
  await boss.createQueue(TRAIN_QUEUE, {
    name: TRAIN_QUEUE,
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    // Long enough for any epoch; crashed workers are detected earlier by the run lease (reaper below).
    expireInSeconds: 6 * 3600,
  });

  let closing = false;
  const running = new Map<string, TrainExecution>();
  const send = (runId: string) => boss.send(TRAIN_QUEUE, { runId });

  const workIds: string[] = [];
  for (let i = 0; i < opts.workers; i++) {
    workIds.push(
      await boss.work<{ runId: string }>(
        TRAIN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 1 },
        async ([job]) => {
          if (!job) return;
          const runId = job.data.runId;
          if (closing) throw new Error('worker shutting down');
          const outcome = await runTrainingJob(ctx, runId, {
            workerId,
            leaseMs,
            executor: opts.executor ?? threadExecutor,
            isShuttingDown: () => closing,
            log: opts.log,
            onStart: (exec) => running.set(runId, exec),
          }).finally(() => running.delete(runId));
          if (outcome === 'requeued') await send(runId);
          opts.log?.(`[${runId}] ${outcome}`);
          return { outcome };
        },
      ),
    );
  }

  // Reaper: runs whose worker stopped heartbeating go back to the queue.
  const reap = async () => {
    const stale = new Date(Date.now() - leaseMs);
    const dead = await ctx.db.run.findMany({
      where: { location: 'server', status: 'running', heartbeatAt: { lt: stale } },
      select: { id: true, heartbeatAt: true, workerId: true },
      take: 50,
    });
    for (const r of dead) {
      const n = await ctx.runs.update(
        { id: r.id, status: 'running', heartbeatAt: r.heartbeatAt },
        { status: 'queued', workerId: null, heartbeatAt: null },
      );
      if (n === 1) {
        opts.log?.(`[${r.id}] worker ${r.workerId} stopped heartbeating; re-queued`);
        await send(r.id);
      }
    }
  };
  const reaper =
    opts.workers > 0
      ? setInterval(
          () => void reap().catch((e: Error) => opts.log?.(`reaper: ${e.message}`)),
          Math.max(250, leaseMs / 2),
        )
      : undefined;

  return {
    kind: 'pg-boss',
    enqueue: async (runId) => {
      const id = await send(runId);
      if (!id) throw new Error('pg-boss did not create the job');
    },
    cancel: async (runId) => {
      running.get(runId)?.stop();
    },
    close: async () => {
      closing = true;
      if (reaper) clearInterval(reaper);
      for (const exec of running.values()) exec.stop();
      for (const id of workIds) await boss.offWork({ id }).catch(() => {});
      const deadline = Date.now() + 20_000;
      while (running.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      for (const exec of running.values()) await exec.kill();
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => {});
    },
  };
}
