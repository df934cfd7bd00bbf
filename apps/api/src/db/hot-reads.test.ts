// The driver-level reads against Prisma's (the reference): same rows, same order, same counts.
import { getPreset } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma, Run } from '../generated/sqlite/client.js';
import { runDto } from '../services/runs/dto.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';
import { RUN_LIST_COLUMNS, type RunFilter, type RunPage } from './hot-reads.js';

const select = Object.fromEntries(RUN_LIST_COLUMNS.map((c) => [c, true])) as Record<string, true>;

describe.each(testProviders())('hot reads (%s)', (provider) => {
  let t: TestApp;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(provider);
    const graph = getPreset('mnist-tiny');
    const statuses = ['completed', 'failed', 'running', 'completed', 'cancelled', 'completed'];
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/runs',
        headers: t.auth,
        payload: {
          graph,
          datasetId: 'mnist',
          location: 'browser',
          name: `${i % 3 ? 'Sweep' : 'quick_net'} ${i % 5}`,
          config: { epochs: 2, batchSize: 32, seed: i, optimizer: { id: 'adam' } },
        },
      });
      const id = res.json().run.id as string;
      ids.push(id);
      const status = statuses[i % statuses.length]!;
      await t.ctx.db.run.update({
        where: { id },
        data: {
          status,
          location: i % 2 ? 'browser' : 'server',
          finalAccuracy: status === 'completed' ? [0.9, 0.8, 0.9, 0.7][i % 4]! : null,
          durationMs: i % 4 ? 1000 * (i % 3) : null,
          finishedAt: status === 'running' ? null : new Date(Date.UTC(2026, 0, 1, 0, i)),
          weightsSha256: i % 2 ? 'ab'.repeat(32) : null,
          // Values whose JSON must survive the database's serialisation: ms timestamps, awkward doubles, text.
          startedAt: i % 3 ? new Date(Date.UTC(2025, 11, 31, 23, 59, 59, (i * 137) % 1000)) : null,
          finalLoss: i % 4 ? 0.1 + 0.2 * i + 1e-17 : i === 4 ? 1e21 : null,
          packedBytes: i % 5 ? 1000 + i : null,
          error: i % 6 === 1 ? `bad "quote" \\ back\nline \u0001 é ${i}` : null,
        },
      });
    }
  });
  afterAll(async () => t?.close());

  async function reference(f: RunFilter, p: RunPage) {
    const where: Prisma.RunWhereInput = {};
    if (f.status?.length) where.status = { in: f.status };
    if (f.location) where.location = f.location;
    if (f.q) {
      where.OR = [
        { name: { contains: f.q, ...(provider === 'postgresql' ? { mode: 'insensitive' as const } : {}) } },
        { id: f.q },
      ];
    }
    const [rows, count] = await Promise.all([
      t.ctx.db.run.findMany({
        where,
        orderBy: [{ [p.sort]: p.order }, { id: p.order }],
        skip: p.offset,
        take: p.limit,
        select,
      }),
      t.ctx.db.run.count({ where }),
    ]);
    return { rows, count };
  }

  it('lists and counts runs exactly as Prisma does, for every sort, order and filter', async () => {
    const filters: RunFilter[] = [
      {},
      { status: ['completed'] },
      { status: ['completed', 'failed'], location: 'server' },
      { q: 'sweep' },
      { q: 'SWEEP 1', status: ['completed'] },
      { q: ids[3]! },
    ];
    const sorts: RunPage['sort'][] = [
      'createdAt',
      'name',
      'status',
      'finalAccuracy',
      'packedBytes',
      'durationMs',
    ];
    for (const f of filters)
      for (const sort of sorts)
        for (const order of ['asc', 'desc'] as const)
          for (const [offset, limit] of [
            [0, 50],
            [2, 3],
          ] as const) {
            const page = { sort, order, offset, limit };
            const ref = await reference(f, page);
            const label = JSON.stringify({ f, page });
            expect(await t.ctx.dbHandle.reads.listRuns(f, page), label).toEqual(ref.rows);
            // The database's RunSummary JSON: what runDto of Prisma's rows serialises to.
            const json = await t.ctx.dbHandle.reads.listRunsJson(f, page);
            expect(
              json.map((j) => JSON.parse(j)),
              label,
            ).toEqual(JSON.parse(JSON.stringify(ref.rows.map((r) => runDto(r as unknown as Run)))));
            expect(await t.ctx.dbHandle.reads.countRuns(f), label).toBe(ref.count);
          }
  });

  it.runIf(provider === 'sqlite')(
    "serialises every date form SQLite may hold (Prisma's ISO text, epoch ms as integer or digits, other ISO text) as Date.toJSON does",
    async () => {
      const forms: [string | number | null, string | null][] = [
        ['2026-01-02T03:04:05.678+00:00', '2026-01-02T03:04:05.678Z'],
        [1767225599123, '2025-12-31T23:59:59.123Z'],
        ['1767225599001', '2025-12-31T23:59:59.001Z'],
        ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000Z'],
        ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
        [null, null],
      ];
      const id = ids[5]!;
      for (const [stored, wire] of forms) {
        await t.ctx.db.$executeRawUnsafe('UPDATE "Run" SET "startedAt" = ? WHERE "id" = ?', stored, id);
        const page = { sort: 'createdAt', order: 'asc', offset: 0, limit: 50 } as const;
        const json = (await t.ctx.dbHandle.reads.listRunsJson({ q: id }, page)).map((j) => JSON.parse(j));
        const rows = await t.ctx.dbHandle.reads.listRuns({ q: id }, page);
        expect(json[0].startedAt, String(stored)).toBe(wire);
        expect(json, String(stored)).toEqual(JSON.parse(JSON.stringify(rows.map((r) => runDto(r)))));
      }
    },
  );

  it('matches search text literally (LIKE wildcards escaped)', async () => {
    const reads = t.ctx.dbHandle.reads;
    expect(await reads.countRuns({ q: 'quick_net' })).toBe(4);
    expect(await reads.countRuns({ q: 'quick%net' })).toBe(0);
    expect(await reads.countRuns({ q: 'Sweep_' })).toBe(0);
    expect(await reads.countRuns({ q: '\\' })).toBe(0);
    const res = await t.app.inject({ method: 'GET', url: '/api/runs?q=%25', headers: t.auth });
    expect(res.json()).toMatchObject({ runs: [], total: 0 });
  });

  it('reads a run and its epoch metrics as Prisma does', async () => {
    for (const id of ids.slice(0, 4))
      expect(await t.ctx.dbHandle.reads.run(id)).toEqual(await t.ctx.db.run.findUnique({ where: { id } }));
    expect(await t.ctx.dbHandle.reads.run('run_nope')).toBeNull();
    expect(await t.ctx.dbHandle.reads.runDetail('run_nope')).toBeNull();
    // Concurrent reads (batched into one round trip on Postgres) each get their own run, or null.
    const asked = [...ids.slice(0, 5), 'run_nope', ids[0]!];
    const many = await Promise.all(asked.map((id) => t.ctx.dbHandle.reads.runDetail(id)));
    for (const [i, id] of asked.entries())
      expect(many[i]?.run ?? null).toEqual(await t.ctx.db.run.findUnique({ where: { id } }));
    // Latest epoch-level points: all epochs while epochsDone is 0, then only the last committed epoch.
    const id = ids[2]!; // a running browser run
    const points = [1, 2, 3].flatMap((epoch) => [
      { epoch, name: 'loss', value: 1 / (epoch + 0.1) },
      { epoch, name: 'accuracy', value: epoch / 3.3 },
      { epoch, step: 4, name: 'batchLoss', value: 0.123456789 * epoch },
    ]);
    await t.ctx.db.metricPoint.createMany({
      data: points.map((p) => ({ ...p, runId: id, step: p.step ?? -1 })),
    });
    const ref = async (epochsDone: number) =>
      t.ctx.db.metricPoint.findMany({
        where: { runId: id, step: -1, epoch: epochsDone > 0 ? epochsDone : undefined },
        orderBy: [{ epoch: 'desc' }],
        take: 50,
        select: { epoch: true, name: true, value: true },
      });
    const sortByName = <T extends { epoch: number; name: string }>(a: T[]) =>
      [...a].sort((x, y) => y.epoch - x.epoch || x.name.localeCompare(y.name));
    for (const epochsDone of [0, 2]) {
      await t.ctx.db.run.update({ where: { id }, data: { epochsDone } });
      const detail = await t.ctx.dbHandle.reads.runDetail(id);
      expect(detail!.run).toEqual(await t.ctx.db.run.findUnique({ where: { id } }));
      expect(sortByName(detail!.latest)).toEqual(sortByName(await ref(epochsDone)));
    }
    await t.ctx.dbHandle.reads.ping();
  });
});
