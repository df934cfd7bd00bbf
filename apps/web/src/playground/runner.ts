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

/** The typed arrays GET /api/runs/:id/deploy-graph sends as `{ $typed, base64 }`. */
const TYPED = { Float32Array, Int32Array, Int8Array } as const;

/** Parses the deploy-graph route's JSON, turning `{ $typed, base64 }` back into typed arrays. */
export function parseDeployGraphJson(text: string): {
  deploy: DeployGraph;
  io: { input: { shape: number[]; type: 'float32' | 'int8'; scale?: number; zeroPoint?: number } };
} {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$typed' in v && 'base64' in v) {
      const { $typed, base64 } = v as { $typed: string; base64: string };
      const Ctor = TYPED[$typed as keyof typeof TYPED];
      if (!Ctor) throw new Error(`deploy graph: unknown array type ${$typed}.`);
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return new Ctor(bytes.buffer);
    }
    return v;
  });
}

/**
 * An imported run (no studio layers, no latent float weights): its stored deploy graph on the kernels engine. The
 * input range is the int8 input's representable range, or [0, 1] for float inputs.
 */
export async function loadImportedModel(graph: GraphSpec, text: string): Promise<LoadedModel> {
  const { deploy, io } = parseDeployGraphJson(text);
  const engine = await createEngine(deploy, { backend: 'wasm' });
  const inputShape = deploy.tensors.find((t) => t.id === deploy.input)!.shape;
  const { scale, zeroPoint } = io.input;
  const range: [number, number] =
    io.input.type === 'int8' && scale !== undefined && zeroPoint !== undefined
      ? [scale * (-128 - zeroPoint), scale * (127 - zeroPoint)]
      : [0, 1];
  return { graph, weights: {}, deploy, engine, inputShape, range };
}
