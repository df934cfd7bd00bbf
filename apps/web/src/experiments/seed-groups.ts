/**
 * Seed groups: completed runs of the same architecture version on the same dataset for the same number of epochs,
 * whose names differ only by a trailing "seed N" (e.g. "larq-mnist · seed 1", "· seed 2", …), trained with at
 * least two different seeds. The dashboard shows their accuracy as mean ± sample standard deviation, the spread a
 * single run hides.
 */
import { type RunSummary, runAccuracy } from '../lib/studio-api';

export interface SeedGroup {
  key: string;
  name: string;
  datasetId: string;
  seeds: number[];
  runIds: string[];
  accuracies: number[];
  mean: number;
  /** Sample standard deviation (n − 1). */
  sd: number;
}

/** The run name without a trailing "seed N" (with an optional "·", "-", "," or "(" before it). */
export function baseRunName(name: string): string {
  return name.replace(/\s*[·,(-]?\s*seed\s*\d+\)?\s*$/i, '').trim();
}

export function seedGroups(runs: RunSummary[]): SeedGroup[] {
  const byKey = new Map<string, { name: string; datasetId: string; runs: RunSummary[] }>();
  for (const r of runs) {
    const acc = runAccuracy(r);
    if (r.status !== 'completed' || acc === null || typeof r.seed !== 'number') continue;
    const name = baseRunName(r.name ?? '');
    const key = [r.architectureVersionId ?? '', r.datasetId ?? '', String(r.epochs ?? ''), name].join(
      '\u0000',
    );
    const g = byKey.get(key) ?? { name, datasetId: r.datasetId ?? '', runs: [] };
    g.runs.push(r);
    byKey.set(key, g);
  }
  const out: SeedGroup[] = [];
  for (const [key, g] of byKey) {
    // One run per seed (the latest listed first wins).
    const bySeed = new Map<number, RunSummary>();
    for (const r of g.runs) if (!bySeed.has(r.seed as number)) bySeed.set(r.seed as number, r);
    if (bySeed.size < 2) continue;
    const members = [...bySeed.entries()].sort((a, b) => a[0] - b[0]);
    const accuracies = members.map(([, r]) => runAccuracy(r) as number);
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    const sd = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (accuracies.length - 1));
    out.push({
      key,
      name: g.name,
      datasetId: g.datasetId,
      seeds: members.map(([s]) => s),
      runIds: members.map(([, r]) => r.id),
      accuracies,
      mean,
      sd,
    });
  }
  return out.sort((a, b) => b.mean - a.mean);
}
