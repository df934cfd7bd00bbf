import { checkNodeParams } from '../registry/check-params.js';
import { getLayerDef, hasLayerDef, type LayerDef, listLayerDefs, resolveParams } from '../registry/layers.js';
import { getQuantizerDef, hasQuantizerDef, quantizerPrecision } from '../registry/quantizers.js';
import type { GraphNode, GraphSpec, QuantizerRef } from '../spec/graph-types.js';
import { type GraphIssue, makeIssue } from '../spec/issues.js';
import { LAYER_RULES, type MacCost, type RuledLayerType, type WeightCost } from './layer-rules.js';

export interface NodeAnalysis {
  /** The node's layer type (as in the graph). */
  layerType: string;
  /** Per-sample output shape, or null when it cannot be inferred (an issue says why). */
  outputShape: number[] | null;
  /** Precision of the layer's arithmetic: 1 (XNOR/popcount), 8 (2–8-bit) or 32 (float). */
  bitWidth: 1 | 8 | 32;
  /** Parameter counts by precision bucket (binary = 1 bit, int8 = 2–8 bits, float32 = 32 bits). */
  params: { binary: number; int8: number; float32: number; trainable: number; nonTrainable: number };
  /** Parameter counts by exact bit width (Larq's "# b-bit" columns), e.g. { 1: 18432, 32: 128 }. */
  paramsByBits: Record<number, number>;
  /** MACs by exact precision (Larq's "b-bit MACs" columns). */
  macsByBits: Record<number, number>;
  /** Larq's per-layer "Memory": Σ params × their bit width, in bits. */
  memoryBits: number;
  /** Precision of the layer's input quantizer (Larq's "Input prec."), null without one (shown as "-"). */
  inputPrecision: number | null;
  /** Weight storage in bytes with binary kernels packed into LCE int32 words. */
  packedBytes: number;
  macs: { binary: number; int8: number; float32: number };
}

export interface ModelTotals {
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  binaryParams: number;
  int8Params: number;
  float32Params: number;
  /** Parameter counts by exact bit width over the model (Larq's total row). */
  paramsByBits: Record<number, number>;
  /** MACs by exact precision over the model. */
  macsByBits: Record<number, number>;
  /** Larq's "Model size": Σ params × their own bit width / 8 (a 2-bit ternary weight is 2 bits). */
  modelSizeBytes: number;
  /** Size with every weight wider than 8 bits stored as 8 bits (Larq's "Model size (8-bit FP weights)"). */
  int8EquivalentBytes: number;
  /** Larq's "Float-32 equivalent": 4 bytes per parameter. */
  float32EquivalentBytes: number;
  /** Larq's "Compression ratio of memory": modelSizeBytes / float32EquivalentBytes (smaller is better). */
  compressionRatio: number;
  /** float32EquivalentBytes / modelSizeBytes (older Larq's "Compression of Memory", e.g. 25.97×). */
  compressionFactor: number;
  /** Σ node packedBytes: what the weights occupy bit-packed. */
  packedBytes: number;
  totalMacs: number;
  binaryMacs: number;
  int8Macs: number;
  float32Macs: number;
  /** Larq's "Ratio of MACs that are binarized". 0 when there are no MACs. */
  binaryMacShare: number;
  /** Larq's "Ratio of MACs that are ternarized" (2-bit MACs). 0 when there are none. */
  ternaryMacShare: number;
  /** Peak bytes of live activations for the static schedule `order` (bit-packed where every consumer binarises). */
  arenaBytes: number;
}

export interface GraphAnalysis {
  nodes: Record<string, NodeAnalysis>;
  /** Execution order (topological) of the nodes that are not on or after a cycle. */
  order: string[];
  totals: ModelTotals;
  issues: GraphIssue[];
}

const bucket = (bits: number): 'binary' | 'int8' | 'float32' =>
  bits === 1 ? 'binary' : bits <= 8 ? 'int8' : 'float32';
const bucketWidth = (bits: number): 1 | 8 | 32 => (bits === 1 ? 1 : bits <= 8 ? 8 : 32);

function isSignLike(ref: unknown): boolean {
  if (!ref) return false;
  const id = typeof ref === 'string' ? ref : (ref as QuantizerRef).id;
  return typeof id === 'string' && hasQuantizerDef(id) && getQuantizerDef(id).signForward;
}

function emptyNode(layerType: string): NodeAnalysis {
  return {
    layerType,
    outputShape: null,
    bitWidth: 32,
    params: { binary: 0, int8: 0, float32: 0, trainable: 0, nonTrainable: 0 },
    paramsByBits: {},
    macsByBits: {},
    memoryBits: 0,
    inputPrecision: null,
    packedBytes: 0,
    macs: { binary: 0, int8: 0, float32: 0 },
  };
}

/**
 * Validates a graph and infers every node's output shape and costs in one pass (pure, fast enough for every
 * edit). Issues carry the node/edge id, the field, the problem and the fix.
 */
export function inferGraph(graph: GraphSpec): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const nodes: Record<string, NodeAnalysis> = {};
  const byId = new Map<string, GraphNode>();
  const defs = new Map<string, LayerDef>();

  // 1. Nodes: ids, types, params.
  for (const node of graph.nodes) {
    if (byId.has(node.id)) {
      issues.push(
        makeIssue(
          'duplicate_id',
          { nodeId: node.id, field: 'id' },
          `graph: two nodes have the id '${node.id}'`,
          'Give every node a unique id.',
        ),
      );
      continue;
    }
    byId.set(node.id, node);
    nodes[node.id] = emptyNode(node.type);
    if (!hasLayerDef(node.type)) {
      issues.push(
        makeIssue(
          'unknown_type',
          { nodeId: node.id, field: 'type' },
          `node '${node.id}': unknown layer type '${node.type}'`,
          `Use one of: ${listLayerDefs()
            .map((d) => d.type)
            .join(', ')}.`,
        ),
      );
      continue;
    }
    const def = getLayerDef(node.type);
    defs.set(node.id, def);
    checkNodeParams(node, def, issues);
  }
  const paramErrorNodes = new Set(
    issues.filter((i) => i.severity === 'error' && i.nodeId).map((i) => i.nodeId!),
  );

  // 2. Inputs.
  const inputIds = graph.nodes.filter((n) => defs.get(n.id)?.category === 'input').map((n) => n.id);
  if (inputIds.length === 0) {
    issues.push(
      makeIssue(
        'no_input',
        {},
        'graph: there is no Input node',
        'Add an Input node and connect it to the first layer.',
      ),
    );
  } else if (inputIds.length > 1) {
    for (const id of inputIds.slice(1)) {
      issues.push(
        makeIssue(
          'multiple_inputs',
          { nodeId: id },
          `graph: Input '${id}' is a second input (the first is '${inputIds[0]}'); models have exactly one`,
          `Delete '${id}' and connect its consumers to '${inputIds[0]}'.`,
        ),
      );
    }
  }

  // 3. Edges and ports.
  const incoming = new Map<string, Array<{ source: string; port: number; edgeId: string }>>();
  const outgoing = new Map<string, string[]>();
  const edgeIds = new Set<string>();
  const touched = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) {
      issues.push(
        makeIssue(
          'duplicate_id',
          { edgeId: edge.id, field: 'id' },
          `graph: two edges have the id '${edge.id}'`,
          'Give every edge a unique id.',
        ),
      );
      continue;
    }
    edgeIds.add(edge.id);
    let bad = false;
    for (const end of ['source', 'target'] as const) {
      if (!byId.has(edge[end])) {
        bad = true;
        issues.push(
          makeIssue(
            'bad_edge',
            { edgeId: edge.id, field: end },
            `edge '${edge.id}': ${end} '${edge[end]}' is not a node of the graph`,
            'Delete the edge or reconnect it to an existing node.',
          ),
        );
      }
    }
    if (bad) continue;
    touched.add(edge.source);
    touched.add(edge.target);
    const targetDef = defs.get(edge.target);
    if (targetDef?.category === 'input') {
      issues.push(
        makeIssue(
          'bad_edge',
          { edgeId: edge.id, nodeId: edge.target, field: 'target' },
          `edge '${edge.id}': Input '${edge.target}' cannot receive an edge`,
          'Delete the edge; the Input node has no inputs.',
        ),
      );
      continue;
    }
    const port = edge.targetPort ?? 0;
    const list = incoming.get(edge.target) ?? [];
    list.push({ source: edge.source, port, edgeId: edge.id });
    incoming.set(edge.target, list);
    const outs = outgoing.get(edge.source) ?? [];
    outs.push(edge.target);
    outgoing.set(edge.source, outs);
  }

  const portErrorNodes = new Set<string>();
  for (const [id, def] of defs) {
    const ins = incoming.get(id) ?? [];
    if (def.category === 'input') continue;
    const max = def.inputs.max;
    const seen = new Map<number, string>();
    for (const e of ins) {
      if (e.port >= max) {
        portErrorNodes.add(id);
        issues.push(
          makeIssue(
            'bad_port',
            { edgeId: e.edgeId, nodeId: id, field: 'targetPort' },
            `edge '${e.edgeId}': ${def.type} '${id}' has no input port ${e.port} (ports 0–${max - 1})`,
            max === 1
              ? 'Remove targetPort (single-input layers use port 0).'
              : `Use a port between 0 and ${max - 1}.`,
          ),
        );
      } else if (seen.has(e.port)) {
        portErrorNodes.add(id);
        issues.push(
          makeIssue(
            max === 1 ? 'input_count' : 'bad_port',
            { edgeId: e.edgeId, nodeId: id, field: 'targetPort' },
            max === 1
              ? `${def.type} '${id}': takes one input but edges '${seen.get(e.port)}' and '${e.edgeId}' both feed it`
              : `${def.type} '${id}': edges '${seen.get(e.port)}' and '${e.edgeId}' both target port ${e.port}`,
            max === 1
              ? 'Delete one edge, or merge the branches with an Add or Concatenate first.'
              : 'Give each incoming edge its own port (0, 1, ...).',
          ),
        );
      } else seen.set(e.port, e.edgeId);
    }
    if (portErrorNodes.has(id)) continue;
    const n = seen.size;
    if (n > 0 && (n < def.inputs.min || [...seen.keys()].some((p) => p >= n))) {
      portErrorNodes.add(id);
      issues.push(
        makeIssue(
          'input_count',
          { nodeId: id },
          n < def.inputs.min
            ? `${def.type} '${id}': needs at least ${def.inputs.min} inputs, has ${n}`
            : `${def.type} '${id}': input ports must be 0..${n - 1} without gaps, got ${[...seen.keys()].sort().join(', ')}`,
          n < def.inputs.min
            ? `Connect ${def.inputs.min - n} more branch(es).`
            : 'Renumber the ports from 0.',
        ),
      );
    }
  }

  // 4. Order (Kahn) and cycles.
  const indeg = new Map<string, number>();
  for (const id of byId.keys()) indeg.set(id, (incoming.get(id) ?? []).length);
  const queue: string[] = [];
  for (const node of graph.nodes)
    if (indeg.get(node.id) === 0 && byId.get(node.id) === node) queue.push(node.id);
  const order: string[] = [];
  for (let qi = 0; qi < queue.length; qi++) {
    const id = queue[qi]!;
    order.push(id);
    for (const t of outgoing.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  if (order.length < byId.size) {
    const left = new Set([...byId.keys()].filter((id) => indeg.get(id)! > 0));
    for (const id of left) {
      if (reachesItself(id, left, outgoing)) {
        issues.push(
          makeIssue(
            'cycle',
            { nodeId: id },
            `node '${id}' is on a cycle; models must be acyclic`,
            'Delete the edge that feeds a later layer back into an earlier one.',
          ),
        );
      }
    }
  }

  // 5. Connectivity.
  const reachable = new Set<string>();
  if (inputIds[0]) {
    const stack = [inputIds[0]];
    reachable.add(inputIds[0]);
    while (stack.length) {
      const id = stack.pop()!;
      for (const t of outgoing.get(id) ?? []) {
        if (!reachable.has(t)) {
          reachable.add(t);
          stack.push(t);
        }
      }
    }
  }
  for (const [id, def] of defs) {
    if (def.category === 'input' && id !== inputIds[0]) continue;
    if (!touched.has(id) && !(def.category === 'input' && graph.nodes.length === 1)) {
      issues.push(
        makeIssue(
          'unconnected',
          { nodeId: id },
          `${def.type} '${id}' is not connected to anything`,
          def.category === 'input'
            ? 'Connect the Input to the first layer.'
            : 'Connect it between two layers, or delete it.',
        ),
      );
    } else if (inputIds[0] && !reachable.has(id) && touched.has(id)) {
      issues.push(
        makeIssue(
          'unreachable',
          { nodeId: id },
          `${def.type} '${id}' cannot be reached from the Input '${inputIds[0]}'`,
          'Connect its branch to the Input (or a layer after it), or delete it.',
        ),
      );
    }
  }

  // 6. Shapes and costs in order.
  const shapes = new Map<string, number[] | null>();
  const nodeBits = new Map<string, number>();
  for (const id of order) {
    const node = byId.get(id)!;
    const def = defs.get(id);
    const na = nodes[id]!;
    if (!def || paramErrorNodes.has(id) || portErrorNodes.has(id)) {
      shapes.set(id, null);
      continue;
    }
    const params = resolveParams(node);
    if (def.category === 'input') {
      const shape = params.shape as number[];
      if (shape.length !== 1 && shape.length !== 3) {
        issues.push(
          makeIssue(
            'param_range',
            { nodeId: id, field: 'shape' },
            `Input '${id}': shape must be [H, W, C] or [N], got [${shape.join(', ')}]`,
            'Use [height, width, channels] for images (e.g. [28, 28, 1]) or [features] for vectors.',
          ),
        );
        shapes.set(id, null);
        continue;
      }
      na.outputShape = shape.slice();
      shapes.set(id, na.outputShape);
      continue;
    }
    const raw = incoming.get(id) ?? [];
    const ins = raw.length > 1 ? raw.slice().sort((a, b) => a.port - b.port) : raw;
    const inShapes = ins.map((e) => shapes.get(e.source) ?? null);
    if (ins.length === 0 || inShapes.some((s) => s === null)) {
      shapes.set(id, null);
      continue;
    }
    const rule = LAYER_RULES[def.type as RuledLayerType];
    if (!rule) throw new Error(`bnn-core inferGraph: no shape rule for layer type '${def.type}'`);
    const res = rule({ nodeId: id, type: def.type, params, inputs: inShapes as number[][], issues });
    na.outputShape = res.shape;
    shapes.set(id, res.shape);
    accumulate(na, res.weights, res.macs);
    na.inputPrecision = params.input_quantizer
      ? quantizerPrecision(params.input_quantizer as QuantizerRef)
      : null;
    nodeBits.set(id, na.bitWidth);
    warnings(node, def, params, issues);
  }

  // 7. Output head.
  const sinks = order.filter(
    (id) => reachable.has(id) && (outgoing.get(id) ?? []).length === 0 && defs.has(id),
  );
  const vectorSinks = sinks.filter(
    (id) => defs.get(id)!.category !== 'input' && shapes.get(id)?.length === 1,
  );
  const unknownSinks = sinks.filter((id) => shapes.get(id) === null);
  if (inputIds.length > 0 && vectorSinks.length === 0 && unknownSinks.length === 0) {
    const last = sinks[sinks.length - 1];
    issues.push(
      makeIssue(
        'no_output_head',
        last ? { nodeId: last } : {},
        last
          ? `graph: no output head; the last layer '${last}' outputs [${(shapes.get(last) ?? []).join(', ')}], not a vector of class scores`
          : 'graph: no output head; nothing follows the Input',
        'End the model with GlobalAveragePooling2D or Flatten, then a Dense/QuantDense with one unit per class (and Softmax).',
      ),
    );
  } else if (sinks.length > 1) {
    for (const id of sinks.slice(0, -1)) {
      issues.push(
        makeIssue(
          'multiple_outputs',
          { nodeId: id },
          `${defs.get(id)!.type} '${id}' has no outgoing edge, so it is an extra model output`,
          'Connect it to the next layer, or delete it if the branch is unused.',
        ),
      );
    }
  }

  return {
    nodes,
    order,
    totals: totalsOf(nodes, order, byId, defs, outgoing, shapes),
    issues,
  };
}

function reachesItself(start: string, within: Set<string>, outgoing: Map<string, string[]>): boolean {
  const seen = new Set<string>();
  const stack = [...(outgoing.get(start) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === start) return true;
    if (seen.has(id) || !within.has(id)) continue;
    seen.add(id);
    stack.push(...(outgoing.get(id) ?? []));
  }
  return false;
}

function accumulate(na: NodeAnalysis, weights: WeightCost[], macs: MacCost[]): void {
  for (const w of weights) {
    na.params[bucket(w.bits)] += w.count;
    na.paramsByBits[w.bits] = (na.paramsByBits[w.bits] ?? 0) + w.count;
    na.memoryBits += w.count * w.bits;
    if (w.trainable) na.params.trainable += w.count;
    else na.params.nonTrainable += w.count;
    na.packedBytes += w.packedBytes;
  }
  for (const m of macs) {
    na.macs[bucket(m.bits)] += m.count;
    na.macsByBits[m.bits] = (na.macsByBits[m.bits] ?? 0) + m.count;
  }
  na.bitWidth = macs.length > 0 ? bucketWidth(macs.reduce((a, m) => Math.max(a, m.bits), 1)) : 32;
}

function warnings(
  node: GraphNode,
  def: LayerDef,
  params: Record<string, unknown>,
  issues: GraphIssue[],
): void {
  if (def.category !== 'binary') return;
  const pairs: Array<[string, string]> =
    def.type === 'QuantSeparableConv2D'
      ? [
          ['depthwise_quantizer', 'depthwise_constraint'],
          ['pointwise_quantizer', 'pointwise_constraint'],
        ]
      : def.type === 'QuantDepthwiseConv2D'
        ? [['depthwise_quantizer', 'depthwise_constraint']]
        : [['kernel_quantizer', 'kernel_constraint']];
  for (const [q, c] of pairs) {
    const ref = params[q] as QuantizerRef | null;
    if (ref && quantizerPrecision(ref) === 1 && !params[c]) {
      issues.push(
        makeIssue(
          'starved_weights',
          { nodeId: node.id, field: c },
          `${def.type} '${node.id}': binary ${q.replace('_quantizer', '')} weights without a constraint can grow without bound and stop flipping ("starved weights")`,
          `Set ${c} to { "id": "weight_clip", "config": { "clip_value": 1 } }.`,
        ),
      );
    }
  }
  for (const key of ['input_quantizer', ...pairs.map((p) => p[0])]) {
    const ref = params[key] as QuantizerRef | null;
    if (!ref) continue;
    const qd = getQuantizerDef(ref.id);
    if (!qd.signForward && !(qd.id === 'magnitude_aware_sign' && key !== 'input_quantizer')) {
      issues.push(
        makeIssue(
          'not_deployable',
          { nodeId: node.id, field: key },
          `${def.type} '${node.id}': ${key} '${qd.id}' trains, but has no bit-exact XNOR/popcount deployment`,
          'For export use ste_sign, approx_sign or swish_sign (magnitude_aware_sign is also fine for kernels).',
        ),
      );
    }
  }
  if (params.padding === 'same' && params.pad_values === 0 && isSignLike(params.input_quantizer)) {
    const k = params.kernel_size as number[];
    if (k[0]! > 1 || k[1]! > 1) {
      issues.push(
        makeIssue(
          'zero_padding',
          { nodeId: node.id, field: 'pad_values' },
          `${def.type} '${node.id}': 'same' padding with pad_values 0 forces float output on export (slower, more memory)`,
          'Set pad_values to 1 (one-padding), as QuickNet and LCE recommend.',
        ),
      );
    }
  }
}

function totalsOf(
  nodes: Record<string, NodeAnalysis>,
  order: string[],
  byId: Map<string, GraphNode>,
  defs: Map<string, LayerDef>,
  outgoing: Map<string, string[]>,
  shapes: Map<string, number[] | null>,
): ModelTotals {
  let binaryParams = 0;
  let int8Params = 0;
  let float32Params = 0;
  let trainable = 0;
  let nonTrainable = 0;
  let packed = 0;
  let bm = 0;
  let im = 0;
  let fm = 0;
  let modelBits = 0;
  let int8FpBits = 0;
  const paramsByBits: Record<number, number> = {};
  const macsByBits: Record<number, number> = {};
  for (const id of Object.keys(nodes)) {
    const n = nodes[id]!;
    binaryParams += n.params.binary;
    int8Params += n.params.int8;
    float32Params += n.params.float32;
    trainable += n.params.trainable;
    nonTrainable += n.params.nonTrainable;
    packed += n.packedBytes;
    bm += n.macs.binary;
    im += n.macs.int8;
    fm += n.macs.float32;
    modelBits += n.memoryBits;
    for (const [bits, count] of Object.entries(n.paramsByBits)) {
      const b = Number(bits);
      paramsByBits[b] = (paramsByBits[b] ?? 0) + count;
      int8FpBits += count * Math.min(b, 8);
    }
    for (const [bits, count] of Object.entries(n.macsByBits)) {
      macsByBits[Number(bits)] = (macsByBits[Number(bits)] ?? 0) + count;
    }
  }
  const total = binaryParams + int8Params + float32Params;
  const totalMacs = bm + im + fm;
  return {
    totalParams: total,
    trainableParams: trainable,
    nonTrainableParams: nonTrainable,
    binaryParams,
    int8Params,
    float32Params,
    paramsByBits,
    macsByBits,
    modelSizeBytes: modelBits / 8,
    int8EquivalentBytes: int8FpBits / 8,
    float32EquivalentBytes: 4 * total,
    compressionRatio: total > 0 ? modelBits / (32 * total) : 1,
    compressionFactor: modelBits > 0 ? (32 * total) / modelBits : 1,
    packedBytes: packed,
    totalMacs,
    binaryMacs: bm,
    int8Macs: im,
    float32Macs: fm,
    binaryMacShare: totalMacs > 0 ? bm / totalMacs : 0,
    ternaryMacShare: totalMacs > 0 ? (macsByBits[2] ?? 0) / totalMacs : 0,
    arenaBytes: arenaEstimate(order, byId, defs, outgoing, shapes),
  };
}

/**
 * Peak activation memory of the static schedule `order`: a node's output lives from its step until its last
 * consumer's step; at each step the live set (including the output being written) is summed. A tensor whose
 * consumers all binarise their input with a sign quantizer is counted bit-packed (ceil(C/32) words per pixel).
 */
function arenaEstimate(
  order: string[],
  byId: Map<string, GraphNode>,
  defs: Map<string, LayerDef>,
  outgoing: Map<string, string[]>,
  shapes: Map<string, number[] | null>,
): number {
  const step = new Map<string, number>();
  for (let i = 0; i < order.length; i++) step.set(order[i]!, i);
  const sizes = new Map<string, number>();
  const lastUse = new Map<string, number>();
  for (const id of order) {
    const s = shapes.get(id);
    if (!s) continue;
    const consumers = outgoing.get(id) ?? [];
    const packed =
      consumers.length > 0 &&
      consumers.every((c) => {
        const d = defs.get(c);
        return d?.category === 'binary' && isSignLike(byId.get(c)!.params.input_quantizer);
      });
    const c = s[s.length - 1]!;
    const pixels = s.length === 1 ? 1 : s[0]! * s[1]!;
    sizes.set(id, packed ? pixels * Math.ceil(c / 32) * 4 : s.reduce((a, b) => a * b, 1) * 4);
    lastUse.set(
      id,
      consumers.reduce((m, t) => Math.max(m, step.get(t) ?? m), step.get(id)!),
    );
  }
  // Running sum: add each output when produced, subtract each tensor after its last consumer's step.
  const freeAt: string[][] = order.map(() => []);
  for (const [id, last] of lastUse) freeAt[last]!.push(id);
  let peak = 0;
  let live = 0;
  for (let i = 0; i < order.length; i++) {
    live += sizes.get(order[i]!) ?? 0;
    peak = Math.max(peak, live);
    for (const t of freeAt[i]!) live -= sizes.get(t)!;
  }
  return peak;
}
