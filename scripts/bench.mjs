// `npm run bench`: runs every package's benchmark (each writes bench-results/<package>.json) and prints one
// table. Ratios are always ours ÷ the named baseline, measured side by side in the same run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules, repoRoot, run, section } from './lib/run.mjs';

await ensureNodeModules();
const outDir = join(repoRoot, 'bench-results');
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2);

const benches = ['packages/bnn-core', 'packages/kernels', 'packages/exporters', 'apps/api'].filter((dir) => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8'));
  return pkg.scripts?.bench && (only.length === 0 || only.some((o) => pkg.name.includes(o)));
});

section('Build');
if ((await run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'])) !== 0) process.exit(1);

let failures = 0;
for (const dir of benches) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8'));
  section(`Benchmark ${pkg.name}`);
  const file = join(outDir, `${pkg.name.split('/').pop()}.json`);
  rmSync(file, { force: true });
  const code = await run('npm', ['run', 'bench', '-w', pkg.name]);
  if (code !== 0 || !existsSync(file)) {
    console.error(
      `✘ ${pkg.name}: benchmark failed (exit ${code}${existsSync(file) ? '' : ', no result file'})`,
    );
    failures += 1;
  }
}

section('All results');
const fmt = (v) =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'number'
      ? Number(v.toPrecision(4)).toString()
      : String(v);
for (const f of readdirSync(outDir).filter((n) => n.endsWith('.json'))) {
  const r = JSON.parse(readFileSync(join(outDir, f), 'utf8'));
  console.log(`\n${r.package} — ${r.machine?.cpu} × ${r.machine?.cores}`);
  console.table(
    r.cases.map((c) => ({
      case: c.case,
      metric: c.metric,
      value: `${fmt(c.value)} ${c.unit ?? ''}`,
      baseline: c.baseline ?? '—',
      baselineValue: fmt(c.baselineValue),
      ratio: fmt(c.ratio),
    })),
  );
}
process.exit(failures > 0 ? 1 : 0);
