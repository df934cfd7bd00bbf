import type { AppContext } from '../../context.js';

export async function getHealth(ctx: Pick<AppContext, 'dbHandle' | 'config' | 'version'>) {
  const provider = ctx.config.provider;
  try {
    // Through the driver, not Prisma: health stays cheap while the main thread persists training progress.
    await ctx.dbHandle.reads.ping();
    return { status: 'ok' as const, database: { ok: true, provider }, version: ctx.version };
  } catch {
    return {
      status: 'degraded' as const,
      database: { ok: false, provider, error: 'The database did not answer.' },
      version: ctx.version,
    };
  }
}
