import type { ServiceCtx } from '../context.js';
import { architectureDto, versionDto } from './dto.js';

export async function listArchitectures(ctx: ServiceCtx, filter: { projectId?: string } = {}) {
  const rows = await ctx.db.architecture.findMany({
    where: filter.projectId ? { projectId: filter.projectId } : {},
    orderBy: { updatedAt: 'desc' },
    include: { versions: { orderBy: { version: 'desc' }, take: 1 }, _count: { select: { versions: true } } },
  });
  return rows.map(({ versions, _count, ...a }) => ({
    ...architectureDto(a),
    versionCount: _count.versions,
    latestVersion: versions[0] ? versionDto(versions[0], false) : null,
  }));
}
