// `npm run bench -w @bnn-studio/bnn-core`: writes <repo>/bench-results/bnn-core.json and prints it as a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distillCases } from './distill.js';
import { type BenchCase, inferenceCases } from './infer.js';
import { pruneCases } from './prune.js';
import { trainingCases } from './training.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

async function main(): Promise<void> {
  const only = process.env.BNN_CORE_BENCH;
  // The distillation bench is long (a teacher, a baseline and the distilled runs per seed): only on request.
  // The distillation and pruning benches are long: only on request, each alone.
  const alone = only === 'distill' || only === 'prune';
  const cases: BenchCase[] = alone ? [] : [...inferenceCases()];
  let failure: unknown = null;
  if (only === 'prune') {
    try {
      cases.push(...(await pruneCases()));
    } catch (e) {
      failure = e;
    }
  } else if (only === 'distill') {
    try {
      cases.push(...(await distillCases()));
    } catch (e) {
      failure = e;
    }
  } else if (only !== 'infer') {
    // A failing training run must not lose the other cases: record what we have, then fail loudly.
    try {
      cases.push(...(await trainingCases()));
    } catch (e) {
      failure = e;
    }
  }
  const cpus = os.cpus();
  const result = {
    package: '@bnn-studio/bnn-core',
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length },
    cases,
  };
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, alone ? `bnn-core-${only}.json` : 'bnn-core.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const fmt = (v: number | null) => (v === null ? '—' : Number(v.toPrecision(4)).toString());
  console.table(
    cases.map((c) => ({
      case: c.case,
      metric: c.metric,
      value: `${fmt(c.value)} ${c.unit}`,
      baseline: c.baseline ?? '—',
      'baseline value': fmt(c.baselineValue),
      ratio: fmt(c.ratio),
    })),
  );
  console.log(`wrote ${join(dir, alone ? `bnn-core-${only}.json` : 'bnn-core.json')}`);
  if (failure) {
    console.error('bnn-core bench: the training cases failed:', failure);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
