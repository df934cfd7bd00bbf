/**
 * Pure edits of a GraphSpec used by the composer store: ids, adding nodes, connection checks, removal,
 * copy/paste. No React, no store: each function takes a graph and returns a new one (or a refusal).
 */
import type { GraphEdge, GraphNode, GraphSpec, LayerDef } from '@bnn-studio/bnn-core';
import { getLayerDef, hasLayerDef } from '@bnn-studio/bnn-core';

export function emptyGraph(name = 'Untitled model'): GraphSpec {
  return {
    format: 'bnn-studio.graph',
    version: 1,
    name,
    nodes: [{ id: 'input', type: 'Input', params: { shape: [28, 28, 1] }, position: { x: 0, y: 0 } }],
    edges: [],
  };
}

/** A node id not used in the graph: `<type in snake case>_<n>`. */
export function freshNodeId(graph: GraphSpec, type: string): string {
  const base = type.replace(/([a-z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
  const used = new Set(graph.nodes.map((n) => n.id));
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!used.has(id)) return id;
  }
}

export function freshEdgeId(graph: GraphSpec, source: string, target: string): string {
  const used = new Set(graph.edges.map((e) => e.id));
  let id = `${source}->${target}`;
  for (let i = 2; used.has(id); i++) id = `${source}->${target}#${i}`;
  return id;
}

/**
 * Params a layer starts with when added from the palette. Layers of the "binary" group come binarised, as a user
 * of a BNN studio expects: ste_sign kernels kept in [−1, 1] by weight_clip, and ste_sign inputs — except right
 * after the Input, where binarising raw pixels (all ≥ 0) would lose the image (Larq keeps the first layer's input
 * in float).
 */
export function initialParams(type: string, afterInput: boolean): GraphNode['params'] {
  const def = getLayerDef(type);
  if (def.category !== 'binary') return {};
  const params: GraphNode['params'] = {};
  for (const p of def.params) {
    if (p.kind === 'quantizer') {
      if (p.name.startsWith('input') && afterInput) continue;
      params[p.name] = { id: 'ste_sign' };
    } else if (p.kind === 'constraint') params[p.name] = { id: 'weight_clip' };
  }
  // One-padding on a binarised input: with padding 'same' every tap stays ±1, so the layer deploys bit-packed
  // (zero-padding forces float output). Irrelevant for 'valid' padding, so it costs nothing there.
  if (!afterInput && def.params.some((p) => p.name === 'pad_values')) params.pad_values = 1;
  return params;
}

/** The node's params with the palette's binary settings (quantizers, constraints, one-padding) applied. */
export function binaryDefaults(
  params: GraphNode['params'],
  def: LayerDef,
  afterInput: boolean,
): GraphNode['params'] {
  return { ...params, ...initialParams(def.type, afterInput) };
}

/** The node's params with every quantizer, constraint and pad value removed: Larq's own layer defaults. */
export function larqDefaults(params: GraphNode['params'], def: LayerDef): GraphNode['params'] {
  const drop = new Set(
    def.params
      .filter((p) => p.kind === 'quantizer' || p.kind === 'constraint' || p.name === 'pad_values')
      .map((p) => p.name),
  );
  return Object.fromEntries(Object.entries(params).filter(([k]) => !drop.has(k)));
}

export function addNode(
  graph: GraphSpec,
  type: string,
  position: { x: number; y: number },
  params: GraphNode['params'] = {},
): { graph: GraphSpec; nodeId: string } {
  if (!hasLayerDef(type)) getLayerDef(type); // throws the registry's error naming the known types
  const id = freshNodeId(graph, type);
  const node: GraphNode = { id, type, params, position };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, nodeId: id };
}

export type ConnectResult = { ok: true; graph: GraphSpec; edgeId: string } | { ok: false; reason: string };

function reaches(graph: GraphSpec, from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(out.get(n) ?? []));
  }
  return false;
}

function nodeLabel(graph: GraphSpec, id: string): string {
  const n = graph.nodes.find((x) => x.id === id);
  return n ? `${n.name ?? n.id} (${n.type})` : id;
}

/**
 * Adds the edge source → target, or refuses with a sentence saying why (self-loop, cycle, duplicate, the target
 * takes no more inputs). Shape mismatches are not refused here: they are accepted and reported on the node by
 * validation, so the user sees the error and its fix where it happens.
 */
export function connect(graph: GraphSpec, source: string, target: string): ConnectResult {
  const src = graph.nodes.find((n) => n.id === source);
  const dst = graph.nodes.find((n) => n.id === target);
  if (!src || !dst) return { ok: false, reason: 'Cannot connect: one of the layers no longer exists.' };
  if (source === target)
    return { ok: false, reason: `Cannot connect ${nodeLabel(graph, source)} to itself.` };
  const dstDef = getLayerDef(dst.type);
  if (dstDef.inputs.max === 0)
    return {
      ok: false,
      reason: `${nodeLabel(graph, target)} is a model input and takes no incoming connection. Connect its output to the next layer instead.`,
    };
  if (graph.edges.some((e) => e.source === source && e.target === target))
    return {
      ok: false,
      reason: `${nodeLabel(graph, source)} is already connected to ${nodeLabel(graph, target)}.`,
    };
  if (reaches(graph, target, source))
    return {
      ok: false,
      reason: `Connecting ${nodeLabel(graph, source)} → ${nodeLabel(graph, target)} would create a cycle; a model must flow one way from the Input.`,
    };
  const incoming = graph.edges.filter((e) => e.target === target);
  if (incoming.length >= dstDef.inputs.max)
    return {
      ok: false,
      reason: `${nodeLabel(graph, target)} takes ${dstDef.inputs.max === 1 ? 'one input' : `at most ${dstDef.inputs.max} inputs`} and already has ${incoming.length}. Delete its incoming connection first, or use an Add/Concatenate layer to merge branches.`,
    };
  const edgeId = freshEdgeId(graph, source, target);
  const edge: GraphEdge = { id: edgeId, source, target, targetPort: incoming.length };
  return { ok: true, graph: { ...graph, edges: [...graph.edges, edge] }, edgeId };
}

/** Removes nodes (with their edges) and edges; renumbers the remaining target ports of affected nodes. */
export function removeElements(graph: GraphSpec, nodeIds: string[], edgeIds: string[] = []): GraphSpec {
  const dropNodes = new Set(nodeIds);
  const dropEdges = new Set(edgeIds);
  const nodes = graph.nodes.filter((n) => !dropNodes.has(n.id));
  const kept = graph.edges.filter(
    (e) => !dropEdges.has(e.id) && !dropNodes.has(e.source) && !dropNodes.has(e.target),
  );
  const byTarget = new Map<string, GraphEdge[]>();
  for (const e of kept) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  const edges = kept.map((e) => {
    const siblings = (byTarget.get(e.target) ?? [])
      .slice()
      .sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0));
    return { ...e, targetPort: siblings.indexOf(e) };
  });
  return { ...graph, nodes, edges };
}

export interface Clipboard {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges between them. */
export function copySelection(graph: GraphSpec, nodeIds: string[]): Clipboard | null {
  const ids = new Set(nodeIds.filter((id) => graph.nodes.find((n) => n.id === id && n.type !== 'Input')));
  if (ids.size === 0) return null;
  return {
    nodes: structuredClone(graph.nodes.filter((n) => ids.has(n.id))),
    edges: structuredClone(graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target))),
  };
}

/** Pastes a clipboard with fresh ids, offset so the copies do not hide the originals. */
export function paste(
  graph: GraphSpec,
  clip: Clipboard,
  offset = 40,
): { graph: GraphSpec; nodeIds: string[] } {
  let g = graph;
  const idMap = new Map<string, string>();
  const nodeIds: string[] = [];
  for (const n of clip.nodes) {
    const id = freshNodeId(g, n.type);
    idMap.set(n.id, id);
    nodeIds.push(id);
    const pos = n.position ?? { x: 0, y: 0 };
    g = {
      ...g,
      nodes: [
        ...g.nodes,
        { ...structuredClone(n), id, position: { x: pos.x + offset, y: pos.y + offset }, name: undefined },
      ],
    };
  }
  for (const e of clip.edges) {
    const source = idMap.get(e.source)!;
    const target = idMap.get(e.target)!;
    g = { ...g, edges: [...g.edges, { ...e, id: freshEdgeId(g, source, target), source, target }] };
  }
  return { graph: g, nodeIds };
}

export function setNodeParams(graph: GraphSpec, nodeId: string, params: GraphNode['params']): GraphSpec {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === nodeId ? { ...n, params } : n)) };
}

export function setNodePositions(
  graph: GraphSpec,
  positions: Record<string, { x: number; y: number }>,
): GraphSpec {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
  };
}

/** A spot below the given node (or below everything) for a node added from the keyboard. */
export function positionBelow(graph: GraphSpec, nodeId: string | null): { x: number; y: number } {
  const anchor = nodeId ? graph.nodes.find((n) => n.id === nodeId) : undefined;
  if (anchor?.position) return { x: anchor.position.x, y: anchor.position.y + 110 };
  const maxY = Math.max(-110, ...graph.nodes.map((n) => n.position?.y ?? 0));
  return { x: 0, y: maxY + 110 };
}
