/**
 * Cost before training (docs/auto-size-search.md §2): a candidate over budget is never trained. bnn-core knows
 * the packed weight bytes (`inferGraph`); flash, RAM and latency of a target come from the exporters' firmware and
 * latency models, which the caller plugs in as a `CostModel` (bnn-core does not depend on exporters).
 */
import { randomWeights } from '../eval/weight-specs.js';
import { inferGraph } from '../infer/analyze.js';
import { pruneModel } from '../prune/prune.js';
import type { GraphSpec } from '../spec/graph-types.js';

/** What a candidate costs on the target (absent: not estimated by this cost model). */
export interface CandidateCost {
  /** Packed weight bytes (Larq's model size: binary weights 1 bit, float 32, int8 8): "flash for weights". */
  packedBytes: number;
  /** The device image's flash (constants + code). */
  flashBytes?: number;
  /** The device image's RAM (arena + runtime statics + stack). */
  ramBytes?: number;
  /** Estimated inference latency on the target. */
  latencyMs?: number;
  /** Binary MACs per inference. */
  binaryMacs?: number;
}

/** Limits a candidate must respect (absent: no limit). */
export interface SearchBudget {
  packedBytes?: number;
  flashBytes?: number;
  ramBytes?: number;
  latencyMs?: number;
}

/** The packed-size part of the cost, from `inferGraph`; throws when the graph is not valid. */
export function packedCost(graph: GraphSpec): CandidateCost {
  const a = inferGraph(graph);
  const error = a.issues.find((i) => i.severity === 'error');
  if (error) throw new Error(`the candidate graph is not valid: ${error.message}`);
  return { packedBytes: Math.round(a.totals.modelSizeBytes), binaryMacs: a.totals.binaryMacs ?? 0 };
}

/**
 * The graph a candidate deploys: the trained graph, or with pruning the pruned one — its shapes do not depend on
 * the weight values (`layer` scope), so seeded random weights give the deployed shapes before any training.
 */
export function deployedShapeGraph(graph: GraphSpec, prune: number): GraphSpec {
  if (prune <= 0) return graph;
  return pruneModel(graph, randomWeights(graph, 1), { fraction: prune, scope: 'layer' }).graph;
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

/** Why a cost is over budget ("flash 17.2 KiB > 16.0 KiB; …"), or null when it fits. */
export function overBudget(cost: CandidateCost, budget: SearchBudget): string | null {
  const out: string[] = [];
  const check = (
    name: string,
    have: number | undefined,
    limit: number | undefined,
    fmt: (n: number) => string,
  ) => {
    if (limit === undefined) return;
    if (have === undefined) out.push(`${name} not estimated for this target`);
    else if (have > limit) out.push(`${name} ${fmt(have)} > ${fmt(limit)}`);
  };
  check('weights', cost.packedBytes, budget.packedBytes, kib);
  check('flash', cost.flashBytes, budget.flashBytes, kib);
  check('RAM', cost.ramBytes, budget.ramBytes, kib);
  check('latency', cost.latencyMs, budget.latencyMs, (n) => `${n.toFixed(1)} ms`);
  return out.length ? out.join('; ') : null;
}
