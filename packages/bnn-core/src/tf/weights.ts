/**
 * Moving trained parameters between a tfjs model and a `WeightMap` (node id → Keras variable name → tensor),
 * the form `lower()` consumes and checkpoints/artifacts store.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphSpec, NamedTensor, WeightMap } from '../spec/graph-types.js';
import { buildModel, modelInfo } from './build-model.js';

type LayerVariable = tf.layers.Layer['weights'][number];

/** Keras variable name of a tfjs layer variable: the last path segment of its original name. */
function kerasName(v: LayerVariable): string {
  const original = (v as unknown as { originalName?: string }).originalName ?? v.name;
  return original.split('/').pop()!.replace(/_\d+$/, '');
}

function variablesOf(layer: tf.layers.Layer): Map<string, LayerVariable> {
  const out = new Map<string, LayerVariable>();
  for (const v of layer.weights) out.set(kerasName(v), v);
  return out;
}

/** Every weight of a model built by `buildModel`, keyed by node id and Keras variable name. */
export function extractWeights(model: tf.LayersModel, graph?: GraphSpec): WeightMap {
  const info = modelInfo(model);
  if (graph && graph !== info.graph && graph.nodes.length !== info.graph.nodes.length) {
    throw new Error('bnn-core/tf: extractWeights: the graph does not match the model (different node count)');
  }
  const out: WeightMap = {};
  for (const [nodeId, layer] of info.layers) {
    const vars = variablesOf(layer);
    if (vars.size === 0) continue;
    const entry: Record<string, NamedTensor> = {};
    for (const [name, v] of vars) {
      entry[name] = {
        shape: v.shape.map(Number),
        data: Float32Array.from(v.read().dataSync() as Float32Array),
      };
    }
    out[nodeId] = entry;
  }
  return out;
}

/**
 * Writes a WeightMap into a model built from the same graph. Every variable of the model must be present with
 * the right shape (errors name the node, the variable and the fix); extra entries are rejected too.
 */
export function loadWeights(model: tf.LayersModel, weights: WeightMap): void {
  const info = modelInfo(model);
  for (const nodeId of Object.keys(weights)) {
    if (!info.layers.has(nodeId) || variablesOf(info.layers.get(nodeId)!).size === 0) {
      throw new Error(
        `bnn-core/tf: weights given for node '${nodeId}', which has no weights in this graph; were they trained on another architecture?`,
      );
    }
  }
  for (const [nodeId, layer] of info.layers) {
    const vars = variablesOf(layer);
    if (vars.size === 0) continue;
    const entry = weights[nodeId];
    if (!entry)
      throw new Error(
        `bnn-core/tf: no weights for node '${nodeId}'; train the model or pick the matching run`,
      );
    for (const [name, v] of vars) {
      const t = entry[name];
      if (!t) throw new Error(`bnn-core/tf: node '${nodeId}' is missing variable '${name}'`);
      const want = v.shape.map(Number);
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new Error(
          `bnn-core/tf: node '${nodeId}' variable '${name}' has shape [${t.shape}] but the layer needs [${want}]`,
        );
      }
      if (t.data.length !== want.reduce((a, b) => a * b, 1)) {
        throw new Error(
          `bnn-core/tf: node '${nodeId}' variable '${name}' has ${t.data.length} values for shape [${want}]`,
        );
      }
      tf.tidy(() => {
        v.write(tf.tensor(t.data, want));
      });
    }
  }
}

/** Runs a model in chunks of `chunk` samples; returns the outputs batch-major as one Float32Array. */
export function runModel(model: tf.LayersModel, x: Float32Array, batch: number, chunk = 256): Float32Array {
  const inShape = (model.inputs[0]!.shape.slice(1) as number[]).map(Number);
  const per = inShape.reduce((a, b) => a * b, 1);
  if (x.length !== per * batch) {
    throw new Error(
      `bnn-core/tf: predict: got ${x.length} values for ${batch} samples of shape [${inShape}]`,
    );
  }
  const outShape = (model.outputs[0]!.shape.slice(1) as number[]).map(Number);
  const outPer = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(outPer * batch);
  for (let s = 0; s < batch; s += chunk) {
    const n = Math.min(chunk, batch - s);
    const y = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(s * per, (s + n) * per), [n, ...inShape]);
      return model.predict(xs) as tf.Tensor;
    });
    out.set(y.dataSync() as Float32Array, s * outPer);
    y.dispose();
  }
  return out;
}

/**
 * Inference of a graph with trained weights on `batch` samples laid out one after another in `x`.
 * Returns the output node's values, batch-major (class probabilities when the graph ends in a Softmax).
 */
export function predict(graph: GraphSpec, weights: WeightMap, x: Float32Array, batch: number): Float32Array {
  const model = buildModel(graph, { seed: 0 });
  try {
    loadWeights(model, weights);
    return runModel(model, x, batch);
  } finally {
    disposeModel(model);
  }
}

/** Frees a model built by `buildModel` (its variables). */
export function disposeModel(model: tf.LayersModel): void {
  model.dispose();
}
