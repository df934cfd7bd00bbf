import type { GraphAnalysis } from '../infer/analyze.js';
import { getLayerDef, type LayerType, resolveParams } from '../registry/layers.js';
import type { GraphNode, GraphSpec } from '../spec/graph-types.js';

/**
 * Channel spaces: which output channels of a graph are one and the same set, so that pruning must treat them
 * together. A node's output channels (the last axis) either start a new space (a convolution or dense layer
 * makes new channels: a *producer*) or continue its input's space (BatchNorm, pooling, activations, Dropout,
 * a depthwise convolution with depth_multiplier 1, Flatten, and `Add`, which ties all its operands into one space).
 *
 * A space may be pruned only when every producer in it is a convolution/dense layer (its output channels can be
 * dropped with its kernel columns), none of its nodes is a graph output or feeds a Softmax, and nothing consumes it
 * whose channel layout is fixed (Reshape, Concatenate, a depthwise convolution with depth_multiplier > 1): those
 * are *barriers*. Flatten continues its input's space with a derived layout (position-major: flat index
 * `p·C + c`), so a dense layer after Flatten loses the rows of the pruned channels at every position.
 */

/** How a layer type relates its output channels to its input's. */
type ChannelRole = 'producer' | 'pass' | 'flatten' | 'add' | 'barrier' | 'input' | 'depthwise';

const CHANNEL_ROLES = {
  Input: 'input',
  QuantConv2D: 'producer',
  Conv2D: 'producer',
  QuantDense: 'producer',
  Dense: 'producer',
  QuantSeparableConv2D: 'producer',
  QuantDepthwiseConv2D: 'depthwise',
  DepthwiseConv2D: 'depthwise',
  BatchNormalization: 'pass',
  PReLU: 'pass',
  MaxPool2D: 'pass',
  AveragePool2D: 'pass',
  GlobalAveragePooling2D: 'pass',
  ReLU: 'pass',
  HardTanh: 'pass',
  LeakyTanh: 'pass',
  Dropout: 'pass',
  // Softmax normalises over the channels: its space is the model's classes, never pruned (see `fixed` below).
  Softmax: 'pass',
  Flatten: 'flatten',
  Reshape: 'barrier',
  Concatenate: 'barrier',
  Add: 'add',
} satisfies Record<LayerType, ChannelRole>;

export interface ChannelSpace {
  /** The id of the space (the id of its first node in execution order). */
  id: string;
  /** Nodes whose outputs belong to the space, in execution order. */
  nodes: string[];
  /** Producer nodes (convolution / dense layers) whose output channels make the space. */
  producers: string[];
  /** Channels of the space (the producers' output channels). */
  channels: number;
  /** Null when the space may be pruned; otherwise why not (for reports and tests). */
  fixedReason: string | null;
  /** True when at least one producer is a binary (1-bit) layer. */
  binary: boolean;
}

export interface ChannelGraph {
  spaces: ChannelSpace[];
  /** Node id → id of the space its output belongs to. */
  spaceOf: Map<string, string>;
  /** Node id → its input node ids in port order. */
  inputsOf: Map<string, string[]>;
  /** Node id → its consumers. */
  consumersOf: Map<string, string[]>;
  byId: Map<string, GraphNode>;
  role(nodeId: string): ChannelRole;
}

function roleOf(node: GraphNode): ChannelRole {
  const type = getLayerDef(node.type).type as LayerType;
  const role: ChannelRole = CHANNEL_ROLES[type];
  if (role !== 'depthwise') return role;
  return Number(resolveParams(node).depth_multiplier ?? 1) === 1 ? 'pass' : 'barrier';
}

/** Builds the channel spaces of a valid graph (`analysis` is its `inferGraph`, without errors). */
export function channelSpaces(graph: GraphSpec, analysis: GraphAnalysis): ChannelGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputsOf = new Map<string, string[]>();
  const consumersOf = new Map<string, string[]>();
  for (const e of [...graph.edges].sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0))) {
    inputsOf.set(e.target, [...(inputsOf.get(e.target) ?? []), e.source]);
    consumersOf.set(e.source, [...(consumersOf.get(e.source) ?? []), e.target]);
  }
  const roles = new Map(graph.nodes.map((n) => [n.id, roleOf(n)]));
  const role = (id: string) => roles.get(id)!;

  // Union-find over node outputs.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const id of analysis.order) parent.set(id, id);
  for (const id of analysis.order) {
    const r = role(id);
    if (r === 'pass' || r === 'flatten' || r === 'add')
      for (const src of inputsOf.get(id) ?? []) union(src, id);
  }

  const members = new Map<string, string[]>();
  for (const id of analysis.order) {
    const root = find(id);
    members.set(root, [...(members.get(root) ?? []), id]);
  }
  const shapeOf = (id: string) => analysis.nodes[id]?.outputShape ?? [];
  const spaceOf = new Map<string, string>();
  const spaces: ChannelSpace[] = [];
  for (const nodes of members.values()) {
    const id = nodes[0]!;
    for (const n of nodes) spaceOf.set(n, id);
    const producers = nodes.filter((n) => role(n) === 'producer');
    let fixedReason: string | null = null;
    const fix = (why: string) => {
      fixedReason ??= why;
    };
    const notProducer = nodes.find((n) => role(n) === 'input' || role(n) === 'barrier');
    if (notProducer) fix(`'${notProducer}' (${byId.get(notProducer)!.type}) makes these channels`);
    if (producers.length === 0) fix('no convolution or dense layer makes these channels');
    const channels = producers.length ? shapeOf(producers[0]!).at(-1)! : (shapeOf(id).at(-1) ?? 0);
    // Every producer must sit before any Flatten (the space is pruned in the producers' channel terms).
    let flattened = false;
    for (const n of nodes) {
      if (role(n) === 'flatten' && shapeOf(inputsOf.get(n)![0]!).length > 1) flattened = true;
      if (flattened && (role(n) === 'producer' || role(n) === 'add'))
        fix(`'${n}' ties channels after a Flatten`);
      if (getLayerDef(byId.get(n)!.type).type === 'Softmax') fix(`'${n}' is a Softmax over these channels`);
      if (!(consumersOf.get(n)?.length ?? 0)) fix(`'${n}' is a graph output`);
      for (const c of consumersOf.get(n) ?? []) {
        if (role(c) === 'barrier') fix(`'${c}' (${byId.get(c)!.type}) needs these channels unchanged`);
      }
    }
    for (const p of producers) {
      if (shapeOf(p).at(-1) !== channels) fix(`producers of different widths are tied ('${p}')`);
    }
    const binary = producers.some((p) => analysis.nodes[p]?.bitWidth === 1);
    spaces.push({ id, nodes, producers, channels, fixedReason, binary });
  }
  return { spaces, spaceOf, inputsOf, consumersOf, byId, role };
}
