import { resolveParams } from '../registry/layers.js';
import type { WeightMap } from '../spec/graph-types.js';
import type { ChannelGraph, ChannelSpace } from './channel-spaces.js';
import type { PruneMethod } from './options.js';
import { PruneError } from './prune-error.js';

/** Mean |w| per output channel of a producer's kernel (the pointwise kernel of a separable convolution). */
export function weightScores(weights: WeightMap, nodeId: string, channels: number): Float64Array {
  const vars = weights[nodeId];
  const t = vars?.pointwise_kernel ?? vars?.kernel;
  if (!t || t.shape.at(-1) !== channels) {
    throw new PruneError(
      'prune_missing_weights',
      `prune: '${nodeId}' has no kernel with ${channels} output channels.`,
      'Prune the weights trained with this exact graph.',
    );
  }
  const s = new Float64Array(channels);
  for (let i = 0; i < t.data.length; i++) s[i % channels] = s[i % channels]! + Math.abs(t.data[i]!);
  const rows = t.data.length / channels;
  for (let c = 0; c < channels; c++) s[c] = s[c]! / rows;
  return s;
}

/**
 * The BatchNorm that normalises a producer's channels: the first BatchNorm reached through single-consumer
 * channel-wise layers (pooling, activations, Dropout), or null.
 */
export function followingBatchNorm(cg: ChannelGraph, nodeId: string): string | null {
  let at = nodeId;
  for (;;) {
    const next = cg.consumersOf.get(at) ?? [];
    if (next.length !== 1) return null;
    const n = cg.byId.get(next[0]!)!;
    if (n.type === 'BatchNormalization' || n.type === 'BatchNorm') return n.id;
    if (cg.role(n.id) !== 'pass') return null;
    at = n.id;
  }
}

/** |γ| / √(σ² + ε) per channel of a BatchNorm (γ = 1 without scale). */
export function batchNormScales(
  cg: ChannelGraph,
  weights: WeightMap,
  bnId: string,
  channels: number,
): Float64Array {
  const p = resolveParams(cg.byId.get(bnId)!);
  const vars = weights[bnId] ?? {};
  const variance = vars.moving_variance;
  if (!variance || variance.data.length !== channels) {
    throw new PruneError(
      'prune_missing_weights',
      `prune: BatchNorm '${bnId}' has no moving_variance of ${channels} channels.`,
      'Prune the weights trained with this exact graph.',
    );
  }
  const eps = Number(p.epsilon ?? 0.001);
  const s = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const g = p.scale === false ? 1 : (vars.gamma?.data[c] ?? 1);
    s[c] = Math.abs(g) / Math.sqrt(variance.data[c]! + eps);
  }
  return s;
}

function normalized(s: Float64Array): Float64Array {
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return mean > 0 ? s.map((v) => v / mean) : s.map(() => 1);
}

/** One score per channel of a space (higher = more useful): the sum over its producers of their normalised scores. */
export function spaceScores(
  cg: ChannelGraph,
  weights: WeightMap,
  space: ChannelSpace,
  method: PruneMethod,
): Float64Array {
  const total = new Float64Array(space.channels);
  for (const p of space.producers) {
    const w = normalized(weightScores(weights, p, space.channels));
    const bnId = method === 'weight' ? null : followingBatchNorm(cg, p);
    const bn = bnId ? normalized(batchNormScales(cg, weights, bnId, space.channels)) : null;
    for (let c = 0; c < space.channels; c++) {
      total[c]! += method === 'weight' || !bn ? w[c]! : method === 'bn' ? bn[c]! : bn[c]! * w[c]!;
    }
  }
  return total;
}
