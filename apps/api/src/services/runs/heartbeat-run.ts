import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** Browser runs: renews the run's lease (also renewed by every metrics post). */
export async function heartbeatRun(ctx: ServiceCtx, runId: string) {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, select: { location: true, status: true } });
  if (!run) throw notFound('Run', runId);
  if (run.location !== 'browser')
    throw new ApiError(
      409,
      'server_run',
      'Server runs are leased by their training worker.',
      'Send heartbeats only for browser runs.',
    );
  const renewed = await ctx.runs.update({ id: runId, status: 'running' }, { heartbeatAt: new Date() });
  if (renewed === 0) {
    const now = await ctx.db.run.findUnique({ where: { id: runId }, select: { status: true, error: true } });
    throw new ApiError(
      409,
      'run_not_running',
      `Run '${runId}' is ${now?.status ?? 'gone'}${now?.error ? ` (${now.error})` : ''}; it no longer accepts heartbeats.`,
      'Create a new run.',
    );
  }
  const updated = await ctx.db.run.findUniqueOrThrow({ where: { id: runId } });
  return { run: runDto(updated), leaseMs: ctx.config.browserLeaseMs };
}
