import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { runDto, TERMINAL_STATUSES } from './dto.js';

/** Queued and browser runs stop at once; a server run being trained stops at its next batch. */
export async function cancelRun(ctx: ServiceCtx, runId: string) {
  const run = await ctx.db.run.findUnique({ where: { id: runId } });
  if (!run) throw notFound('Run', runId);
  if (TERMINAL_STATUSES.has(run.status))
    throw new ApiError(409, 'run_finished', `Run '${runId}' is already ${run.status}.`, 'Nothing to cancel.');
  const now = new Date();
  if (run.status === 'queued' || run.location === 'browser') {
    await ctx.runs.update(
      { id: runId, status: run.status },
      {
        status: 'cancelled',
        finishedAt: now,
        cancelRequested: true,
        durationMs: run.startedAt ? now.getTime() - run.startedAt.getTime() : null,
      },
    );
  } else {
    await ctx.runs.update({ id: runId }, { cancelRequested: true });
  }
  await ctx.jobs.cancel(runId);
  return runDto(await ctx.db.run.findUniqueOrThrow({ where: { id: runId } }), true);
}
