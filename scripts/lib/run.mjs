// Small process helpers shared by the root scripts (start, test, bench). Node built-ins only: these scripts run
// before `npm ci` on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Environment for every child: no telemetry, no update checks, nothing phoning home. */
export const quietEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

/** Runs a command with inherited stdio; resolves to its exit code (never throws on failure). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: repoRoot, env: quietEnv, ...opts });
    child.on('error', (err) => {
      console.error(`[${cmd}] could not start: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** True when node_modules is missing or older than package-lock.json (so `npm ci` is needed). */
export function installNeeded() {
  const marker = join(repoRoot, 'node_modules', '.package-lock.json');
  const lock = join(repoRoot, 'package-lock.json');
  if (!existsSync(marker)) return true;
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
}

export async function ensureNodeModules() {
  if (!installNeeded()) return;
  console.log('> Installing npm dependencies (npm ci)…');
  // No fallback to `npm install`: the committed lock file is the install. It lists every platform's optional
  // binaries (biome, rollup, turbo, next's swc, ...), so npm ci accepts it on any machine.
  const code = await run('npm', ['ci', '--no-audit', '--no-fund']);
  if (code !== 0) {
    console.error(
      'npm ci failed. If it says the lock file is out of sync, run `npm install` on a machine that reaches the npm registry and commit package-lock.json; otherwise fix the error above (the npm registry must be reachable), then run again.',
    );
    process.exit(code);
  }
}

export function section(title) {
  console.log(`\n━━━ ${title} ━━━`);
}
