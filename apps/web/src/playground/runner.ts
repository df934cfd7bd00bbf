/**
 * Runs a trained run in the page: bnn-core lowers graph + weights to the DeployGraph, packages/kernels' engine
 * (WASM SIMD) executes it bit-packed, and TensorFlow.js runs the float (latent-weight) model beside it.
 */
import type { DeployGraph, GraphSpec, WeightMap } from '@bnn-studio/bnn-core';
import { deserializeWeights, lower } from '@bnn-studio/bnn-core';
import { createEngine, type Engine } from '@bnn-studio/kernels';

export interface LoadedModel {
  graph: GraphSpec;
  weights: WeightMap;
  deploy: DeployGraph;
  engine: Engine;
  inputShape: number[];
  range: [number, number];
}

export function inputOf(graph: GraphSpec): { shape: number[]; range: [number, number] } {
  const input = graph.nodes.find((n) => n.type === 'Input');
  const shape = (input?.params.shape as number[] | undefined) ?? [28, 28, 1];
  const range = (input?.params.range as [number, number] | undefined) ?? [0, 1];
  return { shape, range };
}

export async function loadModel(graph: GraphSpec, weightBytes: Uint8Array): Promise<LoadedModel> {
  const weights = deserializeWeights(weightBytes);
  const deploy = lower(graph, weights);
  const engine = await createEngine(deploy, { backend: 'wasm' });
  const { shape, range } = inputOf(graph);
  return { graph, weights, deploy, engine, inputShape: shape, range };
}

/** Runs the packed engine `repeats` times; returns the scores and the median latency in ms. */
export function runPacked(
  model: LoadedModel,
  x: Float32Array,
  repeats = 15,
): { scores: Float32Array; ms: number } {
  let scores = model.engine.run(x, 1)[0]!;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    scores = model.engine.run(x, 1)[0]!;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { scores, ms: times[Math.floor(times.length / 2)]! };
}

let backendReady: Promise<string> | null = null;

/** The float model on TensorFlow.js (wasm backend, else cpu); loaded on first use. */
export async function runFloat(
  model: LoadedModel,
  x: Float32Array,
): Promise<{ scores: Float32Array; ms: number; backend: string }> {
  const tfm = await import('@bnn-studio/bnn-core/tf');
  const { env } = await import('@tensorflow/tfjs');
  // The threaded wasm build cannot start its blob: workers from a bundle; the single-threaded SIMD build can.
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  backendReady ??= tfm.initBackend('wasm', { wasmPaths: '/tfjs-wasm/' }).catch(() => tfm.initBackend('cpu'));
  const backend = await backendReady;
  const t0 = performance.now();
  const scores = tfm.predict(model.graph, model.weights, x, 1);
  return { scores, ms: performance.now() - t0, backend };
}
