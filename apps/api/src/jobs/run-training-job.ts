// The persistence half of a server training run, shared by the in-process pool and `bnn-studio worker`.
//
// Exactly-once metrics across crashes: a job first takes a lease on the run (status running, workerId, fresh
// heartbeat). Metric points are keyed by (run, name, epoch, step) and written idempotently; checkpoints record the
// epoch they follow. A resumed job deletes points after its checkpoint's epoch before training again, so a point is
// never duplicated and, since every epoch after the checkpoint is re-run, never lost. Every write is guarded by the
// lease (workerId), so a worker that lost its lease cannot overwrite the new owner's progress.
//
// A stalled database (SQLite held by another process past the busy timeout, Postgres restarting) does not lose
// metrics: the trainer's messages are handled strictly in order, each retried on transient errors with back-off
// (`config.dbRetryMs` in total) while later messages wait in memory, so a checkpoint is never recorded ahead of the
// metric points before it. If the database stays away past the deadline, nothing further is written and the run
// goes back to the queue (the queue re-enqueues it), resuming from its last stored checkpoint.

import { join } from 'node:path';
import type { GraphSpec } from '@bnn-studio/bnn-core';
import type { AppContext } from '../context.js';
import { retryTransient } from '../db/transient.js';
import { addArchitectureVersion } from '../services/architectures/add-architecture-version.js';
import { prepareGraph } from '../services/architectures/prepare-graph.js';
import { completeRun } from '../services/runs/complete-run.js';
import { loadWeightBytes } from '../services/runs/get-run-weights.js';
import type { FromTrainer, TrainTask } from './protocol.js';
import type { TrainExecution, TrainExecutor } from './thread-executor.js';

export type JobOutcome = 'completed' | 'failed' | 'cancelled' | 'requeued' | 'skipped';

export interface JobRunOptions {
  workerId: string;
  leaseMs: number;
  executor: TrainExecutor;
  backend?: 'wasm' | 'cpu';
  /** Registers the running execution so cancel/shutdown can stop it. */
  onStart?: (exec: TrainExecution) => void;
  isShuttingDown: () => boolean;
  log?: (msg: string) => void;
}

type Ctx = Pick<AppContext, 'db' | 'store' | 'config' | 'bus' | 'runs'>;

export async function runTrainingJob(ctx: Ctx, runId: string, opts: JobRunOptions): Promise<JobOutcome> {
  const { db, store, runs } = ctx;
  const retry = <T>(what: string, fn: () => Promise<T>) =>
    retryTransient(fn, {
      deadlineMs: ctx.config.dbRetryMs,
      onRetry: (attempt, err) =>
        opts.log?.(
          `[${runId}] ${what}: database busy or unreachable (attempt ${attempt}), retrying: ${(err as Error).message?.split('\n')[0]}`,
        ),
    });
  const now = new Date();
  const staleBefore = new Date(now.getTime() - opts.leaseMs);
  const leased = await retry('lease', () =>
    runs.update(
      {
        id: runId,
        location: 'server',
        cancelRequested: false,
        OR: [
          { status: 'queued' },
          { status: 'running', heartbeatAt: { lt: staleBefore } },
          { status: 'running', heartbeatAt: null },
          { status: 'running', workerId: opts.workerId },
        ],
      },
      { status: 'running', workerId: opts.workerId, heartbeatAt: now, attempts: { increment: 1 } },
    ),
  );
  if (leased === 0) return 'skipped';
  const mine = { id: runId, workerId: opts.workerId };

  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    include: { architectureVersion: true, dataset: true },
  });
  if (!run.startedAt) await retry('start', () => runs.update(mine, { startedAt: now }));
  const startedAt = run.startedAt ?? now;
  // Postgres mode keeps checkpoints and weights in the database too (workers may be on other machines).
  const blobs = ctx.config.provider === 'postgresql' ? db.blob : undefined;
  const resumeBytes = run.checkpointSha256 ? await store.fetchShared(run.checkpointSha256, blobs) : null;
  const resumeEpoch = resumeBytes ? (run.checkpointEpoch ?? -1) : -1;
  // Points after the checkpoint will be produced again by the resumed training.
  await retry('resume', () => runs.deleteMetricsAfter(runId, resumeEpoch));
  const log = (message: string) => {
    ctx.bus.emit(`log:${runId}`, message);
    opts.log?.(`[${runId}] ${message}`);
  };
  if (run.attempts > 0)
    log(`attempt ${run.attempts + 1}${resumeBytes ? `, resuming after epoch ${resumeEpoch}` : ''}`);

  const options = JSON.parse(run.optionsJson) as { limits?: TrainTask['limits']; teacherRunId?: string };
  let teacher: TrainTask['teacher'] = null;
  if (options.teacherRunId) {
    const waited = await awaitTeacher(ctx, runId, options.teacherRunId, mine, log);
    if (waited !== 'completed') {
      const finishedAt = new Date();
      if (waited === 'cancelled') {
        await runs.update(mine, {
          status: 'cancelled',
          finishedAt,
          durationMs: finishedAt.getTime() - startedAt.getTime(),
        });
        return 'cancelled';
      }
      if (waited === 'lost') return 'requeued';
      await runs.update(mine, {
        status: 'failed',
        error: `The teacher run '${options.teacherRunId}' ended ${waited} without weights; train it again (or pick another teacher) and create this run again.`,
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
      });
      return 'failed';
    }
    const t = await db.run.findUniqueOrThrow({
      where: { id: options.teacherRunId },
      include: { architectureVersion: true },
    });
    const { bytes } = await loadWeightBytes(ctx, t);
    teacher = {
      runId: t.id,
      graph: JSON.parse(t.architectureVersion.graphJson) as GraphSpec,
      weights: bytes,
    };
    log(`distilling from run ${t.id}`);
  }
  const task: TrainTask = {
    runId,
    graph: JSON.parse(run.architectureVersion.graphJson) as GraphSpec,
    dataset: {
      id: run.dataset.id,
      kind: run.dataset.kind,
      dir: run.dataset.storagePath ? join(ctx.config.dataDir, run.dataset.storagePath) : null,
      labels: JSON.parse(run.dataset.labelsJson) as string[],
      options: JSON.parse(run.dataset.optionsJson) as Record<string, unknown>,
    },
    config: JSON.parse(run.configJson) as TrainTask['config'],
    limits: options.limits ?? {},
    resumeFrom: resumeBytes,
    backend: opts.backend ?? 'wasm',
    teacher,
  };

  let outcome: JobOutcome = 'failed';
  let lostLease = false;
  let persistError: unknown;
  let chain = Promise.resolve();
  const handle = async (m: FromTrainer) => {
    switch (m.type) {
      case 'log':
        log(m.message);
        return;
      case 'progress':
        ctx.bus.emit(`progress:${runId}`, m);
        return;
      case 'epoch': {
        const epoch = Number(m.metrics.epoch);
        // Distillation teachers train first, a pruned model's fine-tuning after, each with their own epoch
        // numbers: keep their metrics apart.
        const phase = m.metrics.phase;
        const prefix = phase === 'teacher' ? 'teacher.' : phase === 'finetune' ? 'finetune.' : '';
        const points = Object.entries(m.metrics)
          .filter(([k, v]) => k !== 'epoch' && typeof v === 'number' && Number.isFinite(v))
          .map(([name, value]) => ({ epoch, step: -1, name: prefix + name, value: value as number }));
        await runs.writeMetrics(runId, points);
        if (phase !== 'finetune')
          await runs.update({ ...mine, epochsDone: { lt: epoch } }, { epochsDone: epoch });
        return;
      }
      case 'checkpoint': {
        const { sha256 } = await store.putShared(m.bytes, blobs);
        await runs.update(mine, {
          checkpointSha256: sha256,
          checkpointEpoch: m.epoch,
          heartbeatAt: new Date(),
        });
        return;
      }
      case 'done': {
        const finishedAt = new Date();
        if (m.stopped || !m.weights) {
          if (opts.isShuttingDown() || lostLease) {
            await runs.update(mine, { status: 'queued', workerId: null, heartbeatAt: null });
            outcome = 'requeued';
          } else {
            await runs.update(mine, {
              status: 'cancelled',
              finishedAt,
              durationMs: finishedAt.getTime() - startedAt.getTime(),
              finalLoss: m.finalLoss,
            });
            outcome = 'cancelled';
          }
          return;
        }
        // A pruned run belongs to its pruned architecture version (a new version of the same architecture).
        const pruned = m.pruned
          ? {
              version: await prunedVersion(ctx, run.architectureVersion.architectureId, m.pruned.graph),
              pruning: { originalArchitectureVersionId: run.architectureVersionId, ...m.pruned.summary },
            }
          : null;
        // A job that lost its lease writes nothing (the new owner completes the run).
        await completeRun(
          ctx,
          runId,
          {
            weights: m.weights,
            finalAccuracy: m.finalAccuracy,
            finalLoss: m.finalLoss,
            results: pruned ? { ...m.results, pruning: pruned.pruning } : m.results,
            ...(pruned
              ? { architectureVersionId: pruned.version.id, packedBytes: pruned.version.packedBytes }
              : {}),
          },
          { workerId: opts.workerId },
        );
        outcome = 'completed';
        return;
      }
      case 'error': {
        if (opts.isShuttingDown() || lostLease) {
          await runs.update(mine, { status: 'queued', workerId: null, heartbeatAt: null });
          outcome = 'requeued';
          return;
        }
        const finishedAt = new Date();
        await runs.update(mine, {
          status: 'failed',
          error: m.message.slice(0, 2000),
          finishedAt,
          durationMs: finishedAt.getTime() - startedAt.getTime(),
        });
        log(`failed: ${m.message}`);
        outcome = 'failed';
        return;
      }
    }
  };

  // Every handler's writes are idempotent (keyed points, updates guarded by the lease, content-addressed blobs),
  // so a message is retried as a whole. Once a write has failed for good, later messages are not written: a
  // checkpoint stored after lost points would make the resumed job skip them.
  const exec = opts.executor(task, (m) => {
    chain = chain
      .then(() => (persistError ? undefined : retry(m.type, () => handle(m))))
      .catch((err: unknown) => {
        persistError ??= err;
        exec.stop();
      });
  });
  opts.onStart?.(exec);
  const beat = setInterval(
    () => {
      void (async () => {
        try {
          if ((await runs.update(mine, { heartbeatAt: new Date() })) === 0) {
            lostLease = true;
            exec.stop();
            return;
          }
          const flags = await db.run.findUnique({ where: { id: runId }, select: { cancelRequested: true } });
          if (flags?.cancelRequested) exec.stop();
        } catch {
          // The database may be briefly unreachable; the next beat retries.
        }
      })();
    },
    Math.max(200, Math.min(5_000, Math.floor(opts.leaseMs / 3))),
  );
  try {
    await exec.done;
    await chain;
  } finally {
    clearInterval(beat);
  }
  if (persistError) {
    // Could not persist (database trouble): give the run back so a retry resumes from the last checkpoint. The
    // queue re-enqueues it; should even this write fail, the run stays `running` under a lease that goes stale.
    await retry('requeue', () =>
      runs.update(mine, { status: 'queued', workerId: null, heartbeatAt: null }),
    ).catch(() => {});
    throw persistError;
  }
  return outcome;
}

/**
 * The architecture version of a pruned graph: an identical stored graph's version, or a new version of the run's
 * architecture (its size from the version's summary, as `createRun` records it).
 */
async function prunedVersion(
  ctx: Ctx,
  architectureId: string,
  graph: GraphSpec,
): Promise<{ id: string; packedBytes: number | null }> {
  const g = prepareGraph(graph);
  const existing = await ctx.db.architectureVersion.findFirst({ where: { graphSha256: g.graphSha256 } });
  const id = existing?.id ?? (await addArchitectureVersion(ctx, architectureId, graph)).version.id;
  const summary = g.summaryJson
    ? (JSON.parse(g.summaryJson) as { totals?: { modelSizeBytes?: number } })
    : null;
  const size = summary?.totals?.modelSizeBytes;
  return { id, packedBytes: size != null ? Math.round(size) : null };
}

/** How often a student job looks at its pending teacher run. */
const TEACHER_POLL_MS = 1_000;

/**
 * A float-twin teacher created for this student trains as its own (earlier queued) run; the student waits for it,
 * keeping its own lease fresh. 'completed' once the teacher has weights; its final status if it ended without;
 * 'cancelled' when the student is cancelled meanwhile; 'lost' when the student's lease was taken.
 */
async function awaitTeacher(
  ctx: Ctx,
  runId: string,
  teacherRunId: string,
  mine: { id: string; workerId: string },
  log: (m: string) => void,
): Promise<'completed' | 'failed' | 'cancelled' | 'lost' | string> {
  let said = false;
  for (;;) {
    const t = await ctx.db.run.findUnique({
      where: { id: teacherRunId },
      select: { status: true, weightsSha256: true },
    });
    if (!t) return 'deleted';
    if (t.weightsSha256) return 'completed';
    if (t.status !== 'queued' && t.status !== 'running') return t.status;
    if (!said) log(`waiting for the teacher run ${teacherRunId} (${t.status}) to complete`);
    said = true;
    await new Promise((r) => setTimeout(r, TEACHER_POLL_MS));
    if ((await ctx.runs.update(mine, { heartbeatAt: new Date() })) === 0) return 'lost';
    const me = await ctx.db.run.findUnique({ where: { id: runId }, select: { cancelRequested: true } });
    if (me?.cancelRequested) return 'cancelled';
  }
}
