import type { GraphSpec } from '../spec/graph-types.js';

/** The precision a float Conv2D / DepthwiseConv2D / Dense layer deploys with (its `precision` param). */
export type LayerPrecision = 'float32' | 'int8';

/** Node ids in topological order (Kahn's algorithm, ties in node order). */
function nodeOrder(graph: GraphSpec): string[] {
  const indegree = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const e of graph.edges) {
      if (e.source !== id) continue;
      const left = indegree.get(e.target)! - 1;
      indegree.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  return order;
}

/**
 * The ids of a graph's first float convolution (the first `Conv2D` in topological order) and its last float
 * classifier (the last `Dense`) — the layers real binarized deployments keep in int8 (LCE, xformer). Either is
 * absent when the graph has none (e.g. larq-mnist: binary-weight first conv, binary classifier).
 */
export function firstLastLayers(graph: GraphSpec): { firstConv?: string; lastDense?: string } {
  const type = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const order = nodeOrder(graph);
  const firstConv = order.find((id) => type.get(id) === 'Conv2D');
  const lastDense = [...order].reverse().find((id) => type.get(id) === 'Dense');
  const out: { firstConv?: string; lastDense?: string } = {};
  if (firstConv !== undefined) out.firstConv = firstConv;
  if (lastDense !== undefined) out.lastDense = lastDense;
  return out;
}

/**
 * A copy of the graph with its first float conv and last float dense (`firstLastLayers`) set to `precision`;
 * every other node unchanged. The benches use it to measure a preset's int8 first/last version against its
 * float32 one.
 */
export function withFirstLastPrecision(graph: GraphSpec, precision: LayerPrecision): GraphSpec {
  const g = structuredClone(graph);
  const { firstConv, lastDense } = firstLastLayers(g);
  for (const n of g.nodes) if (n.id === firstConv || n.id === lastDense) n.params.precision = precision;
  return g;
}
