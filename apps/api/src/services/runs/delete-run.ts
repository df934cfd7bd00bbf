import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

/** Deletes a run with its metric points and artifact records (stored files stay: they are shared by hash). */
export async function deleteRun(ctx: ServiceCtx, runId: string) {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, select: { status: true, location: true } });
  if (!run) throw notFound('Run', runId);
  if (run.location === 'server' && (run.status === 'queued' || run.status === 'running'))
    throw new ApiError(
      409,
      'run_active',
      `Run '${runId}' is ${run.status} on the server.`,
      'Cancel it first, then delete it.',
    );
  await ctx.runs.delete(runId);
  return { deleted: runId };
}
