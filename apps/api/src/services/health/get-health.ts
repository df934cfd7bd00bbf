import type { AppContext } from '../../context.js';

export async function getHealth(ctx: Pick<AppContext, 'db' | 'config' | 'version'>) {
  const provider = ctx.config.provider;
  try {
    await ctx.db.$queryRawUnsafe('SELECT 1');
    return { status: 'ok' as const, database: { ok: true, provider }, version: ctx.version };
  } catch {
    return {
      status: 'degraded' as const,
      database: { ok: false, provider, error: 'The database did not answer.' },
      version: ctx.version,
    };
  }
}
