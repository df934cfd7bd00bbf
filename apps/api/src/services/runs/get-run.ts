import { notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** A run with its config snapshot and the latest value of each metric. */
export function getRun(ctx: ServiceCtx, id: string) {
  return ctx.cache.get(`run:${id}`, () => loadRun(ctx, id));
}

async function loadRun(ctx: ServiceCtx, id: string) {
  const run = await ctx.db.run.findUnique({ where: { id } });
  if (!run) throw notFound('Run', id);
  const latest = await ctx.db.metricPoint.findMany({
    where: { runId: id, step: -1, epoch: run.epochsDone > 0 ? run.epochsDone : undefined },
    orderBy: [{ epoch: 'desc' }],
    take: 50,
    select: { epoch: true, name: true, value: true },
  });
  const metrics: Record<string, number> = {};
  const lastEpoch = latest[0]?.epoch;
  for (const p of latest) if (p.epoch === lastEpoch && !(p.name in metrics)) metrics[p.name] = p.value;
  return { ...runDto(run, true), metrics };
}
