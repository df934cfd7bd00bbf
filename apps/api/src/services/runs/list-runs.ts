import type { RunListQuery } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** Paged, filtered, sorted run list (indexes: status+createdAt, status+finalAccuracy, createdAt, finalAccuracy, name). */
export function listRuns(ctx: ServiceCtx, q: RunListQuery) {
  return ctx.cache.get(`runs:${JSON.stringify(q)}`, () => queryRuns(ctx, q));
}

/** The same page, serialised once per cache entry (the hot dashboard route sends these bytes). */
export function listRunsJson(ctx: ServiceCtx, q: RunListQuery): Promise<string> {
  return ctx.cache.get(`runs-json:${JSON.stringify(q)}`, async () => JSON.stringify(await listRuns(ctx, q)));
}

async function queryRuns(ctx: ServiceCtx, q: RunListQuery) {
  // Through the driver (db/hot-reads.ts): the run list is the dashboard's hottest read.
  const { page: _p, pageSize: _s, sort: _o, order: _d, ...filter } = q;
  const reads = ctx.dbHandle.reads;
  // The total depends only on the filter: one count serves every page and sort order.
  const [total, rows] = await Promise.all([
    ctx.cache.get(`runs-count:${JSON.stringify(filter)}`, () => reads.countRuns(filter)),
    reads.listRuns(filter, {
      sort: q.sort,
      order: q.order,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    }),
  ]);
  return { runs: rows.map((r) => runDto(r)), total, page: q.page, pageSize: q.pageSize };
}
