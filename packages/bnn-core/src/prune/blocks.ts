import type { GraphAnalysis } from '../infer/analyze.js';
import type { GraphSpec, WeightMap } from '../spec/graph-types.js';
import type { ChannelGraph } from './channel-spaces.js';
import { batchNormScales, weightScores } from './score.js';

/**
 * A residual block with an identity shortcut: `add = Add(chain(h), h)` (operands in either order) where `chain`
 * is a run of single-input nodes, each read only by the next, starting from `h`. Removing the block replaces the
 * `Add` by `h` — exact when the chain's output is zero (e.g. its last BatchNorm has γ = 0 and β = 0).
 */
export interface ResidualBlock {
  add: string;
  /** The shortcut's source (what remains). */
  shortcut: string;
  /** The main branch, in order. */
  chain: string[];
}

/** The residual blocks of a graph that may be removed whole (the chain holds at least one binary layer). */
export function residualBlocks(cg: ChannelGraph, analysis: GraphAnalysis): ResidualBlock[] {
  const blocks: ResidualBlock[] = [];
  for (const id of analysis.order) {
    if (cg.role(id) !== 'add') continue;
    const ins = cg.inputsOf.get(id) ?? [];
    if (ins.length !== 2 || ins[0] === ins[1]) continue;
    for (const [main, short] of [
      [ins[0]!, ins[1]!],
      [ins[1]!, ins[0]!],
    ] as const) {
      const chain: string[] = [];
      let at = main;
      let ok = false;
      while ((cg.inputsOf.get(at)?.length ?? 0) === 1 && (cg.consumersOf.get(at)?.length ?? 0) === 1) {
        chain.unshift(at);
        const src = cg.inputsOf.get(at)![0]!;
        if (src === short) {
          ok = true;
          break;
        }
        at = src;
      }
      if (ok && chain.some((n) => analysis.nodes[n]?.bitWidth === 1)) {
        blocks.push({ add: id, shortcut: short, chain });
        break;
      }
    }
  }
  return blocks;
}

/** How much a block adds: mean |γ|/σ of its last BatchNorm, else the mean |latent weight| of its kernels. */
export function blockScore(
  cg: ChannelGraph,
  weights: WeightMap,
  block: ResidualBlock,
  analysis: GraphAnalysis,
): number {
  const mean = (s: Float64Array) => s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  const bn = [...block.chain].reverse().find((n) => cg.byId.get(n)!.type === 'BatchNormalization');
  const channels = (n: string) => analysis.nodes[n]!.outputShape!.at(-1)!;
  if (bn) return mean(batchNormScales(cg, weights, bn, channels(bn)));
  const producers = block.chain.filter((n) => cg.role(n) === 'producer');
  return (
    producers.reduce((a, p) => a + mean(weightScores(weights, p, channels(p))), 0) /
    Math.max(1, producers.length)
  );
}

/** The graph and weights without the given blocks: each `Add`'s consumers read its shortcut instead. */
export function removeBlocks(
  graph: GraphSpec,
  weights: WeightMap,
  blocks: ResidualBlock[],
): { graph: GraphSpec; weights: WeightMap } {
  const gone = new Set<string>();
  const replace = new Map<string, string>();
  for (const b of blocks) {
    for (const n of b.chain) gone.add(n);
    gone.add(b.add);
    replace.set(b.add, b.shortcut);
  }
  // A removed Add may feed another removed block's Add: follow replacements to a node that stays.
  const resolve = (id: string): string => {
    let at = id;
    while (replace.has(at)) at = replace.get(at)!;
    return at;
  };
  const edges = graph.edges
    .filter((e) => !gone.has(e.target))
    .map((e) => (gone.has(e.source) ? { ...e, source: resolve(e.source) } : { ...e }));
  const out: WeightMap = {};
  for (const [id, vars] of Object.entries(weights)) if (!gone.has(id)) out[id] = vars;
  return {
    graph: {
      ...structuredClone(graph),
      nodes: structuredClone(graph.nodes.filter((n) => !gone.has(n.id))),
      edges,
    },
    weights: out,
  };
}
