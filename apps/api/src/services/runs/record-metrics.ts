import type { DbTx } from '../../db/client.js';
import { Prisma } from '../../db/client.js';
import { ApiError, notFound } from '../../lib/errors.js';
import type { MetricPointIn } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';

/**
 * Stores metric points idempotently: a point is keyed by (run, name, epoch, step) and re-posting it overwrites its
 * value, so a retried request or a resumed job never duplicates a point. Fast path: one bulk insert; on a key
 * collision the batch is upserted point by point in one transaction.
 */
export async function writeMetricPoints(
  db: DbTx & Pick<ServiceCtx['db'], '$transaction'>,
  runId: string,
  points: MetricPointIn[],
) {
  const byKey = new Map<
    string,
    { runId: string; epoch: number; step: number; name: string; value: number }
  >();
  for (const p of points) {
    const step = p.step ?? -1;
    byKey.set(`${p.name}\u0000${p.epoch}\u0000${step}`, {
      runId,
      epoch: p.epoch,
      step,
      name: p.name,
      value: p.value,
    });
  }
  const data = [...byKey.values()];
  try {
    await db.metricPoint.createMany({ data });
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    await db.$transaction(
      data.map((d) =>
        db.metricPoint.upsert({
          where: { runId_name_epoch_step: { runId, name: d.name, epoch: d.epoch, step: d.step } },
          create: d,
          update: { value: d.value },
        }),
      ),
    );
  }
  return data.length;
}

/** Metrics posted by a browser run. */
export async function recordMetrics(ctx: ServiceCtx, runId: string, points: MetricPointIn[]) {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, select: { location: true, status: true } });
  if (!run) throw notFound('Run', runId);
  if (run.location !== 'browser')
    throw new ApiError(
      409,
      'server_run',
      'Metrics of server runs are written by the training worker.',
      'Post metrics only for browser runs.',
    );
  if (run.status !== 'running')
    throw new ApiError(
      409,
      'run_not_running',
      `Run '${runId}' is ${run.status}; it no longer accepts metrics.`,
      'Create a new run.',
    );
  const accepted = await writeMetricPoints(ctx.db, runId, points);
  const maxEpoch = Math.max(...points.map((p) => p.epoch));
  await ctx.db.run.updateMany({
    where: { id: runId, epochsDone: { lt: maxEpoch } },
    data: { epochsDone: maxEpoch },
  });
  return { accepted };
}
