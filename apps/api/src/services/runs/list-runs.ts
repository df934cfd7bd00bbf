import type { Prisma } from '../../db/client.js';
import type { Run } from '../../generated/sqlite/client.js';
import type { RunListQuery } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** Paged, filtered, sorted run list (indexes: status+createdAt, createdAt, finalAccuracy, name). */
export function listRuns(ctx: ServiceCtx, q: RunListQuery) {
  return ctx.cache.get(`runs:${JSON.stringify(q)}`, () => queryRuns(ctx, q));
}

/** Columns of a run list row (no config/results text). */
export const RUN_LIST_SELECT = {
  id: true,
  name: true,
  status: true,
  location: true,
  projectId: true,
  architectureVersionId: true,
  datasetId: true,
  seed: true,
  epochs: true,
  epochsDone: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  finalAccuracy: true,
  finalLoss: true,
  packedBytes: true,
  error: true,
  attempts: true,
  weightsSha256: true,
} as const;

async function queryRuns(ctx: ServiceCtx, q: RunListQuery) {
  const where: Prisma.RunWhereInput = {};
  if (q.status?.length) where.status = q.status.length === 1 ? q.status[0] : { in: q.status };
  if (q.location) where.location = q.location;
  if (q.architectureVersionId) where.architectureVersionId = q.architectureVersionId;
  if (q.projectId) where.projectId = q.projectId;
  if (q.q?.trim()) {
    const term = q.q.trim();
    where.OR = [
      {
        name: {
          contains: term,
          ...(ctx.config.provider === 'postgresql' ? { mode: 'insensitive' as const } : {}),
        },
      },
      { id: term },
    ];
  }
  // The total depends only on the filter: one count serves every page and sort order.
  const { page: _p, pageSize: _s, sort: _o, order: _d, ...filter } = q;
  const [total, rows] = await Promise.all([
    ctx.cache.get(`runs-count:${JSON.stringify(filter)}`, () => ctx.db.run.count({ where })),
    ctx.db.run.findMany({
      where,
      orderBy: [{ [q.sort]: q.order }, { id: q.order }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      select: RUN_LIST_SELECT,
    }),
  ]);
  return { runs: rows.map((r) => runDto(r as Run)), total, page: q.page, pageSize: q.pageSize };
}
