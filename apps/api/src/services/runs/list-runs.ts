import type { RunListResponse } from '../../contract/runs.js';
import type { RunFilter, RunPage } from '../../db/hot-reads.js';
import { ApiError } from '../../lib/errors.js';
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
    const runs = rows.map((r) => runDto(r));
    const last = rows.length === q.pageSize ? rows.at(-1) : undefined;
    const value = last?.[q.sort];
    return {
      runs,
      total,
      page: q.cursor ? null : q.page,
      pageSize: q.pageSize,
      nextCursor: last
        ? encodeCursor(q, value instanceof Date ? value.toISOString() : (value ?? null), last.id)
        : null,
    };
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
    const { rows, total } = await queryPage(ctx, q, (f, p, c) => ctx.dbHandle.reads.listRunsJson(f, p, c));
    let next: string | null = null;
    if (rows.length === q.pageSize) {
      const last = JSON.parse(rows.at(-1)!) as Record<string, string | number | null>;
      next = encodeCursor(q, last[q.sort] ?? null, String(last.id));
    }
    return `{"runs":[${rows.join(',')}],"total":${total},"page":${q.cursor ? null : q.page},"pageSize":${q.pageSize},"nextCursor":${JSON.stringify(next)}}` as JsonText<RunListResponse>;
  });
}

/** A keyset cursor: the last run's sort value and id, with the sort and order it belongs to (base64url JSON). */
function encodeCursor(q: RunListQuery, value: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([q.sort, q.order, value, id])).toString('base64url');
}

const badCursor = (problem: string, fix: string) =>
  new ApiError(400, 'invalid_cursor', `The cursor ${problem}.`, fix);

/** The position a `cursor` names, checked against the query's sort and order (400 invalid_cursor otherwise). */
function decodeCursor(q: RunListQuery): RunPage['after'] {
  if (!q.cursor) return undefined;
  if (q.page !== 1)
    throw new ApiError(
      400,
      'invalid_request',
      'page and cursor exclude each other.',
      'Send cursor (the nextCursor of the previous page) or page, not both.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const fresh = 'Pass the nextCursor of the previous page unchanged, or drop cursor and ask for page=1.';
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[3] !== 'string' ||
    (!['string', 'number'].includes(typeof parsed[2]) && parsed[2] !== null)
  )
    throw badCursor('is not one this API gave', fresh);
  const [sort, order, value, id] = parsed as [string, string, string | number | null, string];
  if (sort !== q.sort || order !== q.order)
    throw badCursor(
      `belongs to sort=${String(sort).slice(0, 20)}&order=${String(order).slice(0, 4)}, not sort=${q.sort}&order=${q.order}`,
      `Ask with the sort and order the cursor came from, or drop cursor and ask for page=1.`,
    );
  const numeric = q.sort === 'finalAccuracy' || q.sort === 'packedBytes' || q.sort === 'durationMs';
  if (
    (value === null && !numeric) ||
    (value !== null && numeric !== (typeof value === 'number' && Number.isFinite(value))) ||
    (q.sort === 'createdAt' && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
  )
    throw badCursor('is not one this API gave', fresh);
  return { value, id };
}

/** A page of rows (in whatever form `read` gives them) and the filter's total. */
async function queryPage<T>(
  ctx: ServiceCtx,
  q: RunListQuery,
  read: (filter: RunFilter, page: RunPage, counted: (total: number) => void) => Promise<T[]>,
): Promise<{ rows: T[]; total: number }> {
  // Through the driver (db/hot-reads.ts): the run list is the dashboard's hottest read.
  const { page: _p, pageSize: _s, sort: _o, order: _d, cursor: _c, ...filter } = q;
  const after = decodeCursor(q);
  // A cursor's page starts after its run (a keyset walk from the cursor's index entry), not at an offset.
  const offset = after ? 0 : (q.page - 1) * q.pageSize;
  // Filters of status and location only: the cached per-group counts tell how many runs match (and so the total).
  const known = statusLocationOnly(filter) ? await groupTotals(ctx, filter) : null;
  if (known && offset >= known.matching) return { rows: [], total: known.matching };
  // Walking the sort index visits about (offset + limit) / density entries; a sparse status filter's rows read
  // through the status index and sorted cost about 3 entries' work each.
  const sparse =
    !!known && known.matching * 3 < Math.min(known.all, ((offset + q.pageSize) * known.all) / known.matching);
  let counted: number | undefined;
  const rows = await read(
    filter,
    { sort: q.sort, order: q.order, offset, limit: q.pageSize, sparse, ...(after ? { after } : {}) },
    (n) => {
      counted = n;
    },
  );
  // The total without counting when the page tells it: a partly filled page is the last one (most searches fit
  // on their first page). Otherwise (and always after a cursor, whose position is unknown) a count (countRuns).
  // The read may have counted the filter's matches on the way (a name search matching few runs).
  const total =
    counted !== undefined
      ? counted
      : !after && rows.length > 0 && rows.length < q.pageSize
        ? offset + rows.length
        : !after && rows.length === 0 && offset === 0
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
