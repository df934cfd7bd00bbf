import type { RunListQuery } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** Paged, filtered, sorted run list (one index per sort column carrying the filter columns: db/hot-reads.ts). */
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
  const offset = (q.page - 1) * q.pageSize;
  const rows = await reads.listRuns(filter, { sort: q.sort, order: q.order, offset, limit: q.pageSize });
  // The total without counting when the page tells it: a partly filled page is the last one (most searches fit
  // on their first page). Otherwise one count per filter serves every page and sort order.
  const total =
    rows.length > 0 && rows.length < q.pageSize
      ? offset + rows.length
      : rows.length === 0 && offset === 0
        ? 0
        : await ctx.cache.get(`runs-count:${JSON.stringify(filter)}`, () => reads.countRuns(filter));
  return { runs: rows.map((r) => runDto(r)), total, page: q.page, pageSize: q.pageSize };
}
