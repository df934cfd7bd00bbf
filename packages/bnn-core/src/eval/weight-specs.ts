import { inferGraph } from '../infer/analyze.js';
import { getLayerDef, resolveParams } from '../registry/layers.js';
import type { GraphSpec, WeightMap } from '../spec/graph-types.js';
import { Rng } from '../train/rng.js';

/**
 * The variables every node of a graph owns, with their Keras names and shapes: node id → name → shape.
 * (`kernel` HWIO / `[Cin, Cout]`, `depthwise_kernel` `[KH, KW, C, M]`, `pointwise_kernel` `[1, 1, C·M, F]`,
 * `bias`, BatchNorm `gamma`/`beta` (when scale/center) and `moving_mean`/`moving_variance`, PReLU `alpha` `[1, 1, C]` on feature maps, `[C]` on vectors.)
 * Nodes whose shapes cannot be inferred are left out.
 */
export function describeWeights(graph: GraphSpec): Record<string, Record<string, number[]>> {
  const a = inferGraph(graph);
  const inputOf = new Map<string, string>();
  for (const e of graph.edges) if ((e.targetPort ?? 0) === 0) inputOf.set(e.target, e.source);
  const out: Record<string, Record<string, number[]>> = {};
  for (const node of graph.nodes) {
    const shape = a.nodes[node.id]?.outputShape;
    const src = inputOf.get(node.id);
    const inShape = src ? a.nodes[src]?.outputShape : null;
    if (!shape || !inShape) continue;
    const type = getLayerDef(node.type).type;
    const p = resolveParams(node);
    const cin = inShape[inShape.length - 1]!;
    const cout = shape[shape.length - 1]!;
    const k = (p.kernel_size as number[] | undefined) ?? [1, 1];
    const v: Record<string, number[]> = {};
    switch (type) {
      case 'QuantConv2D':
      case 'Conv2D':
        v.kernel = [k[0]!, k[1]!, cin, cout];
        break;
      case 'QuantDense':
      case 'Dense':
        v.kernel = [cin, cout];
        break;
      case 'QuantDepthwiseConv2D':
      case 'DepthwiseConv2D':
        v.depthwise_kernel = [k[0]!, k[1]!, cin, p.depth_multiplier as number];
        break;
      case 'QuantSeparableConv2D':
        v.depthwise_kernel = [k[0]!, k[1]!, cin, p.depth_multiplier as number];
        v.pointwise_kernel = [1, 1, cin * (p.depth_multiplier as number), cout];
        break;
      case 'BatchNormalization':
        if (p.scale) v.gamma = [cout];
        if (p.center) v.beta = [cout];
        v.moving_mean = [cout];
        v.moving_variance = [cout];
        break;
      case 'PReLU':
        // Keras PReLU with shared_axes [1, 2]: one slope per channel.
        v.alpha = shape.length === 3 ? [1, 1, cout] : [cout];
        break;
    }
    if (p.use_bias === true && (type.includes('Conv') || type.includes('Dense'))) v.bias = [cout];
    if (Object.keys(v).length > 0) out[node.id] = v;
  }
  return out;
}

/** Seeded pseudo-random generator (mulberry32, the trainer's Rng): uniform floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/**
 * Plausible random weights for a graph (for tests and fixtures): kernels uniform in [−1, 1), BatchNorm gammas of
 * both signs (a few exactly 0), positive variances, PReLU slopes in [0, 0.5).
 */
export function randomWeights(graph: GraphSpec, seed: number): WeightMap {
  const rnd = seededRandom(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const weights: WeightMap = {};
  for (const [id, vars] of Object.entries(describeWeights(graph))) {
    weights[id] = {};
    for (const [name, shape] of Object.entries(vars)) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        switch (name) {
          case 'gamma':
            data[i] = rnd() < 0.05 ? 0 : u(-1.5, 1.5);
            break;
          case 'moving_variance':
            data[i] = u(0.2, 4);
            break;
          case 'moving_mean':
          case 'beta':
          case 'bias':
            data[i] = u(-3, 3);
            break;
          case 'alpha':
            data[i] = u(0, 0.5);
            break;
          default:
            data[i] = u(-1, 1);
        }
      }
      weights[id][name] = { shape: shape.slice(), data };
    }
  }
  return weights;
}
