// Hot dashboard reads (run detail) straight through the driver, beside Prisma: at 50 concurrent clients the
// Prisma query pipeline (~0.3–0.7 ms CPU per query) dominated run detail. SQLite: a second, read-only
// better-sqlite3 connection with prepared statements (WAL: readers never block the writer, and see every commit).
// Postgres: one pg pool, one round trip. Rows come back in Prisma's shapes (Date, boolean), so the DTOs are the
// same; hot-reads.test.ts checks them against Prisma's.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Provider } from '../config.js';
import type { Run } from '../generated/sqlite/client.js';

export interface LatestMetric {
  epoch: number;
  name: string;
  value: number;
}

export interface RunFilter {
  status?: string[];
  location?: string;
  architectureVersionId?: string;
  projectId?: string;
  /** Case-insensitive substring of the name, or the exact id. */
  q?: string;
}

export interface RunPage {
  /** A column of the Run table (validated by the route's enum). */
  sort: 'createdAt' | 'name' | 'status' | 'finalAccuracy' | 'packedBytes' | 'durationMs';
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  /**
   * Keyset pagination: only runs after this one in the page's order (its sort column's value as stored — a date
   * as ISO 8601 text — and its id); null values sort as each database orders them (SQLite: lowest, Postgres:
   * highest).
   */
  after?: { value: string | number | null; id: string };
  /**
   * SQLite: read the status filter's rows through the status index and sort them, instead of walking the sort
   * column's index (the caller knows, from cached counts, that the filter matches few runs).
   */
  sparse?: boolean;
}

export const RUN_LIST_COLUMNS = [
  'id',
  'name',
  'status',
  'location',
  'projectId',
  'architectureVersionId',
  'datasetId',
  'seed',
  'epochs',
  'epochsDone',
  'createdAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'finalAccuracy',
  'finalLoss',
  'packedBytes',
  'error',
  'attempts',
  'weightsSha256',
] as const;
const DATE_COLUMNS = ['createdAt', 'startedAt', 'finishedAt', 'heartbeatAt'] as const;
/** RunSummary's keys in runDto's order, each with its list column (hasWeights: weightsSha256 is set). */
const SUMMARY_KEYS = RUN_LIST_COLUMNS.filter((c) => c !== 'weightsSha256');
const isDate = (c: string) => (DATE_COLUMNS as readonly string[]).includes(c);

/**
 * SQLite: a run row as RunSummary JSON text. Dates: Prisma's ISO 8601 text (or epoch milliseconds) → the ISO form
 * Date.toJSON writes; reals print with 17 significant digits (the same double after JSON.parse).
 */
const SQLITE_SUMMARY_JSON = `json_object(${SUMMARY_KEYS.map((c) => {
  // Prisma's own form (…T12:34:56.789+00:00) is rewritten as text; strftime (3× the cost) parses any other.
  const v = isDate(c)
    ? `CASE WHEN substr("${c}", 24) = '+00:00' THEN substr("${c}", 1, 23) || 'Z' WHEN "${c}" IS NULL THEN NULL ` +
      `WHEN typeof("${c}") IN ('integer','real') OR "${c}" NOT GLOB '*[^0-9]*' ` +
      `THEN strftime('%Y-%m-%dT%H:%M:%fZ', "${c}" / 1000.0, 'unixepoch') ELSE strftime('%Y-%m-%dT%H:%M:%fZ', "${c}") END`
    : `"${c}"`;
  return `'${c}',${v}`;
}).join(',')},'hasWeights',json(CASE WHEN "weightsSha256" IS NULL THEN 'false' ELSE 'true' END))`;

/** Postgres: the same, from timestamp(3) columns holding UTC (float8 → JSON keeps the shortest exact digits). */
const PG_SUMMARY_JSON = `json_build_object(${SUMMARY_KEYS.map(
  (c) => `'${c}',${isDate(c) ? `to_char("${c}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : `"${c}"`}`,
).join(',')},'hasWeights',"weightsSha256" IS NOT NULL)::text`;

/** A name search matching at most this many runs reads just those rows (SQLite: FTS5 trigram candidates). */
const SEARCH_CANDIDATES = 200;
const SORTABLE = new Set(['createdAt', 'name', 'status', 'finalAccuracy', 'packedBytes', 'durationMs']);

const NULLABLE_SORTS = new Set<RunPage['sort']>(['finalAccuracy', 'packedBytes', 'durationMs']);
const DATE_SORTS = new Set<RunPage['sort']>(['createdAt']);

/**
 * The keyset term of `page.after`: the runs after (value, id) in ORDER BY order, nulls where the database puts
 * them. A row-value comparison, so the walk starts at the cursor's entry of the index.
 */
function keysetTerm(
  page: RunPage,
  provider: Provider,
  add: (sql: (...p: string[]) => string, ...v: unknown[]) => void,
) {
  const { after, sort } = page;
  if (!after) return;
  const cmp = page.order === 'asc' ? '>' : '<';
  const col = `"${sort}"`;
  const nullsFirst = (provider === 'sqlite') === (page.order === 'asc');
  let value = after.value;
  // Dates as stored: Prisma writes SQLite DateTime as ISO text ending +00:00; Postgres casts ISO text itself.
  if (typeof value === 'string' && DATE_SORTS.has(sort) && provider === 'sqlite')
    value = value.replace(/Z$/, '+00:00');
  if (value === null) {
    if (!NULLABLE_SORTS.has(sort)) throw new Error(`run list cursor: ${sort} is never null`);
    add(
      (a) => `(${col} IS NULL AND "id" ${cmp} ${a}${nullsFirst ? ` OR ${col} IS NOT NULL` : ''})`,
      after.id,
    );
  } else
    add(
      (a, b) =>
        `((${col}, "id") ${cmp} (${a}, ${b})${NULLABLE_SORTS.has(sort) && !nullsFirst ? ` OR ${col} IS NULL` : ''})`,
      value,
      after.id,
    );
}

/** WHERE clause of a run filter (and a page's keyset); `param(i)` spells the i-th (0-based) placeholder. */
function runWhere(f: RunFilter, param: (i: number) => string, provider: Provider, page?: RunPage) {
  const terms: string[] = [];
  const values: unknown[] = [];
  if (page)
    keysetTerm(page, provider, (sql, ...vs) => {
      terms.push(sql(...vs.map((_, i) => param(values.length + i))));
      values.push(...vs);
    });
  const add = (sql: (p: string) => string, v: unknown) => {
    terms.push(sql(param(values.length)));
    values.push(v);
  };
  if (f.status?.length) {
    const ps = f.status.map((st) => {
      values.push(st);
      return param(values.length - 1);
    });
    terms.push(`"status" IN (${ps.join(',')})`);
  }
  if (f.location) add((p) => `"location" = ${p}`, f.location);
  if (f.architectureVersionId) add((p) => `"architectureVersionId" = ${p}`, f.architectureVersionId);
  if (f.projectId) add((p) => `"projectId" = ${p}`, f.projectId);
  const term = f.q?.trim();
  if (term) {
    // Literal substring: LIKE wildcards in the search text are escaped. SQLite's LIKE ignores ASCII case.
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const op = provider === 'postgresql' ? 'ILIKE' : 'LIKE';
    const a = param(values.length);
    const b = param(values.length + 1);
    terms.push(`("name" ${op} ${a} ESCAPE '\\' OR "id" = ${b})`);
    values.push(like, term);
  }
  return { sql: terms.length ? ` WHERE ${terms.join(' AND ')}` : '', values };
}

/**
 * The index of each sort column (prisma/models.prisma): the sort column, then id, then the filter columns, so the
 * page's ids come from one walk of one index in ORDER BY order and only the page's rows are read from the table.
 */
const SORT_INDEX: Record<RunPage['sort'], string> = {
  createdAt: 'Run_createdAt_id_status_location_name_idx',
  finalAccuracy: 'Run_finalAccuracy_id_status_location_name_idx',
  name: 'Run_name_id_status_location_idx',
  status: 'Run_status_id_location_name_idx',
  packedBytes: 'Run_packedBytes_id_status_location_name_idx',
  durationMs: 'Run_durationMs_id_status_location_name_idx',
};

/**
 * The index of each sort column after the status: a one-status filter walks only its runs, already in ORDER BY
 * order (sort=status: the status index, then id).
 */
const STATUS_SORT_INDEX: Record<RunPage['sort'], string> = {
  createdAt: 'Run_status_createdAt_id_location_name_idx',
  finalAccuracy: 'Run_status_finalAccuracy_id_location_name_idx',
  name: 'Run_status_name_id_location_idx',
  status: 'Run_status_id_location_name_idx',
  packedBytes: 'Run_status_packedBytes_id_location_name_idx',
  durationMs: 'Run_status_durationMs_id_location_name_idx',
};

/**
 * A page of the run list as a deferred join: the inner query finds the page's ids on the sort column's index
 * (SQLite is told which one: the status-first one for a one-status filter), the outer one reads those rows.
 */
function pageSql(
  listCols: string,
  where: string,
  page: RunPage,
  limit: string,
  offset: string,
  provider: Provider,
  oneStatus = false,
) {
  const index = (oneStatus ? STATUS_SORT_INDEX : SORT_INDEX)[page.sort];
  const indexed = provider === 'sqlite' ? ` INDEXED BY "${index}"` : '';
  // Postgres: `= ANY(ARRAY(…))` keeps the page's rows a primary-key lookup even in a prepared statement's generic
  // plan (an IN semi-join there, not knowing LIMIT, hashed a scan of the whole table).
  const [open, close] = provider === 'postgresql' ? ['= ANY(ARRAY(', '))'] : ['IN (', ')'];
  return (
    `SELECT ${listCols} FROM "Run" WHERE "id" ${open}SELECT "id" FROM "Run"${indexed}${where}${orderBy(page)} ` +
    `LIMIT ${limit} OFFSET ${offset}${close}${orderBy(page)}`
  );
}

function orderBy(page: RunPage) {
  if (!SORTABLE.has(page.sort)) throw new Error(`not a sortable run column: ${page.sort}`);
  const dir = page.order === 'asc' ? 'ASC' : 'DESC';
  // Each database's own NULL ordering (as Prisma's orderBy without `nulls`); id breaks ties.
  return ` ORDER BY "${page.sort}" ${dir}, "id" ${dir}`;
}

export interface HotReads {
  /** The full run row, or null. */
  run(id: string): Promise<Run | null>;
  /** Epoch-level points (step −1) of `epoch` (or of every epoch when undefined), newest epoch first, ≤ 50. */
  epochMetrics(runId: string, epoch: number | undefined): Promise<LatestMetric[]>;
  /**
   * A run with its epoch-level points (step −1) of its last committed epoch (`epochsDone`; every epoch while it
   * is 0), newest epoch first, ≤ 50 — one round trip.
   */
  runDetail(id: string): Promise<{ run: Run; latest: LatestMetric[] } | null>;
  /** A page of runs (the list columns only), filtered and sorted as the run list route asks. */
  listRuns(filter: RunFilter, page: RunPage): Promise<Run[]>;
  /**
   * The same page as `listRuns`, each run already serialised by the database as the API's RunSummary JSON
   * (contract/runs.ts; runDto's keys and values): the dashboard route splices these texts into its response, so
   * no row object, DTO or JSON.stringify is made per run in Node. When the read learns the filter's total on the
   * way (Postgres: a name search matching few runs counts them in the same query), it calls `counted` with it.
   */
  listRunsJson(filter: RunFilter, page: RunPage, counted?: (total: number) => void): Promise<string[]>;
  /** How many runs match the filter. */
  countRuns(filter: RunFilter): Promise<number>;
  /**
   * Run counts per (status, location), of the runs a name search `q` matches when given: one pass serves the
   * total of every status/location filter (with that search).
   */
  countRunsByStatusLocation(q?: string): Promise<{ status: string; location: string; n: number }[]>;
  /** A trivial query (health): throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const RUN_COLUMNS = [
  'id',
  'name',
  'projectId',
  'architectureVersionId',
  'datasetId',
  'location',
  'status',
  'configJson',
  'optionsJson',
  'resultJson',
  'seed',
  'epochs',
  'epochsDone',
  'createdAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'finalAccuracy',
  'finalLoss',
  'packedBytes',
  'error',
  'attempts',
  'cancelRequested',
  'workerId',
  'heartbeatAt',
  'weightsSha256',
  'checkpointSha256',
  'checkpointEpoch',
] as const;

/** Prisma's SQLite DateTime text (ISO 8601) or epoch milliseconds → Date. */
function sqliteDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number));
}

function sqliteReads(file: string): HotReads {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
  const runStmt = db.prepare(
    `SELECT ${RUN_COLUMNS.map((c) => `"${c}"`).join(',')} FROM "Run" WHERE "id" = ?`,
  );
  const oneEpoch = db.prepare(
    'SELECT "epoch","name","value" FROM "MetricPoint" WHERE "runId" = ? AND "step" = -1 AND "epoch" = ? ORDER BY "epoch" DESC LIMIT 50',
  );
  const allEpochs = db.prepare(
    'SELECT "epoch","name","value" FROM "MetricPoint" WHERE "runId" = ? AND "step" = -1 ORDER BY "epoch" DESC LIMIT 50',
  );
  const pingStmt = db.prepare('SELECT 1');
  const listCols = RUN_LIST_COLUMNS.map((c) => `"${c}"`).join(',');
  // Name search: the FTS5 trigram index (migration run_name_search) finds the candidate runs of a term of 3+
  // characters; when they are few, the page and the count read only those rows (by primary key) and re-check the
  // full filter, LIKE included, so the result is exactly the plain query's. A term matching many runs (or a
  // shorter one) walks the sort column's index instead, where matches are dense enough to fill a page quickly.
  // BNN_STUDIO_RUN_SEARCH_INDEX=off: every search walks the sort index (the API bench's baseline).
  const searchIndex = process.env.BNN_STUDIO_RUN_SEARCH_INDEX !== 'off';
  // BNN_STUDIO_RUN_LIST_BASELINE=on (the API bench's baseline): one-status filters walk the sort column's index.
  const baseline = process.env.BNN_STUDIO_RUN_LIST_BASELINE === 'on';
  const searchStmt = db
    .prepare(
      `SELECT "runId" FROM "RunNameSearch" WHERE "RunNameSearch" MATCH ? LIMIT ${SEARCH_CANDIDATES + 1}`,
    )
    .pluck();
  const broadTerms = new Map<string, true>();
  const candidates = (filter: RunFilter): string[] | null => {
    const term = filter.q?.trim();
    if (!term || [...term].length < 3 || !searchIndex) return null;
    if (broadTerms.has(term)) return null;
    const ids = searchStmt.all(`"${term.replaceAll('"', '""')}"`) as string[];
    if (ids.length > SEARCH_CANDIDATES) {
      // Only a choice of plan (both are exact): remembered for a while so broad terms skip the FTS lookup.
      if (broadTerms.size >= 1000) broadTerms.clear();
      broadTerms.set(term, true);
      setTimeout(() => broadTerms.delete(term), 10_000).unref();
      return null;
    }
    ids.push(term); // the exact-id half of the search
    return ids;
  };
  // The primary key's index (Prisma's `id String @id`): the planner would otherwise walk a status index.
  const CANDIDATE_WHERE = '"id" IN (SELECT "value" FROM json_each(?))';
  const stmts = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let st = stmts.get(sql);
    if (!st) {
      if (stmts.size > 1000) stmts.clear(); // query shapes: filters × sorts × orders × plans
      st = db.prepare(sql);
      stmts.set(sql, st);
    }
    return st;
  };
  /** The page's rows: `cols` is the select list (list columns, or one JSON text per run, plucked). */
  const pageRows = (cols: string, filter: RunFilter, page: RunPage, pluck = false) => {
    const w = runWhere(filter, () => '?', 'sqlite', page);
    const ids = candidates(filter);
    const st = ids
      ? prepared(
          `SELECT ${cols} FROM "Run" INDEXED BY "sqlite_autoindex_Run_1" WHERE ${CANDIDATE_WHERE} AND ${w.sql.slice(7)}${orderBy(page)} LIMIT ? OFFSET ?`,
        )
      : page.sparse && filter.status && filter.status.length > 1
        ? prepared(
            `SELECT ${cols} FROM "Run" INDEXED BY "Run_status_id_location_name_idx"${w.sql}${orderBy(page)} LIMIT ? OFFSET ?`,
          )
        : prepared(pageSql(cols, w.sql, page, '?', '?', 'sqlite', !baseline && filter.status?.length === 1));
    if (pluck) st.pluck();
    const values = ids ? [JSON.stringify(ids), ...w.values] : w.values;
    return st.all(...values, page.limit, page.offset);
  };
  return {
    async runDetail(id) {
      const run = await this.run(id);
      if (!run) return null;
      return { run, latest: await this.epochMetrics(id, run.epochsDone > 0 ? run.epochsDone : undefined) };
    },
    async listRuns(filter, page) {
      const rows = pageRows(listCols, filter, page) as Record<string, unknown>[];
      for (const row of rows) for (const c of DATE_COLUMNS) if (c in row) row[c] = sqliteDate(row[c]);
      return rows as unknown as Run[];
    },
    async listRunsJson(filter, page) {
      return pageRows(SQLITE_SUMMARY_JSON, filter, page, true) as string[];
    },
    async countRunsByStatusLocation(q) {
      if (q?.trim()) {
        const w = runWhere({ q }, () => '?', 'sqlite');
        const ids = candidates({ q });
        return (
          ids
            ? prepared(
                `SELECT "status","location",COUNT(*) AS "n" FROM "Run" INDEXED BY "sqlite_autoindex_Run_1" WHERE ${CANDIDATE_WHERE} AND ${w.sql.slice(7)} GROUP BY "status","location"`,
              ).all(JSON.stringify(ids), ...w.values)
            : prepared(
                `SELECT "status","location",COUNT(*) AS "n" FROM "Run"${w.sql} GROUP BY "status","location"`,
              ).all(...w.values)
        ) as { status: string; location: string; n: number }[];
      }
      // One walk of the status index in status order (no temporary b-tree for the GROUP BY): a count per location
      // of each status (locations: server, browser; any other is counted under its own row by the second query).
      const rows = prepared(
        `SELECT "status",SUM("location" = 'server') AS "server",SUM("location" = 'browser') AS "browser",COUNT(*) AS "n" FROM "Run" INDEXED BY "Run_status_id_location_name_idx" GROUP BY "status"`,
      ).all() as { status: string; server: number; browser: number; n: number }[];
      const out: { status: string; location: string; n: number }[] = [];
      for (const r of rows) {
        if (r.server) out.push({ status: r.status, location: 'server', n: r.server });
        if (r.browser) out.push({ status: r.status, location: 'browser', n: r.browser });
        if (r.n > r.server + r.browser)
          out.push(
            ...(
              prepared(
                `SELECT "location",COUNT(*) AS "n" FROM "Run" WHERE "status" = ? AND "location" NOT IN ('server','browser') GROUP BY "location"`,
              ).all(r.status) as { location: string; n: number }[]
            ).map((o) => ({ status: r.status, ...o })),
          );
      }
      return out;
    },
    async countRuns(filter) {
      const w = runWhere(filter, () => '?', 'sqlite');
      const ids = candidates(filter);
      if (ids)
        return (
          prepared(
            `SELECT COUNT(*) AS "n" FROM "Run" INDEXED BY "sqlite_autoindex_Run_1" WHERE ${CANDIDATE_WHERE} AND ${w.sql.slice(7)}`,
          ).get(JSON.stringify(ids), ...w.values) as { n: number }
        ).n;
      return (prepared(`SELECT COUNT(*) AS "n" FROM "Run"${w.sql}`).get(...w.values) as { n: number }).n;
    },
    async ping() {
      pingStmt.get();
    },
    async run(id) {
      const row = runStmt.get(id) as Record<string, unknown> | undefined;
      if (!row) return null;
      for (const c of DATE_COLUMNS) row[c] = sqliteDate(row[c]);
      row.cancelRequested = !!row.cancelRequested;
      return row as unknown as Run;
    },
    async epochMetrics(runId, epoch) {
      return (epoch === undefined ? allEpochs.all(runId) : oneEpoch.all(runId, epoch)) as LatestMetric[];
    },
    async close() {
      db.close();
    },
  };
}

/** A prepared statement's name for its text (one text per name on every connection). */
function statementName(text: string): string {
  return `runs_${createHash('sha1').update(text).digest('base64url')}`;
}

/**
 * A query with its parameters written in as literals (pg's escapeLiteral), sent with the simple protocol: planned
 * for these values every time, whatever the connection's plan_cache_mode (a name search's plan depends on how
 * common its term is).
 */
function literalQuery(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = values[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`run list query: parameter $${n} is not a finite number`);
      return String(v);
    }
    return pg.escapeLiteral(String(v));
  });
}

function postgresReads(url: string): HotReads {
  // BNN_STUDIO_RUN_LIST_BASELINE=on (the API bench's baseline): every page planned afresh.
  const baseline = process.env.BNN_STUDIO_RUN_LIST_BASELINE === 'on';
  const generic = !baseline;
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Named statements are planned once per connection (their generic plan), not five times with their values
    // first: the run list has ~150 statement shapes (filters × sorts × orders), so at startup most pages were
    // being planned. Queries whose plan depends on the values (name searches by how common the term is) are sent
    // with literals (literalQuery) and planned each time.
    ...(generic ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
  });
  pool.on('error', () => {}); // an idle client dropped by the server; the next query reconnects
  // Prisma stores DateTime as timestamp(3) in UTC: read it as an instant, whatever the process time zone.
  const cols = RUN_COLUMNS.map((c) =>
    (DATE_COLUMNS as readonly string[]).includes(c) ? `"${c}" AT TIME ZONE 'UTC' AS "${c}"` : `"${c}"`,
  ).join(',');
  const listCols = RUN_LIST_COLUMNS.map((c) =>
    (DATE_COLUMNS as readonly string[]).includes(c) ? `"${c}" AT TIME ZONE 'UTC' AS "${c}"` : `"${c}"`,
  ).join(',');
  const param = (i: number) => `$${i + 1}`;
  // float8 → JSON keeps the shortest exact digits (Postgres ≥ 12), so values round-trip unchanged.
  const detailSql =
    `SELECT ${cols}, (SELECT json_agg(json_build_object('epoch', m."epoch", 'name', m."name", 'value', m."value")) ` +
    'FROM (SELECT "epoch","name","value" FROM "MetricPoint" WHERE "runId" = r."id" AND "step" = -1 ' +
    'AND (r."epochsDone" <= 0 OR "epoch" = r."epochsDone") ORDER BY "epoch" DESC LIMIT 50) m) AS "latest" ' +
    'FROM "Run" r WHERE r."id" = ANY($1::text[])';
  // Detail reads arriving in the same tick share one round trip (50 dashboard clients → a few queries, not 50).
  type Detail = { run: Run; latest: LatestMetric[] } | null;
  interface Batch {
    waiters: Map<string, ((d: Detail) => void)[]>;
    rejects: ((err: unknown) => void)[];
  }
  let batch: Batch | null = null;
  const flush = async ({ waiters, rejects }: Batch) => {
    try {
      const r = await pool.query({ name: 'hot_run_detail', text: detailSql, values: [[...waiters.keys()]] });
      const found = new Map<string, Detail>();
      for (const row of r.rows as (Run & { latest: LatestMetric[] | null })[]) {
        const { latest, ...run } = row;
        found.set(run.id, { run: run as Run, latest: latest ?? [] });
      }
      for (const [id, ws] of waiters) for (const w of ws) w(found.get(id) ?? null);
    } catch (err) {
      for (const r of rejects) r(err);
    }
  };
  const loadDetail = (id: string) =>
    new Promise<Detail>((resolve, reject) => {
      if (!batch) {
        const next: Batch = { waiters: new Map(), rejects: [] };
        batch = next;
        setImmediate(() => {
          batch = null;
          void flush(next);
        });
      }
      const ws = batch.waiters.get(id);
      if (ws) ws.push(resolve);
      else batch.waiters.set(id, [resolve]);
      batch.rejects.push(reject);
    });
  // Name search, as SQLite does with its FTS5 table: the runs a term matches (pg_trgm index), when few, are the
  // page's candidates — one named statement per filter shape (planned once per connection; its generic plan reads
  // the trigram index), the page sorted from them. A term matching more runs is remembered for a while and walks
  // the sort index (planned per term, where the planner sees how common it is).
  const broadTerms = new Map<string, true>();
  const searchPage = async (
    term: string,
    filter: RunFilter,
    page: RunPage,
    counted?: (total: number) => void,
  ): Promise<string[] | null> => {
    const w = runWhere({ ...filter, q: undefined }, (i) => `$${i + 3}`, 'postgresql', page);
    const n = w.values.length + 2;
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const filtered = `"id" IN (SELECT "id" FROM c)${w.sql ? ` AND ${w.sql.slice(7)}` : ''}`;
    // Without a keyset cursor the filter's total comes along: the matching candidates that pass the filter (the
    // count a page 2 of a two-run search would otherwise run as a separate, per-term planned query).
    const total = page.after ? 'NULL::int' : `(SELECT count(*)::int FROM "Run" WHERE ${filtered})`;
    const text =
      `WITH c AS MATERIALIZED (SELECT "id" FROM "Run" WHERE ("name" ILIKE $1 ESCAPE '\\' OR "id" = $2) LIMIT ${SEARCH_CANDIDATES + 1}) ` +
      `SELECT n."k", n."t", p."j" FROM (SELECT count(*)::int AS "k", ${total} AS "t" FROM c) n LEFT JOIN LATERAL (` +
      `SELECT ${PG_SUMMARY_JSON} AS "j", "${page.sort}" AS "s", "id" AS "i" FROM "Run" WHERE "id" = ANY(ARRAY(` +
      `SELECT "id" FROM "Run" WHERE ${filtered}${orderBy(page)} ` +
      `LIMIT $${n + 1} OFFSET $${n + 2}))) p ON true ORDER BY p."s" ${dir}, p."i" ${dir}`;
    const r = await pool.query({
      name: statementName(text),
      text,
      values: [`%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`, term, ...w.values, page.limit, page.offset],
      rowMode: 'array',
    });
    const rows = r.rows as [number, number | null, string | null][];
    if ((rows[0]?.[0] ?? 0) > SEARCH_CANDIDATES) {
      // Only a choice of plan (both are exact).
      if (broadTerms.size >= 1000) broadTerms.clear();
      broadTerms.set(term, true);
      setTimeout(() => broadTerms.delete(term), 10_000).unref();
      return null;
    }
    const t = rows[0]?.[1];
    if (typeof t === 'number') counted?.(t);
    return rows.flatMap(([, , j]) => (j === null ? [] : [j]));
  };
  // Concurrent health checks share one round trip.
  let pending: Promise<void> | null = null;
  return {
    ping() {
      pending ??= pool.query('SELECT 1').then(
        () => {
          pending = null;
        },
        (err: unknown) => {
          pending = null;
          throw err;
        },
      );
      return pending;
    },
    runDetail: loadDetail,
    async listRuns(filter, page) {
      const w = runWhere(filter, param, 'postgresql', page);
      const n = w.values.length;
      const r = await pool.query(pageSql(listCols, w.sql, page, param(n), param(n + 1), 'postgresql'), [
        ...w.values,
        page.limit,
        page.offset,
      ]);
      return r.rows as Run[];
    },
    async listRunsJson(filter, page, counted) {
      const term = filter.q?.trim();
      if (term && !baseline && [...term].length >= 3 && !broadTerms.has(term)) {
        const found = await searchPage(term, filter, page, counted);
        if (found) return found;
      }
      const w = runWhere(filter, param, 'postgresql', page);
      const n = w.values.length;
      const text = pageSql(PG_SUMMARY_JSON, w.sql, page, param(n), param(n + 1), 'postgresql');
      const values = [...w.values, page.limit, page.offset];
      // Without a name search, a named (prepared) statement: planned once per connection, its generic plan walks
      // the same index as a fresh plan (saves ~0.2–1 ms of planning a page). A search is planned per term (the
      // trigram index pays off for a rare term, not for a common one).
      const r =
        term || baseline
          ? await pool.query({
              text: generic ? literalQuery(text, values) : text,
              values: generic ? [] : values,
              rowMode: 'array',
            })
          : await pool.query({ text, name: statementName(text), values, rowMode: 'array' });
      return (r.rows as [string][]).map((row) => row[0]);
    },
    async countRunsByStatusLocation(q) {
      const w = runWhere({ q }, param, 'postgresql');
      const text = `SELECT "status","location",COUNT(*)::int AS "n" FROM "Run"${w.sql} GROUP BY "status","location"`;
      // Per term (literals): a rare term counts through the trigram index, a common one scans.
      const r = await pool.query(generic ? literalQuery(text, w.values) : text, generic ? [] : w.values);
      return r.rows as { status: string; location: string; n: number }[];
    },
    async countRuns(filter) {
      const w = runWhere(filter, param, 'postgresql');
      const text = `SELECT COUNT(*)::int AS "n" FROM "Run"${w.sql}`;
      const r = await pool.query(generic ? literalQuery(text, w.values) : text, generic ? [] : w.values);
      return (r.rows[0] as { n: number }).n;
    },
    async run(id) {
      const r = await pool.query({
        name: 'hot_run',
        text: `SELECT ${cols} FROM "Run" WHERE "id" = $1`,
        values: [id],
      });
      return (r.rows[0] as Run | undefined) ?? null;
    },
    async epochMetrics(runId, epoch) {
      const r =
        epoch === undefined
          ? await pool.query({
              name: 'hot_metrics_all',
              text: 'SELECT "epoch","name","value" FROM "MetricPoint" WHERE "runId" = $1 AND "step" = -1 ORDER BY "epoch" DESC LIMIT 50',
              values: [runId],
            })
          : await pool.query({
              name: 'hot_metrics_epoch',
              text: 'SELECT "epoch","name","value" FROM "MetricPoint" WHERE "runId" = $1 AND "step" = -1 AND "epoch" = $2 ORDER BY "epoch" DESC LIMIT 50',
              values: [runId, epoch],
            });
      return r.rows as LatestMetric[];
    },
    close: () => pool.end(),
  };
}

export function openHotReads(provider: Provider, url: string): HotReads {
  return provider === 'sqlite' ? sqliteReads(url) : postgresReads(url);
}
