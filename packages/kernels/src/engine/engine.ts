/** `createEngine` / `runDeployGraph`: validated execution of a DeployGraph on the chosen backend. */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { KernelError } from '../errors.js';
import { planDeployGraph } from '../plan.js';
import { createReferenceBackend } from './reference-backend.js';
import type { Backend, Engine, EngineOptions } from './types.js';
import { createWasmBackend } from './wasm-backend.js';

export async function createEngine(deploy: DeployGraph, options: EngineOptions = {}): Promise<Engine> {
  const backendName = options.backend ?? 'wasm';
  if (backendName !== 'wasm' && backendName !== 'reference') {
    throw new KernelError(
      'unsupported',
      `createEngine: unknown backend ${JSON.stringify(backendName)}.`,
      "Use 'wasm' or 'reference'.",
    );
  }
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2) {
    throw new KernelError(
      'unsupported',
      `createEngine: threads must be 1 or 2, got ${JSON.stringify(threads)}.`,
      'Pass 1 or 2.',
    );
  }
  const plan = planDeployGraph(deploy);
  const backend: Backend =
    backendName === 'wasm' ? await createWasmBackend(plan, { threads }) : createReferenceBackend(plan);
  let disposed = false;
  return {
    backend: backendName,
    threads: backend.threads,
    inputShape: [...plan.input.shape],
    outputShapes: plan.outputs.map((t) => [...t.shape]),
    run(input: Float32Array, batch = 1): Float32Array[] {
      if (disposed)
        throw new KernelError('disposed', 'Engine.run: the engine was disposed.', 'Create a new engine.');
      if (!Number.isInteger(batch) || batch < 1) {
        throw new KernelError(
          'bad_batch',
          `Engine.run: batch must be a positive integer, got ${batch}.`,
          'Pass the number of samples.',
        );
      }
      if (!(input instanceof Float32Array)) {
        throw new KernelError(
          'bad_input',
          `Engine.run: input must be a Float32Array, got ${input === null ? 'null' : typeof input === 'object' ? (input as object).constructor?.name : typeof input}.`,
          'Wrap the data in a Float32Array (batch-major, NHWC per sample).',
        );
      }
      const expected = batch * plan.input.elements;
      if (input.length !== expected) {
        throw new KernelError(
          'bad_input',
          `Engine.run: input has ${input.length} values, expected ${expected} (batch ${batch} × [${plan.input.shape}]).`,
          'Pass batch × the input shape values (NHWC per sample), or fix the batch argument.',
        );
      }
      for (let i = 0; i < input.length; i++) {
        const v = input[i]!;
        if (v - v !== 0) {
          const sample = Math.floor(i / plan.input.elements);
          throw new KernelError(
            'non_finite_input',
            `Engine.run: input value ${i} (sample ${sample}, element ${i - sample * plan.input.elements}) is ${v}.`,
            'Replace NaN/Infinity values before inference.',
          );
        }
      }
      return backend.run(input, batch);
    },
    dispose() {
      disposed = true;
      backend.dispose();
    },
  };
}

/** One-shot convenience: builds an engine, runs it once and disposes it. */
export async function runDeployGraph(
  deploy: DeployGraph,
  input: Float32Array,
  options: EngineOptions & { batch?: number } = {},
): Promise<Float32Array[]> {
  const engine = await createEngine(deploy, options);
  try {
    return engine.run(input, options.batch ?? 1);
  } finally {
    engine.dispose();
  }
}
