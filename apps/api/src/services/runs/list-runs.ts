import type { RunListResponse } from '../../contract/runs.js';
import type { RunFilter, RunPage } from '../../db/hot-reads.js';
import { type JsonText, jsonText } from '../../lib/route.js';
import type { RunListQuery } from '../../schemas.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';

/** BNN_STUDIO_RUN_LIST_BASELINE=on: the run list route serialises pages in Node (the API bench's baseline). */
const OBJECT_PAGES = process.env.BNN_STUDIO_RUN_LIST_BASELINE === 'on';

/** Paged, filtered, sorted run list (one index per sort column carrying the filter columns: db/hot-reads.ts). */
export function listRuns(ctx: ServiceCtx, q: RunListQuery) {
  return ctx.cache.get(`runs:${JSON.stringify(q)}`, async () => {
    const { rows, total } = await queryPage(ctx, q, (f, p) => ctx.dbHandle.reads.listRuns(f, p));
    return { runs: rows.map((r) => runDto(r)), total, page: q.page, pageSize: q.pageSize };
  });
}

/**
 * The same page as JSON text, cached as the bytes sent (the hot dashboard route): each run is serialised by the
 * database (hot-reads listRunsJson, the RunSummary form runDto gives) and spliced in, so an uncached page costs
 * Node no row objects, DTOs or JSON.stringify per run. list-runs.test.ts checks it equals listRuns' JSON.
 */
export function listRunsJson(ctx: ServiceCtx, q: RunListQuery): Promise<JsonText<RunListResponse>> {
  return ctx.cache.get(`runs-json:${JSON.stringify(q)}`, async () => {
    // The API bench's same-run baseline: the page as row objects, runDto and JSON.stringify in Node.
    if (OBJECT_PAGES) return jsonText<RunListResponse>(await listRuns(ctx, q));
    const { rows, total } = await queryPage(ctx, q, (f, p) => ctx.dbHandle.reads.listRunsJson(f, p));
    return `{"runs":[${rows.join(',')}],"total":${total},"page":${q.page},"pageSize":${q.pageSize}}` as JsonText<RunListResponse>;
  });
}

/** A page of rows (in whatever form `read` gives them) and the filter's total. */
async function queryPage<T>(
  ctx: ServiceCtx,
  q: RunListQuery,
  read: (filter: RunFilter, page: RunPage) => Promise<T[]>,
): Promise<{ rows: T[]; total: number }> {
  // Through the driver (db/hot-reads.ts): the run list is the dashboard's hottest read.
  const { page: _p, pageSize: _s, sort: _o, order: _d, ...filter } = q;
  const offset = (q.page - 1) * q.pageSize;
  // Filters of status and location only: the cached per-group counts tell how many runs match (and so the total).
  const known = statusLocationOnly(filter) ? await groupTotals(ctx, filter) : null;
  if (known && offset >= known.matching) return { rows: [], total: known.matching };
  // Walking the sort index visits about (offset + limit) / density entries; a sparse status filter's rows read
  // through the status index and sorted cost about 3 entries' work each.
  const sparse =
    !!known && known.matching * 3 < Math.min(known.all, ((offset + q.pageSize) * known.all) / known.matching);
  const rows = await read(filter, { sort: q.sort, order: q.order, offset, limit: q.pageSize, sparse });
  // The total without counting when the page tells it: a partly filled page is the last one (most searches fit
  // on their first page). Otherwise a count (countRuns).
  const total =
    rows.length > 0 && rows.length < q.pageSize
      ? offset + rows.length
      : rows.length === 0 && offset === 0
        ? 0
        : known
          ? known.matching
          : await countRuns(ctx, filter);
  return { rows, total };
}

/**
 * The total of a filter. Filters of status and location only (most dashboard views) add up one cached count per
 * (status, location) group — one pass over the runs per cache period serves all of them; other filters count once
 * per filter and cache period, shared by every page and sort order.
 */
async function countRuns(ctx: ServiceCtx, filter: RunFilter): Promise<number> {
  if (statusLocationOnly(filter)) return (await groupTotals(ctx, filter)).matching;
  // A name search with status/location filters: one cached count per (status, location) group of the search's
  // matches serves every status/location filter with that search (a broad term is one pass, not one per filter).
  const term = filter.q?.trim();
  if (term && !filter.projectId && !filter.architectureVersionId) {
    const groups = await ctx.cache.get(`runs-count-term:${term}`, () =>
      ctx.dbHandle.reads.countRunsByStatusLocation(term),
    );
    return matchingGroups(groups, filter).matching;
  }
  return ctx.cache.get(`runs-count:${JSON.stringify(filter)}`, () => ctx.dbHandle.reads.countRuns(filter));
}

function statusLocationOnly(filter: RunFilter): boolean {
  return !filter.q?.trim() && !filter.projectId && !filter.architectureVersionId;
}

/** How many runs a status/location filter matches, and how many runs there are: one cached pass per period. */
async function groupTotals(ctx: ServiceCtx, filter: RunFilter): Promise<{ matching: number; all: number }> {
  const reads = ctx.dbHandle.reads;
  const groups = await ctx.cache.get('runs-count-groups', () => reads.countRunsByStatusLocation());
  return matchingGroups(groups, filter);
}

/** How many of the counted runs match the filter's status and location, and how many were counted. */
function matchingGroups(
  groups: { status: string; location: string; n: number }[],
  filter: RunFilter,
): { matching: number; all: number } {
  let matching = 0;
  let all = 0;
  for (const g of groups) {
    all += Number(g.n);
    if (
      (!filter.status?.length || filter.status.includes(g.status)) &&
      (!filter.location || g.location === filter.location)
    )
      matching += Number(g.n);
  }
  return { matching, all };
}
