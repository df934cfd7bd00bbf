/**
 * Composer-only advice on top of bnn-core's checks: warnings about models that are valid but will not do what a
 * newcomer expects. Each is a GraphIssue on the node to change, with the fix.
 */
import type { GraphAnalysis, GraphIssue, GraphSpec } from '@bnn-studio/bnn-core';
import { getLayerDef, hasLayerDef, outputHead } from '@bnn-studio/bnn-core';

export const ADVICE_CODES = {
  float_macs: "A layer from the palette's Binary heading whose multiply-accumulates all run in float.",
  dense_output_no_bn: 'A QuantDense feeds the model output with no BatchNormalization in between.',
} as const;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** Binary-heading layers whose MACs are all float (no binarised input), except a first layer on raw input
 * with a binary kernel (Larq's usual first layer, float by design). */
function floatMacs(graph: GraphSpec, analysis: GraphAnalysis): GraphIssue[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: GraphIssue[] = [];
  for (const n of graph.nodes) {
    if (!hasLayerDef(n.type) || getLayerDef(n.type).category !== 'binary') continue;
    const a = analysis.nodes[n.id];
    if (!a) continue;
    const total = a.macs.binary + a.macs.int8 + a.macs.float32;
    if (total === 0 || a.macs.binary > 0) continue;
    const sources = graph.edges.filter((e) => e.target === n.id).map((e) => byId.get(e.source)?.type);
    const firstOnRaw = sources.length === 1 && sources[0] === 'Input' && isSet(n.params.kernel_quantizer);
    if (firstOnRaw) continue;
    out.push({
      code: 'float_macs',
      severity: 'warning',
      nodeId: n.id,
      field: 'input_quantizer',
      message: `${n.type} '${n.id}' is a binary layer, but all of its ${total.toLocaleString('en')} MACs run in float: its input is not binarised`,
      fix: "Set input_quantizer to ste_sign (and kernel_quantizer to ste_sign) so it runs as XNOR/popcount, or use the Float heading's layer.",
    });
  }
  return out;
}

/** A QuantDense producing the class scores without a BatchNormalization after it: the ±1 dot products reach ±N,
 * so the softmax saturates and the loss starts in the tens or hundreds. */
function denseOutputWithoutBn(graph: GraphSpec, analysis: GraphAnalysis): GraphIssue[] {
  const head = outputHead(graph, analysis);
  if (!head?.unitsNodeId) return [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const dense = byId.get(head.unitsNodeId);
  if (dense?.type !== 'QuantDense') return [];
  // Walk from the output back to the dense layer (single-input, shape-preserving chain: see outputHead).
  let cur: string | undefined = head.nodeId;
  while (cur && cur !== dense.id) {
    if (byId.get(cur)?.type === 'BatchNormalization') return [];
    const ins = graph.edges.filter((e) => e.target === cur);
    cur = ins.length === 1 ? ins[0]!.source : undefined;
  }
  const src = graph.edges.find((e) => e.target === dense.id)?.source;
  const fanIn = src ? (analysis.nodes[src]?.outputShape ?? []).reduce((a, b) => a * b, 1) : 0;
  return [
    {
      code: 'dense_output_no_bn',
      severity: 'warning',
      nodeId: dense.id,
      message: `QuantDense '${dense.id}' feeds the output without a BatchNormalization: its binary dot products reach ±${fanIn || 'N'} and saturate the softmax (training losses of 25–250)`,
      fix: `Insert a BatchNormalization after '${dense.id}' (before the Softmax).`,
    },
  ];
}

export function adviceIssues(graph: GraphSpec, analysis: GraphAnalysis): GraphIssue[] {
  return [...floatMacs(graph, analysis), ...denseOutputWithoutBn(graph, analysis)];
}
