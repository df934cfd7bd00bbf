// `npm test`: installs what it needs, then lint, build, typecheck, every package's unit tests (with a throw-away
// PostgreSQL for the API's tests) and the Playwright journeys against a production build. Exits non-zero on any
// failure and closes with one line `N passed, N failed`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkEngines } from './lib/check-engines.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { ensureNodeModules, repoRoot, run, section } from './lib/run.mjs';
import { ensureSystemPackages } from './lib/system-deps.mjs';

const started = Date.now();
const checks = []; // { name, ok, passed, failed, skipped }

function record(name, ok, counts = {}) {
  checks.push({
    name,
    ok,
    passed: counts.passed ?? 0,
    failed: counts.failed ?? 0,
    skipped: counts.skipped ?? 0,
  });
  console.log(`${ok ? '✔' : '✘'} ${name}`);
}

section('System packages');
await ensureSystemPackages();
section('npm dependencies');
await ensureNodeModules();
record('dependency engines accept this node', checkEngines());

section('Lint (Biome)');
record('lint', (await run('npx', ['biome', 'check', '--reporter=summary', '.'])) === 0);

section('Build');
const built =
  (await run('npx', ['turbo', 'run', 'build', '--log-order=grouped', '--output-logs=new-only'])) === 0;
record('build', built);

if (built) {
  section('Typecheck');
  record('typecheck', (await run('npx', ['turbo', 'run', 'typecheck', '--log-order=grouped'])) === 0);

  section('Unit tests');
  let pg = null;
  try {
    pg = await startThrowawayPostgres();
    console.log(`Throw-away PostgreSQL at ${pg.url}`);
  } catch (err) {
    console.error(`Could not start PostgreSQL: ${err.message}`);
  }
  // An interrupted run must not leave the throw-away server behind.
  const stopOnSignal = (signal) => {
    pg?.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const unitEnv = { ...process.env, ...(pg ? { BNN_TEST_DATABASE_URL: pg.url } : {}) };
  const vitestReports = workspaceDirs().map((d) => join(d, 'test-results', 'vitest.json'));
  for (const f of vitestReports) rmSync(f, { force: true });
  const unitCode = await run(
    'npx',
    [
      'turbo',
      'run',
      'test',
      '--concurrency=1',
      '--log-order=grouped',
      '--filter=!@bnn-studio/e2e',
      '--',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/vitest.json',
    ],
    { env: { ...unitEnv, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' } },
  );
  pg?.stop();
  process.removeListener('SIGINT', stopOnSignal);
  process.removeListener('SIGTERM', stopOnSignal);
  const unit = vitestReports.filter(existsSync).reduce(
    (acc, f) => {
      const r = JSON.parse(readFileSync(f, 'utf8'));
      return {
        passed: acc.passed + r.numPassedTests,
        failed: acc.failed + r.numFailedTests,
        skipped: acc.skipped + r.numPendingTests + (r.numTodoTests ?? 0),
      };
    },
    { passed: 0, failed: 0, skipped: 0 },
  );
  record('unit tests', unitCode === 0 && unit.failed === 0, unit);

  section('End-to-end journeys (Playwright, Chromium, production build)');
  const e2eReport = join(repoRoot, 'e2e', 'test-results', 'e2e.json');
  rmSync(e2eReport, { force: true });
  mkdirSync(join(repoRoot, 'e2e', 'test-results'), { recursive: true });
  const e2eCode = await run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts']);
  let e2e = { passed: 0, failed: e2eCode === 0 ? 0 : 1, skipped: 0 };
  if (existsSync(e2eReport)) {
    const s = JSON.parse(readFileSync(e2eReport, 'utf8')).stats;
    e2e = { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped };
  }
  record('e2e journeys', e2eCode === 0 && e2e.failed === 0, e2e);
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
section(`Summary (${minutes} min)`);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const c of checks) {
  const counts =
    c.passed + c.failed > 0 ? ` (${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped)` : '';
  console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${counts}`);
  if (c.passed + c.failed + c.skipped > 0) {
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  } else if (c.ok) passed += 1;
  else failed += 1;
  // A stage that failed without reporting a failing test still counts as one failure.
  if (!c.ok && c.failed === 0 && c.passed + c.skipped > 0) failed += 1;
}
const ok = checks.every((c) => c.ok);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);

function workspaceDirs() {
  return ['apps', 'packages'].flatMap((top) =>
    readdirSync(join(repoRoot, top), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(repoRoot, top, d.name)),
  );
}
