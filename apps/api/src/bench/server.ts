// Starting the studio server for the benches and measuring aids: `src/cli/main.ts serve` on a free loopback port,
// from the TypeScript sources (tsx), answering once it logs "Studio ready".
import { type ChildProcess, spawn } from 'node:child_process';
import type { Provider } from '../config.js';
import { API_ROOT } from '../lib/paths.js';

/**
 * Node arguments (after any node flags) that start `bnn-studio serve` from the TypeScript sources on a free loopback
 * port; run with `cwd` apps/api. The server logs "Studio ready at http://localhost:PORT" once it listens.
 */
export const SERVE_ARGS: readonly string[] = [
  '--conditions=source',
  '--import',
  'tsx',
  'src/cli/main.ts',
  'serve',
  '--port',
  '0',
  '--host',
  '127.0.0.1',
];

export interface BenchServerOptions {
  /** Environment over process.env (the caller's order of precedence is kept: later keys win). */
  env: Record<string, string>;
  /** Node flags before the entry (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Working directory of the server (default: apps/api). */
  cwd?: string;
}

/** Spawns the server and resolves with its base URL once it is ready; rejects when it exits before that. */
export async function startBenchServer(
  opts: BenchServerOptions,
): Promise<{ base: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...SERVE_ARGS], {
    cwd: opts.cwd ?? API_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /Studio ready at http:\/\/localhost:(\d+)/.exec(buf);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}): ${buf}`)));
  });
  proc.stdout!.resume();
  return { base, proc };
}

/**
 * The environment of a list-measuring server on a seeded database: data in `dataDir`, one job worker, no rate limit,
 * warn-level logs, and `DATABASE_URL` for Postgres (SQLite lives in `dataDir`).
 */
export function seededServerEnv(o: {
  dataDir: string;
  token: string;
  provider: Provider;
  url: string;
}): Record<string, string> {
  return {
    BNN_STUDIO_DATA: o.dataDir,
    BNN_STUDIO_WORKERS: '1',
    BNN_STUDIO_TOKEN: o.token,
    BNN_STUDIO_LOG_LEVEL: 'warn',
    BNN_STUDIO_RATE_LIMIT: '100000000',
    ...(o.provider === 'postgresql' ? { DATABASE_URL: o.url } : {}),
  };
}
