// The run list (deferred join on the sort column's index, total derived from a partly filled page) against the
// plain query — WHERE, ORDER BY, LIMIT/OFFSET and COUNT(*) with no index hints — on the bench's 10,000 runs, for
// 300 seeded distinct queries of the bench workload.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctListQueries } from '../../bench/list-queries.js';
import { seedPostgres, seedSqlite } from '../../bench/seed.js';
import { RunListQuery } from '../../schemas.js';
import { createTestApp, type TestApp, testProviders } from '../../test/helpers.js';
import { listRuns, listRunsJson } from './list-runs.js';

type Plain = (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

function plainQuery(q: RunListQuery, provider: 'sqlite' | 'postgresql') {
  const values: unknown[] = [];
  const p = () => (provider === 'sqlite' ? '?' : `$${values.length}`);
  const terms: string[] = [];
  if (q.status?.length) {
    const ps = q.status.map((s) => {
      values.push(s);
      return p();
    });
    terms.push(`"status" IN (${ps.join(',')})`);
  }
  if (q.location) {
    values.push(q.location);
    terms.push(`"location" = ${p()}`);
  }
  if (q.q?.trim()) {
    const term = q.q.trim();
    values.push(`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const a = p();
    values.push(term);
    terms.push(`("name" ${provider === 'sqlite' ? 'LIKE' : 'ILIKE'} ${a} ESCAPE '\\' OR "id" = ${p()})`);
  }
  const where = terms.length ? ` WHERE ${terms.join(' AND ')}` : '';
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  return {
    page: `SELECT "id" FROM "Run"${where} ORDER BY "${q.sort}" ${dir}, "id" ${dir} LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    count: `SELECT COUNT(*) AS "n" FROM "Run"${where}`,
    values,
  };
}

describe.each(testProviders())('run list pages (%s)', (provider) => {
  let t: TestApp;
  let plain: Plain;
  let close: () => Promise<void>;
  beforeAll(async () => {
    t = await createTestApp(provider);
    const url = t.ctx.config.databaseUrl;
    if (provider === 'sqlite') {
      seedSqlite(url);
      const db = new Database(url, { readonly: true });
      plain = async (sql, values) => db.prepare(sql).all(...values) as Record<string, unknown>[];
      close = async () => {
        db.close();
      };
    } else {
      await seedPostgres(url);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      plain = async (sql, values) => (await c.query(sql, values)).rows;
      close = () => c.end();
    }
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });

  it('answers 300 distinct queries exactly as the plain query and count do', async () => {
    const draw = distinctListQueries(0xfeed);
    let partial = 0;
    for (let i = 0; i < 300; i++) {
      const path = draw();
      const q = RunListQuery.parse(Object.fromEntries(new URL(path, 'http://x').searchParams));
      const got = await listRuns(t.ctx, q);
      const ref = plainQuery(q, provider);
      const ids = (await plain(ref.page, ref.values)).map((r) => r.id);
      const total = Number((await plain(ref.count, ref.values))[0]!.n);
      expect(
        got.runs.map((r) => r.id),
        path,
      ).toEqual(ids);
      expect(got.total, path).toBe(total);
      // The route's bytes (runs serialised by the database) say the same as the objects.
      expect(JSON.parse(await listRunsJson(t.ctx, q)), path).toEqual(JSON.parse(JSON.stringify(got)));
      if (ids.length > 0 && ids.length < q.pageSize) partial++;
    }
    expect(partial).toBeGreaterThan(10); // the derived total is exercised
  });

  it('walks every page by cursor exactly as the plain query orders them (every sort, order, nulls, filters)', async () => {
    const draw = distinctListQueries(0xc0de);
    const sorts = ['createdAt', 'name', 'status', 'finalAccuracy', 'packedBytes', 'durationMs'];
    let walked = 0;
    for (let i = 0; i < 36; i++) {
      const { page: _page, ...params } = Object.fromEntries(new URL(draw(), 'http://x').searchParams);
      // Every sort and order; a third of the walks without filters, so they cross the nulls of nullable sorts.
      const base = {
        ...(i % 3 === 0 ? {} : params),
        sort: sorts[i % 6]!,
        order: i % 12 < 6 ? 'asc' : 'desc',
        pageSize: '300',
      };
      const q0 = RunListQuery.parse({ ...base, page: '1' });
      const ref = plainQuery({ ...q0, pageSize: 1500 }, provider);
      const want = (await plain(ref.page, ref.values)).map((r) => r.id);
      const total = Number((await plain(ref.count, ref.values))[0]!.n);
      const got: unknown[] = [];
      let cursor: string | undefined;
      for (let pageNo = 0; pageNo < 5; pageNo++) {
        const q = RunListQuery.parse({ ...base, ...(cursor ? { cursor } : {}) });
        const page = await listRuns(t.ctx, q);
        const json = JSON.parse(await listRunsJson(t.ctx, q));
        expect(json, JSON.stringify(base)).toEqual(JSON.parse(JSON.stringify(page)));
        expect(page.total, JSON.stringify(base)).toBe(total);
        expect(page.page).toBe(cursor ? null : 1);
        got.push(...page.runs.map((r) => r.id));
        walked++;
        if (!page.nextCursor) {
          expect(page.runs.length).toBeLessThan(300);
          break;
        }
        cursor = page.nextCursor;
      }
      expect(got, JSON.stringify(base)).toEqual(want.slice(0, got.length));
      expect(got.length, JSON.stringify(base)).toBe(Math.min(want.length, 1500));
    }
    expect(walked).toBeGreaterThan(60);
    // Across the nulls, both ways: ~111 runs ('sweep 10…') of every status, nullable sorts, pages of 7.
    for (const sort of ['finalAccuracy', 'packedBytes', 'durationMs', 'createdAt'])
      for (const order of ['asc', 'desc']) {
        const base = { q: 'ep 10', sort, order, pageSize: '7' };
        const ref = plainQuery({ ...RunListQuery.parse(base), pageSize: 1000 }, provider);
        const want = (await plain(ref.page, ref.values)).map((r) => r.id);
        const got: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 40; n++) {
          const page = await listRuns(t.ctx, RunListQuery.parse({ ...base, ...(cursor ? { cursor } : {}) }));
          got.push(...page.runs.map((r) => r.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(want.length).toBeGreaterThan(100);
        expect(got, `${sort} ${order}`).toEqual(want);
      }
  });

  it('refuses a cursor it did not give, or one of another sort or order, or with page, with 400', async () => {
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/runs?sort=finalAccuracy&order=desc&pageSize=5',
      headers: t.auth,
    });
    const { nextCursor } = first.json() as { nextCursor: string };
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const ok = await t.app.inject({
      method: 'GET',
      url: `/api/runs?sort=finalAccuracy&order=desc&pageSize=5&cursor=${nextCursor}`,
      headers: t.auth,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().page).toBeNull();
    const cases: [string, string, RegExp][] = [
      [`sort=name&order=desc&cursor=${nextCursor}`, 'invalid_cursor', /sort=finalAccuracy&order=desc/],
      [
        `sort=finalAccuracy&order=asc&cursor=${nextCursor}`,
        'invalid_cursor',
        /not sort=finalAccuracy&order=asc/,
      ],
      ['cursor=not-a-cursor', 'invalid_cursor', /not one this API gave/],
      [
        `sort=createdAt&order=desc&cursor=${Buffer.from('["createdAt","desc","yesterday","x"]').toString('base64url')}`,
        'invalid_cursor',
        /not one/,
      ],
      [
        `sort=finalAccuracy&order=desc&cursor=${Buffer.from('["finalAccuracy","desc","0.5","x"]').toString('base64url')}`,
        'invalid_cursor',
        /not one/,
      ],
      [`sort=finalAccuracy&order=desc&page=2&cursor=${nextCursor}`, 'invalid_request', /exclude each other/],
    ];
    for (const [query, code, message] of cases) {
      const res = await t.app.inject({ method: 'GET', url: `/api/runs?${query}`, headers: t.auth });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe(code);
      expect(res.json().error.message, query).toMatch(message);
      expect(res.json().error.fix, query).toBeTruthy();
    }
  });

  it('finds names by search exactly as the plain LIKE/ILIKE does: case, non-ASCII, wildcards, quotes', async () => {
    const names = [
      'Ünïcode Café run',
      'CAFÉ upper',
      'café lower',
      'MixedCase QuickNet',
      '50%_done "quoted" net',
      'back\\slash net',
      'tab\there',
      'ÉCOLE école',
    ];
    const base = await t.ctx.db.run.findFirstOrThrow({ where: { id: 'run_bench_000001' } });
    for (const [i, name] of names.entries())
      await t.ctx.db.run.create({
        data: {
          id: `run_search_${i}`,
          name,
          architectureVersionId: base.architectureVersionId,
          datasetId: base.datasetId,
          location: i % 2 ? 'browser' : 'server',
          status: i % 3 ? 'completed' : 'failed',
          configJson: base.configJson,
          seed: i,
          epochs: 1,
        },
      });
    t.ctx.cache.invalidate();
    const terms = [
      'café',
      'CAFÉ',
      'Café',
      'afé',
      'quicknet',
      'QUICK',
      'ckN',
      '50%_',
      '%_d',
      '"quoted"',
      '"',
      'h\\sl',
      'é r',
      'ünï',
      'ÜNÏ',
      'école',
      'ÉCOLE',
      'b\tthe',
      'xyz-nothing',
      'ca',
      'run_search_3',
      'RUN_SEARCH_3',
    ];
    for (const term of terms)
      for (const extra of [
        {},
        { status: 'completed' },
        { location: 'browser', sort: 'createdAt', order: 'desc' },
      ]) {
        const q = RunListQuery.parse({ q: term, sort: 'name', order: 'asc', pageSize: '20', ...extra });
        const got = await listRuns(t.ctx, q);
        const ref = plainQuery(q, provider);
        const ids = (await plain(ref.page, ref.values)).map((r) => r.id);
        const total = Number((await plain(ref.count, ref.values))[0]!.n);
        const label = `${term} ${JSON.stringify(extra)}`;
        expect(
          got.runs.map((r) => r.id),
          label,
        ).toEqual(ids);
        expect(got.total, label).toBe(total);
        expect(JSON.parse(await listRunsJson(t.ctx, q)), label).toEqual(JSON.parse(JSON.stringify(got)));
      }
  });
});
