// Worker threads started from either build: compiled (`<entry>.js` beside the caller) or TypeScript sources under
// vitest/tsx, where Node 20 workers do not inherit `--import tsx` and `<entry>-source.mjs` registers tsx first.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the worker module `entry` (a name beside `callerUrl`, the caller's `import.meta.url`). */
export function startThread(callerUrl: string, entry: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(fromSource ? `./${entry}-source.mjs` : `./${entry}.js`, callerUrl);
  return new Worker(url, { ...options, execArgv: fromSource ? ['--conditions=source'] : [] });
}

/**
 * Runs the one-answer worker `entry` on `input` (any structured-cloneable value) and resolves with its first
 * message. A Uint8Array input that owns its whole buffer is moved to the thread, not copied, as is every buffer in
 * `transfer` (the caller must not use them afterwards). `name` names the thread in the error when it exits before
 * answering ("the <name> thread exited with code …").
 */
export function askThread<T>(
  callerUrl: string,
  entry: string,
  input: unknown,
  name: string,
  transfer: ArrayBuffer[] = [],
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const own =
      input instanceof Uint8Array && input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
    const worker = startThread(callerUrl, entry, {
      workerData: input,
      transferList: own ? [input.buffer as ArrayBuffer, ...transfer] : transfer,
    });
    let settled = false;
    worker.once('message', (m: T) => {
      settled = true;
      resolve(m);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the ${name} thread exited with code ${code} before answering`));
    });
  });
}
