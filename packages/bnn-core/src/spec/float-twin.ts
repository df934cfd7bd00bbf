/**
 * Float twins of a graph (pure graph rewriting, no tfjs): the API, the CLI and the web pick distillation
 * teachers with these, the trainer trains them.
 */
import type { GraphSpec } from './graph-types.js';

/** The float twin of a graph: the same architecture with every quantizer and constraint removed. */
export function floatTwin(graph: GraphSpec): GraphSpec {
  const QUANT_KEYS = [
    'input_quantizer',
    'kernel_quantizer',
    'depthwise_quantizer',
    'pointwise_quantizer',
    'kernel_constraint',
    'depthwise_constraint',
    'pointwise_constraint',
  ];
  return {
    ...graph,
    name: `${graph.name} (float twin)`,
    nodes: graph.nodes.map((n) => {
      const params = { ...n.params };
      for (const k of QUANT_KEYS) if (k in params) params[k] = null;
      return { ...n, params };
    }),
  };
}

/**
 * The float twin as a distillation teacher: `floatTwin`, and in front of every layer that had an input quantizer
 * a `HardTanh` node (Larq hard_tanh, clip(x, −1, 1): the sign's straight-through surrogate). Without it a BNN's
 * float twin has no non-linearity where the sign activations were (mnist-tiny's would be linear but for its
 * max-pools) and teaches worse than the binary student learns alone. The weights of every original node keep
 * their node ids, so a teacher run's weights load into this graph and vice versa.
 */
export function floatTeacher(graph: GraphSpec): GraphSpec {
  const twin = floatTwin(graph);
  const quantized = new Set(
    graph.nodes
      .filter((n) => n.params.input_quantizer != null && quantizerId(n.params.input_quantizer) !== 'noop')
      .map((n) => n.id),
  );
  const ids = new Set(graph.nodes.map((n) => n.id));
  const nodes = [...twin.nodes];
  const edges = twin.edges.map((e) => {
    if (!quantized.has(e.target)) return e;
    let id = `${e.target}_htanh${e.targetPort ?? 0}`;
    while (ids.has(id)) id = `${id}_`;
    ids.add(id);
    nodes.push({ id, type: 'HardTanh', params: {} });
    return [
      { id: `${e.id}_a`, source: e.source, target: id },
      { ...e, id: `${e.id}_b`, source: id },
    ];
  });
  return { ...twin, name: `${graph.name} (float teacher)`, nodes, edges: edges.flat() };
}

function quantizerId(q: unknown): string | null {
  if (typeof q === 'string') return q;
  if (q && typeof q === 'object' && 'id' in q) return String((q as { id: unknown }).id);
  return null;
}
