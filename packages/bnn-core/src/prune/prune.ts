import { type GraphAnalysis, inferGraph } from '../infer/analyze.js';
import type { GraphSpec, ParamValue, WeightMap } from '../spec/graph-types.js';
import { blockScore, removeBlocks, residualBlocks } from './blocks.js';
import { channelSpaces } from './channel-spaces.js';
import { type PruneOptions, type PruneOptionsInput, PruneOptionsSchema } from './options.js';
import { PruneError } from './prune-error.js';
import { spaceScores } from './score.js';
import { applyChannelPlan, type ChannelPlan } from './surgery.js';

/** Cost figures of a graph that pruning changes. */
export interface PruneCost {
  binaryMacs: number;
  totalMacs: number;
  packedBytes: number;
  totalParams: number;
}

export interface PrunedLayer {
  /** The channel space (its first node). */
  space: string;
  /** The layers whose output channels were removed together (tied by an Add when more than one). */
  producers: string[];
  before: number;
  after: number;
}

export interface PruneReport {
  options: PruneOptions;
  before: PruneCost;
  after: PruneCost;
  /** (before − after) / before of the binary MACs (0 when the graph has none). */
  binaryMacsRemoved: number;
  layers: PrunedLayer[];
  /** The Add nodes of the residual blocks removed whole. */
  removedBlocks: string[];
  /** Channel spaces left alone and why (Softmax head, graph output, Reshape, …). */
  skipped: Array<{ space: string; reason: string }>;
}

export interface PruneResult {
  graph: GraphSpec;
  weights: WeightMap;
  report: PruneReport;
}

function costOf(a: GraphAnalysis): PruneCost {
  const t = a.totals;
  return {
    binaryMacs: t.binaryMacs,
    totalMacs: t.totalMacs,
    packedBytes: t.packedBytes,
    totalParams: t.totalParams,
  };
}

function analyseValid(graph: GraphSpec, what: string): GraphAnalysis {
  const a = inferGraph(graph);
  const err = a.issues.find((i) => i.severity === 'error');
  if (err) {
    throw new PruneError(
      'prune_invalid_graph',
      `prune: ${what} has errors: ${err.message}`,
      what === 'the graph' ? 'Fix the graph before pruning it.' : 'Report this as a bug with the graph.',
    );
  }
  return a;
}

/** Parses pruning options, naming every problem in one error. */
export function parsePruneOptions(input: unknown): PruneOptions {
  const r = PruneOptionsSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(prune)'}: ${i.message}`);
    throw new PruneError(
      'prune_bad_options',
      `prune: invalid options: ${lines.join('; ')}.`,
      'Give { fraction: 0…0.9, method: bn | weight | bn-weight, scope: layer | global, blocks: 0…1 }.',
    );
  }
  return r.data;
}

/** Channels kept by the lowest-score-first removal of `remove` channels (ties: the higher index goes first). */
function keepAfterRemoving(scores: Float64Array, remove: number): number[] {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]! || b - a);
  const dropped = new Set(order.slice(0, remove));
  return Array.from(scores.keys()).filter((c) => !dropped.has(c));
}

/**
 * Prunes a trained binary model: first the weakest `blocks` fraction of the residual blocks whose shortcut is
 * the identity (the block's `Add` replaced by its shortcut), then `fraction` of the output channels of every
 * prunable channel space that a binary layer makes (per layer, or the lowest-scoring over all spaces with
 * `scope: 'global'`, every space keeping at least one channel), carried to every consumer (`applyChannelPlan`).
 * Spaces fixed by the graph (a Softmax or graph output, a Reshape or Concatenate reading them, an Input making
 * them) are left alone and listed in the report. The result is a valid graph with its weights, ready to be
 * fine-tuned, lowered and exported; `graph.meta.pruned` records what was done. Fraction 0 and blocks 0 return
 * an identical graph and weights.
 */
export function pruneModel(graph: GraphSpec, weights: WeightMap, options: PruneOptionsInput): PruneResult {
  const opts = parsePruneOptions(options);
  const a0 = analyseValid(graph, 'the graph');
  let g = graph;
  let w = weights;

  const removedBlocks: string[] = [];
  if (opts.blocks > 0) {
    const cg = channelSpaces(g, a0);
    const blocks = residualBlocks(cg, a0);
    const n = Math.floor(opts.blocks * blocks.length + 1e-9);
    if (n > 0) {
      const ranked = blocks
        .map((b) => ({ b, s: blockScore(cg, w, b, a0) }))
        .sort((x, y) => x.s - y.s)
        .slice(0, n)
        .map((x) => x.b);
      ({ graph: g, weights: w } = removeBlocks(g, w, ranked));
      removedBlocks.push(...ranked.map((b) => b.add));
    }
  }

  const a1 = removedBlocks.length ? analyseValid(g, 'the graph without its removed blocks') : a0;
  const cg = channelSpaces(g, a1);
  const candidates = cg.spaces.filter((s) => s.fixedReason === null && s.binary && s.channels > 1);
  const skipped = cg.spaces
    .filter((s) => s.fixedReason !== null && s.producers.length > 0)
    .map((s) => ({ space: s.id, reason: s.fixedReason! }));
  const plan: ChannelPlan = new Map();
  if (opts.fraction > 0) {
    const scored = candidates.map((s) => ({ s, scores: spaceScores(cg, w, s, opts.method) }));
    if (opts.scope === 'layer') {
      for (const { s, scores } of scored) {
        const remove = Math.min(s.channels - 1, Math.floor(opts.fraction * s.channels + 1e-9));
        if (remove > 0) plan.set(s.id, keepAfterRemoving(scores, remove));
      }
    } else {
      // Scores are normalised per producer (mean 1), so they compare across spaces.
      const all = scored.flatMap(({ s, scores }) =>
        Array.from(scores, (v, c) => ({ space: s.id, c, v: v / s.producers.length })),
      );
      all.sort((x, y) => x.v - y.v || y.c - x.c);
      let remove = Math.floor(opts.fraction * all.length + 1e-9);
      const left = new Map(scored.map(({ s }) => [s.id, s.channels]));
      const dropped = new Map<string, Set<number>>();
      for (const x of all) {
        if (remove === 0) break;
        if (left.get(x.space)! <= 1) continue;
        left.set(x.space, left.get(x.space)! - 1);
        if (!dropped.has(x.space)) dropped.set(x.space, new Set());
        dropped.get(x.space)!.add(x.c);
        remove--;
      }
      for (const { s } of scored) {
        const d = dropped.get(s.id);
        if (d?.size)
          plan.set(
            s.id,
            Array.from({ length: s.channels }, (_, c) => c).filter((c) => !d.has(c)),
          );
      }
    }
    if (plan.size) ({ graph: g, weights: w } = applyChannelPlan(g, w, plan, cg));
  }

  const a2 = plan.size ? analyseValid(g, 'the pruned graph') : a1;
  const before = costOf(a0);
  const after = costOf(a2);
  const layers = [...plan].map(([space, keep]) => {
    const s = cg.spaces.find((x) => x.id === space)!;
    return { space, producers: s.producers.slice(), before: s.channels, after: keep.length };
  });
  const binaryMacsRemoved =
    before.binaryMacs > 0 ? (before.binaryMacs - after.binaryMacs) / before.binaryMacs : 0;
  const report: PruneReport = {
    options: opts,
    before,
    after,
    binaryMacsRemoved,
    layers,
    removedBlocks,
    skipped,
  };
  if (plan.size || removedBlocks.length) {
    const pruned: Record<string, ParamValue> = {
      fraction: opts.fraction,
      method: opts.method,
      scope: opts.scope,
      blocks: opts.blocks,
      binaryMacsBefore: before.binaryMacs,
      binaryMacsAfter: after.binaryMacs,
    };
    g = { ...g, name: `${graph.name} (pruned)`, meta: { ...(graph.meta ?? {}), pruned } };
  }
  return { graph: g, weights: w, report };
}
