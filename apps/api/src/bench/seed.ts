// Bulk seeding for the benchmark (not measured): 10,000 runs and 1,000,000 metric points written straight into
// the migrated database, in the same formats Prisma writes.
import { getPreset } from '@bnn-studio/bnn-core';
import Database from 'better-sqlite3';
import pg from 'pg';
import { prepareGraph } from '../services/architectures/prepare-graph.js';
import { MNIST_DATASET } from '../services/datasets/ensure-builtin-datasets.js';

export const SEED_RUNS = 10_000;
export const POINTS_PER_RUN = 100; // 25 epochs × 4 metrics
const NAMES = ['loss', 'accuracy', 'valLoss', 'valAccuracy'];
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled'];

function runRow(i: number, versionId: string, t0: number) {
  const created = new Date(t0 - (SEED_RUNS - i) * 60_000).toISOString().replace('Z', '+00:00');
  const status = STATUSES[i % STATUSES.length]!;
  return {
    id: `run_bench_${String(i).padStart(6, '0')}`,
    name: `${i % 7 === 0 ? 'quicknet' : 'bench'} sweep ${i}`,
    status,
    location: i % 3 === 0 ? 'browser' : 'server',
    created,
    acc: status === 'completed' ? 0.8 + ((i * 7919) % 1000) / 5000 : null,
    packed: 5_000 + ((i * 104729) % 200_000),
    versionId,
  };
}

export function seedSqlite(file: string): { runIds: string[] } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const g = prepareGraph(getPreset('mnist-tiny'));
  const t0 = Date.now();
  const now = new Date(t0).toISOString().replace('Z', '+00:00');
  const ids: string[] = [];
  db.transaction(() => {
    db.prepare(
      'INSERT OR IGNORE INTO Dataset (id, name, kind, status, bytes, samples, numClasses, shapeJson, labelsJson, createdAt) VALUES (?,?,?,?,?,?,?,?,?,?)',
    ).run(
      MNIST_DATASET.id,
      MNIST_DATASET.name,
      'builtin',
      'ready',
      0,
      10000,
      10,
      MNIST_DATASET.shapeJson,
      MNIST_DATASET.labelsJson,
      now,
    );
    db.prepare('INSERT INTO Architecture (id, name, createdAt, updatedAt) VALUES (?,?,?,?)').run(
      'arc_bench',
      'bench',
      now,
      now,
    );
    db.prepare(
      'INSERT INTO ArchitectureVersion (id, architectureId, version, graphJson, graphSha256, summaryJson, createdAt) VALUES (?,?,?,?,?,?,?)',
    ).run('arv_bench', 'arc_bench', 1, g.graphJson, g.graphSha256, g.summaryJson, now);
    const insRun = db.prepare(
      `INSERT INTO Run (id, name, architectureVersionId, datasetId, location, status, configJson, seed, epochs, epochsDone,
        createdAt, startedAt, finishedAt, durationMs, finalAccuracy, finalLoss, packedBytes)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    const insPoint = db.prepare(
      'INSERT INTO MetricPoint (runId, epoch, step, name, value) VALUES (?,?,?,?,?)',
    );
    const config = JSON.stringify({ epochs: 25, batchSize: 64, seed: 1, optimizer: { id: 'adam' } });
    for (let i = 0; i < SEED_RUNS; i++) {
      const r = runRow(i, 'arv_bench', t0);
      ids.push(r.id);
      insRun.run(
        r.id,
        r.name,
        r.versionId,
        'mnist',
        r.location,
        r.status,
        config,
        i,
        25,
        25,
        r.created,
        r.created,
        r.created,
        60_000,
        r.acc,
        0.3,
        r.packed,
      );
      for (let e = 1; e <= POINTS_PER_RUN / NAMES.length; e++)
        for (let n = 0; n < NAMES.length; n++) insPoint.run(r.id, e, -1, NAMES[n], 1 / e + n * 0.01);
    }
  })();
  db.close();
  return { runIds: ids };
}

export async function seedPostgres(url: string): Promise<{ runIds: string[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const g = prepareGraph(getPreset('mnist-tiny'));
  await c.query(
    `INSERT INTO "Dataset" (id, name, kind, status, bytes, samples, "numClasses", "shapeJson", "labelsJson") VALUES ($1,$2,'builtin','ready',0,10000,10,$3,$4) ON CONFLICT DO NOTHING`,
    [MNIST_DATASET.id, MNIST_DATASET.name, MNIST_DATASET.shapeJson, MNIST_DATASET.labelsJson],
  );
  await c.query(`INSERT INTO "Architecture" (id, name, "updatedAt") VALUES ('arc_bench','bench', now())`);
  await c.query(
    `INSERT INTO "ArchitectureVersion" (id, "architectureId", version, "graphJson", "graphSha256", "summaryJson") VALUES ('arv_bench','arc_bench',1,$1,$2,$3)`,
    [g.graphJson, g.graphSha256, g.summaryJson],
  );
  const config = JSON.stringify({ epochs: 25, batchSize: 64, seed: 1, optimizer: { id: 'adam' } });
  // Same rows as seedSqlite, generated in SQL.
  await c.query(
    `INSERT INTO "Run" (id, name, "architectureVersionId", "datasetId", location, status, "configJson", seed, epochs, "epochsDone",
       "createdAt", "startedAt", "finishedAt", "durationMs", "finalAccuracy", "finalLoss", "packedBytes")
     SELECT 'run_bench_' || lpad(i::text, 6, '0'),
            CASE WHEN i % 7 = 0 THEN 'quicknet' ELSE 'bench' END || ' sweep ' || i,
            'arv_bench', 'mnist', CASE WHEN i % 3 = 0 THEN 'browser' ELSE 'server' END,
            (ARRAY['completed','completed','completed','failed','cancelled'])[i % 5 + 1], $1, i, 25, 25,
            now() - (($2 - i) * interval '1 minute'), now(), now(), 60000,
            CASE WHEN i % 5 < 3 THEN 0.8 + ((i * 7919) % 1000) / 5000.0 END, 0.3, 5000 + ((i::bigint * 104729) % 200000)
     FROM generate_series(0, $2 - 1) AS i`,
    [config, SEED_RUNS],
  );
  await c.query(
    `INSERT INTO "MetricPoint" ("runId", epoch, step, name, value)
     SELECT 'run_bench_' || lpad(i::text, 6, '0'), e, -1, (ARRAY['loss','accuracy','valLoss','valAccuracy'])[n + 1], 1.0 / e + n * 0.01
     FROM generate_series(0, $1 - 1) AS i, generate_series(1, 25) AS e, generate_series(0, 3) AS n`,
    [SEED_RUNS],
  );
  // As a database that has been in use: statistics and the visibility map (index-only scans) are current.
  await c.query('VACUUM ANALYZE');
  await c.end();
  return { runIds: Array.from({ length: SEED_RUNS }, (_, i) => `run_bench_${String(i).padStart(6, '0')}`) };
}
