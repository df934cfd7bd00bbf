import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

export interface BrowserFailure {
  /** What went wrong, as the page showed it (first line kept, at most 500 characters). */
  message: string;
  /** How to fix it, when the page knows. */
  fix?: string;
}

/**
 * Browser runs: the page reports that training failed, so the run reads `failed` with the real reason at once
 * instead of staying `running` until its lease lapses ("abandoned"). Conditional on `running`, like completion;
 * written through the runs repository (which drops the read cache).
 */
export async function failBrowserRun(ctx: ServiceCtx, runId: string, failure: BrowserFailure) {
  const run = await ctx.db.run.findUnique({
    where: { id: runId },
    select: { location: true, status: true, startedAt: true },
  });
  if (!run) throw notFound('Run', runId);
  if (run.location !== 'browser')
    throw new ApiError(
      409,
      'server_run',
      'Server runs are failed by their training worker.',
      'Report failures only for browser runs.',
    );
  const message = failure.message.trim().split('\n')[0]!.slice(0, 500);
  const fix = failure.fix?.trim().split('\n')[0]?.slice(0, 300);
  const finishedAt = new Date();
  const changed = await ctx.runs.update(
    { id: runId, status: 'running' },
    {
      status: 'failed',
      finishedAt,
      durationMs: run.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
      error: `browser: ${message}${fix ? ` Fix: ${fix}` : ''}`,
    },
  );
  if (changed === 0)
    throw new ApiError(
      409,
      'run_not_running',
      `Run '${runId}' is ${run.status}; only a running browser run can be failed.`,
      'Create a new run to train again.',
    );
  return runDto(await ctx.db.run.findUniqueOrThrow({ where: { id: runId } }), true);
}
