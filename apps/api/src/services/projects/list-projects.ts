import type { ServiceCtx } from '../context.js';

export async function listProjects(ctx: ServiceCtx) {
  const rows = await ctx.db.project.findMany({
    orderBy: { createdAt: 'desc' },
    include: { _count: { select: { runs: true, architectures: true } } },
  });
  return rows.map(({ _count, ...p }) => ({
    ...p,
    runCount: _count.runs,
    architectureCount: _count.architectures,
  }));
}
