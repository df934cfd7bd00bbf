import { notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

export async function getRunMetrics(ctx: ServiceCtx, runId: string, opts: { afterId?: number } = {}) {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw notFound('Run', runId);
  const rows = await ctx.db.metricPoint.findMany({
    where: { runId, ...(opts.afterId ? { id: { gt: opts.afterId } } : {}) },
    orderBy: [{ epoch: 'asc' }, { step: 'asc' }, { name: 'asc' }],
    select: { id: true, epoch: true, step: true, name: true, value: true },
  });
  return rows;
}
