import type { Provider } from '../../config.js';
import type { DbTx } from '../../db/client.js';
import { ApiError, notFound } from '../../lib/errors.js';
import type { MetricPointIn } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';

/**
 * Stores metric points idempotently: a point is keyed by (run, name, epoch, step) and re-posting it overwrites its
 * value, so a retried request or a resumed job never duplicates a point. One multi-row
 * `INSERT … ON CONFLICT DO UPDATE` per 1,000 points (same SQL on SQLite and Postgres; Prisma's createMany costs
 * ~0.5 ms per row here).
 */
export async function writeMetricPoints(
  db: DbTx,
  runId: string,
  points: MetricPointIn[],
  provider: Provider,
) {
  const byKey = new Map<string, [string, number, number, string, number]>();
  for (const p of points) {
    const step = p.step ?? -1;
    byKey.set(`${p.name}\u0000${p.epoch}\u0000${step}`, [runId, p.epoch, step, p.name, p.value]);
  }
  const rows = [...byKey.values()];
  const CHUNK = 1000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: (string | number)[] = [];
    const tuples = chunk.map((r) => {
      const base = params.length;
      params.push(...r);
      return provider === 'postgresql'
        ? `($${base + 1},$${base + 2},$${base + 3},$${base + 4},$${base + 5})`
        : '(?,?,?,?,?)';
    });
    await db.$executeRawUnsafe(
      `INSERT INTO "MetricPoint" ("runId","epoch","step","name","value") VALUES ${tuples.join(',')} ` +
        'ON CONFLICT ("runId","name","epoch","step") DO UPDATE SET "value" = excluded."value"',
      ...params,
    );
  }
  return rows.length;
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
  ctx.cache.invalidate();
  const accepted = await writeMetricPoints(ctx.db, runId, points, ctx.config.provider);
  const maxEpoch = Math.max(...points.map((p) => p.epoch));
  const now = new Date();
  await ctx.db.run.updateMany({ where: { id: runId, status: 'running' }, data: { heartbeatAt: now } });
  await ctx.db.run.updateMany({
    where: { id: runId, epochsDone: { lt: maxEpoch } },
    data: { epochsDone: maxEpoch },
  });
  ctx.cache.invalidate();
  return { accepted };
}
