// Every write to runs, and to the metric points their reads show, goes through this repository; each write drops
// the run read cache (lib/read-cache.ts) when it is done, failed or not, so no service has to remember to.
// Invalidation after the write is enough: the cache tags an entry with the generation its load started in, so a
// load that raced the write is never served once the write has bumped the generation.
import type { Provider } from '../../config.js';
import type { Db, DbTx, Prisma } from '../../db/client.js';
import type { ReadCache } from '../../lib/read-cache.js';
import type { MetricPointIn } from '../../schemas.js';

export class RunsRepository {
  constructor(
    private readonly db: Db,
    private readonly cache: ReadCache,
    private readonly provider: Provider,
  ) {}

  private async write<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } finally {
      this.cache.invalidate();
    }
  }

  create(data: Prisma.RunUncheckedCreateInput) {
    return this.write(() => this.db.run.create({ data }));
  }

  /** Conditional update of the runs `where` matches; the number changed (0 when the condition no longer holds). */
  update(where: Prisma.RunWhereInput, data: Prisma.RunUncheckedUpdateManyInput): Promise<number> {
    return this.write(async () => (await this.db.run.updateMany({ where, data })).count);
  }

  /** Deletes a run with its metric points and artifact records (cascade). */
  delete(id: string) {
    return this.write(() => this.db.run.delete({ where: { id } }));
  }

  /** Several writes in one transaction (e.g. a completion and its weights artifact). */
  transaction<T>(fn: (tx: DbTx) => Promise<T>): Promise<T> {
    return this.write(() => this.db.$transaction((tx) => fn(tx)));
  }

  /** Stores metric points idempotently (see writeMetricPoints); the number of distinct points written. */
  writeMetrics(runId: string, points: MetricPointIn[]): Promise<number> {
    return this.write(() => writeMetricPoints(this.db, runId, points, this.provider));
  }

  /** Drops the points after `epoch` (a resumed job produces them again). */
  deleteMetricsAfter(runId: string, epoch: number) {
    return this.write(() => this.db.metricPoint.deleteMany({ where: { runId, epoch: { gt: epoch } } }));
  }
}

/**
 * Stores metric points idempotently: a point is keyed by (run, name, epoch, step) and re-posting it overwrites its
 * value, so a retried request or a resumed job never duplicates a point. One multi-row
 * `INSERT … ON CONFLICT DO UPDATE` per 1,000 points (same SQL on SQLite and Postgres; Prisma's createMany costs
 * ~0.5 ms per row here).
 */
async function writeMetricPoints(db: DbTx, runId: string, points: MetricPointIn[], provider: Provider) {
  const byKey = new Map<string, [string, number, number, string, number]>();
  for (const p of points) {
    const step = p.step ?? -1;
    byKey.set(`${p.name}\u0000${p.epoch}\u0000${step}`, [runId, p.epoch, step, p.name, p.value]);
  }
  const rows = [...byKey.values()];
  const CHUNK = 1000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: (string | number)[] = [];
    const tuples = chunk.map((r) => {
      const base = params.length;
      params.push(...r);
      return provider === 'postgresql'
        ? `($${base + 1},$${base + 2},$${base + 3},$${base + 4},$${base + 5})`
        : '(?,?,?,?,?)';
    });
    await db.$executeRawUnsafe(
      `INSERT INTO "MetricPoint" ("runId","epoch","step","name","value") VALUES ${tuples.join(',')} ` +
        'ON CONFLICT ("runId","name","epoch","step") DO UPDATE SET "value" = excluded."value"',
      ...params,
    );
  }
  return rows.length;
}
