import { inferGraph } from '../infer/analyze.js';
import { getLayerDef, type LayerType, resolveParams } from '../registry/layers.js';
import type { GraphSpec, NamedTensor, WeightMap } from '../spec/graph-types.js';
import { type ChannelGraph, channelSpaces } from './channel-spaces.js';
import { PruneError } from './prune-error.js';

/** Kept channels (ascending indices into the producers' output channels) per pruned space id. */
export type ChannelPlan = Map<string, number[]>;

/** `t` with only the `keep` indices along `axis`. */
export function takeAxis(t: NamedTensor, axis: number, keep: number[]): NamedTensor {
  const shape = t.shape.slice();
  const ax = axis < 0 ? shape.length + axis : axis;
  const outer = shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const n = shape[ax]!;
  const data = new Float32Array(outer * keep.length * inner);
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const k of keep) {
      const from = (i * n + k) * inner;
      data.set(t.data.subarray(from, from + inner), o);
      o += inner;
    }
  }
  shape[ax] = keep.length;
  return { shape, data };
}

/**
 * Removes channels from a graph and its weights as `plan` says, carrying every removal to its consumers:
 * the producers lose kernel output columns (and bias entries), BatchNorm/PReLU/depthwise layers in the space lose
 * their per-channel variables, and every layer reading the space loses the matching kernel input rows (after a
 * Flatten: the rows of the pruned channels at every position). Returns new objects; the inputs are not changed.
 * Throws `PruneError` when the plan names a space that may not be pruned or a channel outside it.
 */
export function applyChannelPlan(
  graph: GraphSpec,
  weights: WeightMap,
  plan: ChannelPlan,
  cg: ChannelGraph = channelSpaces(graph, inferGraph(graph)),
): { graph: GraphSpec; weights: WeightMap } {
  const analysis = inferGraph(graph);
  const spaceById = new Map(cg.spaces.map((s) => [s.id, s]));
  for (const [id, keep] of plan) {
    const space = spaceById.get(id);
    if (!space) {
      throw new PruneError(
        'prune_unknown_space',
        `prune: no channel space '${id}'.`,
        'Build the plan from channelSpaces of this graph.',
      );
    }
    if (space.fixedReason) {
      throw new PruneError(
        'prune_fixed_space',
        `prune: the channels of '${id}' cannot be pruned: ${space.fixedReason}.`,
        'Leave this space out of the plan.',
      );
    }
    if (
      keep.length === 0 ||
      keep.some(
        (k, i) => !Number.isInteger(k) || k < 0 || k >= space.channels || (i > 0 && k <= keep[i - 1]!),
      )
    ) {
      throw new PruneError(
        'prune_bad_keep',
        `prune: the kept channels of '${id}' must be ascending, distinct, within 0..${space.channels - 1} and not empty.`,
        'Keep at least one channel and list each once, in ascending order.',
      );
    }
  }
  const shapeOf = (id: string) => analysis.nodes[id]!.outputShape!;
  // Kept indices along each node's output last axis (null: all kept).
  const outKeep = new Map<string, number[] | null>();
  for (const id of analysis.order) {
    const r = cg.role(id);
    const src = cg.inputsOf.get(id)?.[0];
    const inKeep = src === undefined ? null : (outKeep.get(src) ?? null);
    if (r === 'producer') outKeep.set(id, plan.get(cg.spaceOf.get(id)!) ?? null);
    else if (r === 'pass' || r === 'add') outKeep.set(id, inKeep);
    else if (r === 'flatten') {
      const inShape = shapeOf(src!);
      if (inKeep === null || inShape.length === 1) outKeep.set(id, inKeep);
      else {
        const c = inShape.at(-1)!;
        const positions = inShape.slice(0, -1).reduce((a, b) => a * b, 1);
        const flat: number[] = [];
        for (let p = 0; p < positions; p++) for (const k of inKeep) flat.push(p * c + k);
        outKeep.set(id, flat);
      }
    } else outKeep.set(id, null);
  }

  const out: WeightMap = {};
  const nodes = graph.nodes.map((node) => {
    const vars = weights[node.id];
    const type = getLayerDef(node.type).type as LayerType;
    const src = cg.inputsOf.get(node.id)?.[0];
    const inKeep = src === undefined ? null : (outKeep.get(src) ?? null);
    const keep = outKeep.get(node.id) ?? null;
    const params = { ...node.params };
    if (vars) {
      const nv: Record<string, NamedTensor> = {};
      for (const [name, t] of Object.entries(vars)) {
        let v = t;
        const role = cg.role(node.id);
        if (role === 'producer') {
          if (name === 'kernel' && t.shape.length === 4) {
            if (inKeep) v = takeAxis(v, 2, inKeep);
            if (keep) v = takeAxis(v, 3, keep);
          } else if (name === 'kernel' && t.shape.length === 2) {
            if (inKeep) v = takeAxis(v, 0, inKeep);
            if (keep) v = takeAxis(v, 1, keep);
          } else if (name === 'depthwise_kernel' && inKeep) {
            v = takeAxis(v, 2, inKeep);
          } else if (name === 'pointwise_kernel') {
            if (inKeep) {
              const m = Number(resolveParams(node).depth_multiplier ?? 1);
              v = takeAxis(
                v,
                2,
                inKeep.flatMap((c) => Array.from({ length: m }, (_, j) => c * m + j)),
              );
            }
            if (keep) v = takeAxis(v, 3, keep);
          } else if (name === 'bias' && keep) v = takeAxis(v, 0, keep);
        } else if (keep && role === 'pass') {
          // Per-channel variables of BatchNorm (gamma, beta, moving_*), PReLU (alpha) and depthwise (kernel, bias).
          if (name === 'depthwise_kernel') v = takeAxis(v, 2, keep);
          else if (t.shape.at(-1) === shapeOf(node.id).at(-1) && t.shape.at(-1)! > 1)
            v = takeAxis(v, -1, keep);
        }
        nv[name] = v;
      }
      out[node.id] = nv;
    }
    const keepOut = outKeep.get(node.id) ?? null;
    if (cg.role(node.id) === 'producer' && keepOut) {
      if (type === 'QuantDense' || type === 'Dense') params.units = keepOut.length;
      else params.filters = keepOut.length;
    }
    return { ...structuredClone(node), params };
  });
  // Variables of nodes the graph does not have are carried unchanged (they are not ours to judge).
  for (const [id, vars] of Object.entries(weights)) if (!(id in out)) out[id] = vars;
  return { graph: { ...structuredClone(graph), nodes }, weights: out };
}
