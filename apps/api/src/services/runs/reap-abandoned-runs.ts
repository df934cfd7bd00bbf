import type { ServiceCtx } from '../context.js';

export const ABANDONED_ERROR = 'abandoned';

/**
 * Browser runs hold a lease: creation, every metrics post and every heartbeat set `heartbeatAt`. A browser run
 * still `running` whose lease is older than `config.browserLeaseMs` (the tab was closed or the machine slept) is
 * marked `failed` with error `abandoned: …`. Conditional update, so several servers may reap at once.
 */
export async function reapAbandonedRuns(ctx: ServiceCtx, now = new Date()): Promise<string[]> {
  const leaseMs = ctx.config.browserLeaseMs;
  const stale = new Date(now.getTime() - leaseMs);
  const candidates = await ctx.db.run.findMany({
    where: {
      location: 'browser',
      status: 'running',
      OR: [{ heartbeatAt: { lt: stale } }, { heartbeatAt: null, startedAt: { lt: stale } }],
    },
    select: { id: true, heartbeatAt: true, startedAt: true },
  });
  const reaped: string[] = [];
  for (const r of candidates) {
    const last = r.heartbeatAt ?? r.startedAt ?? now;
    const updated = await ctx.runs.update(
      { id: r.id, status: 'running', heartbeatAt: r.heartbeatAt },
      {
        status: 'failed',
        finishedAt: now,
        durationMs: r.startedAt ? now.getTime() - r.startedAt.getTime() : null,
        error: `${ABANDONED_ERROR}: no metrics or heartbeat from the browser for ${Math.round((now.getTime() - last.getTime()) / 1000)} s (lease ${Math.round(leaseMs / 1000)} s)`,
      },
    );
    if (updated > 0) reaped.push(r.id);
  }
  return reaped;
}

/** Reaps abandoned browser runs now and then every quarter lease (at most every 15 s); returns a stop function. */
export function startAbandonedRunReaper(ctx: ServiceCtx, log?: (msg: string) => void): () => void {
  const tick = () =>
    reapAbandonedRuns(ctx).then(
      (ids) => {
        if (ids.length) log?.(`browser runs abandoned (no heartbeat): ${ids.join(', ')}`);
      },
      () => {},
    );
  void tick();
  const timer = setInterval(tick, Math.min(15_000, Math.max(1000, ctx.config.browserLeaseMs / 4)));
  timer.unref();
  return () => clearInterval(timer);
}
