// Worker threads started from either build: compiled (`<entry>.js` beside the caller) or TypeScript sources under
// vitest/tsx, where Node 20 workers do not inherit `--import tsx` and `<entry>-source.mjs` registers tsx first.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the worker module `entry` (a name beside `callerUrl`, the caller's `import.meta.url`). */
export function startThread(callerUrl: string, entry: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(fromSource ? `./${entry}-source.mjs` : `./${entry}.js`, callerUrl);
  return new Worker(url, { ...options, execArgv: fromSource ? ['--conditions=source'] : [] });
}
