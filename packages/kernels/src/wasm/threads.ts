/**
 * Optional two-thread execution of the binary GEMMs. The wasm memory is shared (SharedArrayBuffer) between
 * this thread and one worker that runs the shared-memory build of the same module; a job is posted through a
 * small control block in that memory and synchronised with Atomics, so `run` stays synchronous. Available in
 * Node (worker_threads) and in browsers when `crossOriginIsolated`; otherwise `createGemmWorker` returns null
 * and callers run single-threaded.
 */
import { GEMM_VARIANTS } from './binary-ops.js';
import { type GemmKernelName, kernelsModule } from './runtime.js';

/**
 * Control block: int32 indexes in the shared memory (bytes 64..191, below the heap base of 1024; the row kernels'
 * per-step count stores use the lines at 256 and 384, STEP_STORE_BYTES in wasm/kernels.wat.mjs).
 */
const CTRL = 16;
const POSTED = CTRL;
const DONE = CTRL + 1;
const KERNEL = CTRL + 2;
const ARGS = CTRL + 3;
/** Arguments of a GEMM kernel (GemmKernel in runtime.ts). */
const GEMM_ARGS = 15;
/** Every GEMM kernel by index: the main thread posts an index, the worker calls the kernel of that name. */
const KERNELS: GemmKernelName[] = GEMM_VARIANTS.flatMap((v) => [`${v}_f`, `${v}_b`] as const);
const STOP = 99;

// Worker source, valid both as a Node `eval` worker (CommonJS) and as a browser worker script. It spins briefly
// before sleeping in Atomics.wait, since jobs arrive back to back during inference.
const WORKER_SOURCE = `
const isNode = typeof self === 'undefined';
const port = isNode ? require('node:worker_threads').parentPort : self;
const onMessage = (fn) => (isNode ? port.on('message', fn) : (self.onmessage = (e) => fn(e.data)));
const KERNELS = ${JSON.stringify(KERNELS)};
onMessage(async ({ module, memory }) => {
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  port.postMessage('ready');
  const ctl = new Int32Array(memory.buffer, 0, 64);
  let seen = 0;
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, ${POSTED}) === seen) {
      if (++spins > 20000) Atomics.wait(ctl, ${POSTED}, seen);
    }
    seen = Atomics.load(ctl, ${POSTED});
    const kernel = Atomics.load(ctl, ${KERNEL});
    if (kernel === ${STOP}) break;
    const a = [];
    for (let i = 0; i < ${GEMM_ARGS}; i++) a.push(ctl[${ARGS} + i]);
    // the worker's copy of a row kernel (name + '_w') stores its running counts on a line of its own
    (exports[KERNELS[kernel] + '_w'] || exports[KERNELS[kernel]])(...a);
    Atomics.store(ctl, ${DONE}, seen);
    Atomics.notify(ctl, ${DONE});
  }
  if (isNode) port.close(); else self.close();
});
`;

interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

export interface GemmWorker {
  /** Posts `kernel(...args)` to the worker; `wait()` must be called before the next post. */
  post(kernel: GemmKernelName, args: readonly number[]): void;
  wait(): void;
  dispose(): void;
}

/** True when this runtime can share wasm memory with a worker. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  return Boolean(g.process?.versions?.node) || g.crossOriginIsolated === true;
}

interface Spawned {
  worker: WorkerLike;
  onReady: (cb: () => void) => void;
  onError: (cb: (e: unknown) => void) => void;
}

async function spawnWorker(): Promise<Spawned | null> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Worker?: unknown };
  if (g.process?.versions?.node) {
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(
      /* webpackIgnore: true */ /* @vite-ignore */ specifier
    )) as typeof import('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    return { worker, onReady: (cb) => worker.once('message', cb), onError: (cb) => worker.once('error', cb) };
  }
  if (typeof Worker === 'undefined') return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    // a Content-Security-Policy without blob: in worker-src refuses this: run single-threaded then
    const worker = new Worker(url);
    return {
      worker,
      onReady: (cb) => worker.addEventListener('message', cb, { once: true }),
      onError: (cb) => worker.addEventListener('error', cb, { once: true }),
    };
  } catch {
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Starts one GEMM worker on `memory` (which must be shared), or returns null where that is impossible. */
export async function createGemmWorker(memory: WebAssembly.Memory): Promise<GemmWorker | null> {
  if (!sharedMemoryAvailable() || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  const spawned = await spawnWorker();
  if (!spawned) return null;
  const { worker, onReady, onError } = spawned;
  // ready, or null (single thread) if the worker fails to start or does not answer within 10 s
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    onReady(() => {
      clearTimeout(timer);
      resolve(true);
    });
    onError(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  worker.postMessage({ module: await kernelsModule(true), memory });
  if (!(await ready)) {
    worker.terminate();
    return null;
  }
  const ctl = () => new Int32Array(memory.buffer, 0, 64);
  // Atomics.wait is not allowed on a browser's main thread: spin there instead.
  const canBlock = Boolean((globalThis as { process?: unknown }).process) || typeof window === 'undefined';
  let seq = 0;
  let disposed = false;
  return {
    post(kernel, args) {
      const c = ctl();
      Atomics.store(c, KERNEL, KERNELS.indexOf(kernel));
      args.forEach((v, i) => {
        c[ARGS + i] = v;
      });
      Atomics.store(c, POSTED, ++seq);
      Atomics.notify(c, POSTED);
    },
    wait() {
      const c = ctl();
      while (Atomics.load(c, DONE) !== seq) {
        if (canBlock) Atomics.wait(c, DONE, Atomics.load(c, DONE), 50);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      const c = ctl();
      Atomics.store(c, KERNEL, STOP);
      Atomics.store(c, POSTED, ++seq);
      Atomics.notify(c, POSTED);
      setTimeout(() => worker.terminate(), 100);
    },
  };
}
