/**
 * GraphSpec → tfjs functional model. Every graph node becomes one tfjs layer named after the node id (plus an
 * `InputNormalization` layer after the Input when it declares one). DAGs with residual `Add` and `Concatenate`
 * are supported; merge operands are ordered by the edges' `targetPort`.
 */
import * as tf from '@tensorflow/tfjs';
import { getLayerDef, type LayerType, resolveParams } from '../registry/layers.js';
import type { GraphNode, GraphSpec, ParamValue, QuantizerRef } from '../spec/graph-types.js';
import { BatchNorm } from './layers/batch-norm.js';
import type { BnnWeightInfo } from './layers/quant-layers.js';
import { encodeRef, QuantConv, QuantDense } from './layers/quant-layers.js';
import { HardTanh, InputNormalization, LeakyTanh, SeededDropout } from './layers/simple-layers.js';

type SymbolicTensor = tf.SymbolicTensor;

export interface BuildOptions {
  /** Seed of the weight initialisers and dropout masks; the same seed builds the same initial model. */
  seed?: number;
}

export interface ModelInfo {
  graph: GraphSpec;
  /** Node id → the tfjs layer of that node (absent for nodes without a layer, e.g. Input). */
  layers: Map<string, tf.layers.Layer>;
  /** Node ids in execution order. */
  order: string[];
  inputNodeId: string;
  outputNodeId: string;
  /** The same network without its final Softmax (identical to `model` when the graph ends elsewhere). */
  logitsModel: tf.LayersModel;
  /** Whether the graph's output node is a Softmax (so `model` outputs probabilities). */
  outputIsSoftmax: boolean;
}

const INFO = new WeakMap<tf.LayersModel, ModelInfo>();

/** Metadata of a model built by `buildModel`; throws for other models. */
export function modelInfo(model: tf.LayersModel): ModelInfo {
  const info = INFO.get(model);
  if (!info) throw new Error('bnn-core/tf: this model was not built by buildModel(graph)');
  return info;
}

/** Node ids in a topological order; throws naming a node on a cycle. */
export function topoOrder(graph: GraphSpec): string[] {
  const indeg = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const n of graph.nodes) {
    indeg.set(n.id, 0);
    next.set(n.id, []);
  }
  for (const e of graph.edges) {
    if (!indeg.has(e.source) || !indeg.has(e.target)) {
      throw new Error(
        `bnn-core/tf: edge '${e.id}' connects unknown node '${indeg.has(e.source) ? e.target : e.source}'`,
      );
    }
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
    next.get(e.source)!.push(e.target);
  }
  const queue = graph.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of next.get(id)!) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.find((n) => !order.includes(n.id));
    throw new Error(
      `bnn-core/tf: the graph has a cycle through node '${stuck?.id}'; remove one of its edges`,
    );
  }
  return order;
}

function sanitize(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_') || 'node';
}
const pair = (v: ParamValue | undefined, fallback: [number, number]): [number, number] =>
  Array.isArray(v) && v.length === 2
    ? [Number(v[0]), Number(v[1])]
    : typeof v === 'number'
      ? [v, v]
      : fallback;
const ref = (v: ParamValue | undefined): string | null =>
  v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { id?: unknown }).id === 'string'
    ? encodeRef(v as QuantizerRef)
    : null;

function hashSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) % 2_000_000_000;
}

/** The window of every conv-like layer (conv, depthwise, separable): Keras params → QuantConv args. */
function convWindow(p: ReturnType<typeof resolveParams>) {
  return {
    kernelSize: pair(p.kernel_size, [3, 3]),
    strides: pair(p.strides, [1, 1]),
    padding: p.padding === 'same' ? ('same' as const) : ('valid' as const),
    padValues: Number(p.pad_values ?? 0),
    dilationRate: pair(p.dilation_rate, [1, 1]),
  };
}

function createLayer(node: GraphNode, name: string, seed: number, inputRank: number): tf.layers.Layer | null {
  const def = getLayerDef(node.type);
  const p = resolveParams(node);
  const type = def.type as LayerType;
  switch (type) {
    case 'QuantConv2D':
    case 'Conv2D':
      return new QuantConv({
        name,
        mode: 'conv',
        filters: Number(p.filters),
        ...convWindow(p),
        useBias: p.use_bias !== false,
        inputQuantizer: ref(p.input_quantizer ?? null),
        kernelQuantizer: ref(p.kernel_quantizer ?? null),
        kernelConstraint: ref(p.kernel_constraint ?? null),
        precision: p.precision === 'int8' ? 'int8' : 'float32',
        seed,
      });
    case 'QuantDepthwiseConv2D':
    case 'DepthwiseConv2D':
      return new QuantConv({
        name,
        mode: 'depthwise',
        ...convWindow(p),
        depthMultiplier: Number(p.depth_multiplier ?? 1),
        useBias: p.use_bias !== false,
        inputQuantizer: ref(p.input_quantizer ?? null),
        kernelQuantizer: ref(p.depthwise_quantizer ?? null),
        kernelConstraint: ref(p.depthwise_constraint ?? null),
        precision: p.precision === 'int8' ? 'int8' : 'float32',
        seed,
      });
    case 'QuantSeparableConv2D':
      return new QuantConv({
        name,
        mode: 'separable',
        filters: Number(p.filters),
        ...convWindow(p),
        depthMultiplier: Number(p.depth_multiplier ?? 1),
        useBias: p.use_bias !== false,
        inputQuantizer: ref(p.input_quantizer ?? null),
        kernelQuantizer: ref(p.depthwise_quantizer ?? null),
        kernelConstraint: ref(p.depthwise_constraint ?? null),
        pointwiseQuantizer: ref(p.pointwise_quantizer ?? null),
        pointwiseConstraint: ref(p.pointwise_constraint ?? null),
        seed,
      });
    case 'QuantDense':
    case 'Dense':
      return new QuantDense({
        name,
        units: Number(p.units),
        useBias: p.use_bias !== false,
        inputQuantizer: ref(p.input_quantizer ?? null),
        kernelQuantizer: ref(p.kernel_quantizer ?? null),
        kernelConstraint: ref(p.kernel_constraint ?? null),
        precision: p.precision === 'int8' ? 'int8' : 'float32',
        seed,
      });
    case 'BatchNormalization':
      return new BatchNorm({
        name,
        momentum: Number(p.momentum ?? 0.99),
        epsilon: Number(p.epsilon ?? 1e-3),
        center: p.center !== false,
        scale: p.scale !== false,
      });
    case 'MaxPool2D':
    case 'AveragePool2D': {
      const args = {
        name,
        poolSize: pair(p.pool_size, [2, 2]),
        strides: pair(p.strides ?? p.pool_size, pair(p.pool_size, [2, 2])),
        padding: (p.padding === 'same' ? 'same' : 'valid') as 'same' | 'valid',
      };
      return def.type === 'MaxPool2D' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d({ name });
    case 'Flatten':
      return tf.layers.flatten({ name });
    case 'Reshape':
      return tf.layers.reshape({ name, targetShape: (p.target_shape as number[]).map(Number) });
    case 'ReLU':
      return tf.layers.reLU({ name });
    case 'PReLU':
      // One alpha per channel (shared over H and W), as the deploy graph's PReluOp expects.
      return tf.layers.prelu({
        name,
        alphaInitializer: 'zeros',
        ...(inputRank === 4 ? { sharedAxes: [1, 2] } : {}),
      });
    case 'HardTanh':
      return new HardTanh({ name });
    case 'LeakyTanh':
      return new LeakyTanh({ name, alpha: Number(p.alpha ?? 0.2) });
    case 'Add':
      return tf.layers.add({ name });
    case 'Concatenate':
      return tf.layers.concatenate({ name, axis: Number(p.axis ?? -1) });
    case 'Dropout':
      return new SeededDropout({ name, rate: Number(p.rate ?? 0.5), seed });
    case 'Softmax':
      return tf.layers.softmax({ name, axis: Number(p.axis ?? -1) });
    case 'Input':
      throw new Error(
        `bnn-core/tf: layer type '${node.type}' (node '${node.id}') has no tfjs implementation`,
      );
    default: {
      const unhandled: never = type;
      throw new Error(
        `bnn-core/tf: layer type '${unhandled}' (node '${node.id}') has no tfjs implementation`,
      );
    }
  }
}

/**
 * Builds the tfjs functional model of a graph. Weights are initialised deterministically from `seed`
 * (Glorot uniform kernels, zero biases, Keras BatchNorm defaults). The model outputs what the graph's single
 * output node outputs; `modelInfo(model).logitsModel` shares its layers and stops before a final Softmax.
 */
export function buildModel(graph: GraphSpec, options: BuildOptions = {}): tf.LayersModel {
  const seed = options.seed ?? 0;
  const order = topoOrder(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputsOf = new Map<string, { source: string; port: number }[]>();
  const hasOut = new Set<string>();
  for (const e of graph.edges) {
    const list = inputsOf.get(e.target) ?? [];
    list.push({ source: e.source, port: e.targetPort ?? 0 });
    inputsOf.set(e.target, list);
    hasOut.add(e.source);
  }
  const inputNodes = graph.nodes.filter((n) => n.type === 'Input');
  if (inputNodes.length !== 1) {
    throw new Error(`bnn-core/tf: a graph needs exactly one Input node (found ${inputNodes.length})`);
  }
  const sinks = graph.nodes.filter((n) => !hasOut.has(n.id) && n.type !== 'Input');
  if (sinks.length !== 1) {
    throw new Error(
      `bnn-core/tf: a graph needs exactly one output node (found ${sinks.length}: ${sinks.map((s) => s.id).join(', ')}); connect the others`,
    );
  }
  const outputNode = sinks[0]!;
  const inputNode = inputNodes[0]!;

  const symbols = new Map<string, SymbolicTensor>();
  const layers = new Map<string, tf.layers.Layer>();
  const usedNames = new Set<string>();
  let input: SymbolicTensor | null = null;
  order.forEach((id, index) => {
    const node = byId.get(id)!;
    if (node.type === 'Input') {
      const p = resolveParams(node);
      const shape = (p.shape as number[]).map(Number);
      input = tf.input({ shape, name: `${sanitize(id)}_input` });
      let out: SymbolicTensor = input;
      const norm = p.normalization as { mean: number; std: number } | null | undefined;
      if (norm && typeof norm === 'object') {
        out = new InputNormalization({ name: `${sanitize(id)}_normalization`, ...norm }).apply(
          out,
        ) as SymbolicTensor;
      }
      symbols.set(id, out);
      return;
    }
    const ins = (inputsOf.get(id) ?? []).slice().sort((a, b) => a.port - b.port);
    if (ins.length === 0) throw new Error(`bnn-core/tf: node '${id}' has no input; connect it`);
    const args = ins.map((i) => {
      const s = symbols.get(i.source);
      if (!s)
        throw new Error(
          `bnn-core/tf: node '${id}' reads '${i.source}', which is not reachable from the Input`,
        );
      return s;
    });
    let name = sanitize(id);
    while (usedNames.has(name)) name += '_';
    usedNames.add(name);
    const layer = createLayer(node, name, hashSeed(seed, index), args[0]!.shape.length);
    if (!layer) return;
    layers.set(id, layer);
    try {
      symbols.set(id, layer.apply(args.length === 1 ? args[0]! : args) as SymbolicTensor);
    } catch (err) {
      throw new Error(`bnn-core/tf: node '${id}' (${node.type}): ${(err as Error).message}`);
    }
  });
  const output = symbols.get(outputNode.id)!;
  const model = tf.model({ inputs: input!, outputs: output, name: sanitize(graph.name || 'bnn') });
  const outputIsSoftmax = outputNode.type === 'Softmax';
  let logitsModel = model;
  if (outputIsSoftmax) {
    const src = (inputsOf.get(outputNode.id) ?? [])[0]!.source;
    logitsModel = tf.model({ inputs: input!, outputs: symbols.get(src)! });
  }
  INFO.set(model, {
    graph,
    layers,
    order,
    inputNodeId: inputNode.id,
    outputNodeId: outputNode.id,
    logitsModel,
    outputIsSoftmax,
  });
  return model;
}

/** Binary-or-other weights info of every BNN layer of a model, for optimizers, constraints and flip ratio. */
export function bnnLayers(model: tf.LayersModel): BnnWeightInfo[] {
  return model.layers.filter(
    (l): l is tf.layers.Layer & BnnWeightInfo => l instanceof QuantConv || l instanceof QuantDense,
  );
}

export { floatTeacher, floatTwin } from '../spec/float-twin.js';
export type { QuantizerRef };
