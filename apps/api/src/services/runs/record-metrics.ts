import { ApiError, notFound } from '../../lib/errors.js';
import type { MetricPointIn } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';

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
  const accepted = await ctx.runs.writeMetrics(runId, points);
  const maxEpoch = Math.max(...points.map((p) => p.epoch));
  await ctx.runs.update({ id: runId, status: 'running' }, { heartbeatAt: new Date() });
  await ctx.runs.update({ id: runId, epochsDone: { lt: maxEpoch } }, { epochsDone: maxEpoch });
  return { accepted };
}
