import type { Plan } from '../plan.js';

export interface EngineOptions {
  /** 'wasm' (default): WebAssembly SIMD kernels; 'reference': the readable TypeScript kernels. */
  backend?: 'wasm' | 'reference';
  /** 2 splits binary GEMMs across two threads where workers and SharedArrayBuffer are available. */
  threads?: 1 | 2;
}

export interface Engine {
  readonly backend: 'wasm' | 'reference';
  /** Threads actually used (2 only when requested and available). */
  readonly threads: 1 | 2;
  readonly inputShape: number[];
  readonly outputShapes: number[][];
  /** Runs `batch` samples laid out one after another; returns one float array per graph output, batch-major. */
  run(input: Float32Array, batch?: number): Float32Array[];
  dispose(): void;
}

/** A backend executes a validated plan on an already checked input. */
export interface Backend {
  readonly threads: 1 | 2;
  run(input: Float32Array, batch: number): Float32Array[];
  dispose(): void;
}

export type BackendFactory = (plan: Plan, options: EngineOptions) => Promise<Backend>;
