import type { RunListResponse } from '../../contract/runs.js';
import type { RunFilter } from '../../db/hot-reads.js';
import { type JsonText, jsonText } from '../../lib/route.js';
import type { RunListQuery } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** Paged, filtered, sorted run list (one index per sort column carrying the filter columns: db/hot-reads.ts). */
export function listRuns(ctx: ServiceCtx, q: RunListQuery) {
  return ctx.cache.get(`runs:${JSON.stringify(q)}`, () => queryRuns(ctx, q));
}

/** The same page, serialised once per cache entry (the hot dashboard route sends these bytes). */
export function listRunsJson(ctx: ServiceCtx, q: RunListQuery): Promise<JsonText<RunListResponse>> {
  return ctx.cache.get(`runs-json:${JSON.stringify(q)}`, async () =>
    jsonText<RunListResponse>(await listRuns(ctx, q)),
  );
}

async function queryRuns(ctx: ServiceCtx, q: RunListQuery) {
  // Through the driver (db/hot-reads.ts): the run list is the dashboard's hottest read.
  const { page: _p, pageSize: _s, sort: _o, order: _d, ...filter } = q;
  const reads = ctx.dbHandle.reads;
  const offset = (q.page - 1) * q.pageSize;
  const rows = await reads.listRuns(filter, { sort: q.sort, order: q.order, offset, limit: q.pageSize });
  // The total without counting when the page tells it: a partly filled page is the last one (most searches fit
  // on their first page). Otherwise a count (countRuns).
  const total =
    rows.length > 0 && rows.length < q.pageSize
      ? offset + rows.length
      : rows.length === 0 && offset === 0
        ? 0
        : await countRuns(ctx, filter);
  return { runs: rows.map((r) => runDto(r)), total, page: q.page, pageSize: q.pageSize };
}

/**
 * The total of a filter. Filters of status and location only (most dashboard views) add up one cached count per
 * (status, location) group — one pass over the runs per cache period serves all of them; other filters count once
 * per filter and cache period, shared by every page and sort order.
 */
async function countRuns(ctx: ServiceCtx, filter: RunFilter): Promise<number> {
  const reads = ctx.dbHandle.reads;
  if (!filter.q?.trim() && !filter.projectId && !filter.architectureVersionId) {
    const groups = await ctx.cache.get('runs-count-groups', () => reads.countRunsByStatusLocation());
    return groups
      .filter(
        (g) =>
          (!filter.status?.length || filter.status.includes(g.status)) &&
          (!filter.location || g.location === filter.location),
      )
      .reduce((n, g) => n + Number(g.n), 0);
  }
  return ctx.cache.get(`runs-count:${JSON.stringify(filter)}`, () => reads.countRuns(filter));
}
