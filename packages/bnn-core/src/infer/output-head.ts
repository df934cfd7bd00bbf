import type { LayerType } from '../registry/layers.js';
import type { GraphSpec } from '../spec/graph-types.js';
import type { GraphIssue } from '../spec/issues.js';
import type { GraphAnalysis } from './analyze.js';
import { inferGraph } from './analyze.js';

/** Layers whose output has the shape of their (single) input: the class count passes through them unchanged. */
const SHAPE_PRESERVING = new Set<string>([
  'BatchNormalization',
  'Softmax',
  'ReLU',
  'PReLU',
  'HardTanh',
  'LeakyTanh',
  'Dropout',
] satisfies LayerType[]);

/** Layers whose `units` param sets the width of their vector output. */
const UNITS_LAYERS = new Set<string>(['Dense', 'QuantDense'] satisfies LayerType[]);

export interface OutputHead {
  /** The terminal node whose vector output holds the class scores. */
  nodeId: string;
  /** Length of that vector: the number of classes the model predicts. */
  classes: number;
  /**
   * The Dense/QuantDense node whose `units` sets `classes` (found by walking back through shape-preserving layers
   * such as BatchNorm and Softmax), or null when the width comes from elsewhere (then no one-click fix exists).
   */
  unitsNodeId: string | null;
}

/**
 * The model's output head: the last terminal node with a vector output (the node `inferGraph`'s `no_output_head`
 * check looks for), its class count, and the layer whose `units` decides it. Null when there is no such head.
 */
export function outputHead(graph: GraphSpec, analysis: GraphAnalysis = inferGraph(graph)): OutputHead | null {
  const hasOut = new Set(graph.edges.map((e) => e.source));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const sinks = analysis.order.filter((id) => !hasOut.has(id) && byId.get(id)?.type !== 'Input');
  const vector = sinks.filter((id) => analysis.nodes[id]?.outputShape?.length === 1);
  const nodeId = vector[vector.length - 1];
  if (nodeId === undefined) return null;
  const classes = analysis.nodes[nodeId]!.outputShape![0]!;
  let cur: string | undefined = nodeId;
  const seen = new Set<string>();
  while (cur !== undefined && !seen.has(cur)) {
    seen.add(cur);
    const node = byId.get(cur);
    if (!node) break;
    if (UNITS_LAYERS.has(node.type)) return { nodeId, classes, unitsNodeId: cur };
    if (!SHAPE_PRESERVING.has(node.type)) break;
    const ins = graph.edges.filter((e) => e.target === cur);
    cur = ins.length === 1 ? ins[0]!.source : undefined;
  }
  return { nodeId, classes, unitsNodeId: null };
}

/**
 * An error issue when the model's output width differs from the dataset's class count (training would fail with a
 * shape mismatch in the loss), else null. The fix names the layer and the value to set.
 */
export function checkClassCount(
  graph: GraphSpec,
  datasetClasses: number,
  analysis?: GraphAnalysis,
): GraphIssue | null {
  const head = outputHead(graph, analysis);
  if (!head || head.classes === datasetClasses) return null;
  const where = head.unitsNodeId ?? head.nodeId;
  return {
    code: 'class_mismatch',
    severity: 'error',
    nodeId: where,
    ...(head.unitsNodeId ? { field: 'units' } : {}),
    message: `graph: the model outputs ${head.classes} class scores but the dataset has ${datasetClasses} classes`,
    fix: head.unitsNodeId
      ? `Set units of '${head.unitsNodeId}' to ${datasetClasses} (one per class), or pick a dataset with ${head.classes} classes.`
      : `End the model with a Dense/QuantDense of ${datasetClasses} units, or pick a dataset with ${head.classes} classes.`,
  };
}

/**
 * The graph with its output head's `units` set to `classes` (the one-click fix of `class_mismatch`), or null when
 * the output width is not set by a Dense/QuantDense `units` param.
 */
export function withOutputClasses(graph: GraphSpec, classes: number): GraphSpec | null {
  const head = outputHead(graph);
  if (!head?.unitsNodeId) return null;
  const id = head.unitsNodeId;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, units: classes } } : n)),
  };
}
