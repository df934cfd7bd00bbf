import { inferGraph } from '../infer/analyze.js';
import { seededRandom } from '../math/rng.js';
import { getLayerDef, type LayerType, type ResolvedParams, resolveParams } from '../registry/layers.js';
import type { GraphSpec, WeightMap } from '../spec/graph-types.js';

/** What a layer's weight shapes depend on. */
interface WeightSpecArgs {
  p: ResolvedParams;
  /** kernel_size ([1, 1] when the layer has none). */
  k: number[];
  cin: number;
  cout: number;
  /** The layer's output shape. */
  shape: number[];
}

const none = (): Record<string, number[]> => ({});
const convKernel = ({ k, cin, cout }: WeightSpecArgs) => ({ kernel: [k[0]!, k[1]!, cin, cout] });
const denseKernel = ({ cin, cout }: WeightSpecArgs) => ({ kernel: [cin, cout] });
/**
 * An int8 layer's activation ranges (quantization-aware training tracks them; lowering turns them into the
 * scales and zero points of its input and output tensors).
 */
const int8Ranges = ({ p }: WeightSpecArgs): Record<string, number[]> =>
  p.precision === 'int8' ? { input_min: [1], input_max: [1], output_min: [1], output_max: [1] } : {};
const depthwiseKernel = ({ p, k, cin }: WeightSpecArgs) => ({
  depthwise_kernel: [k[0]!, k[1]!, cin, p.depth_multiplier as number],
});

/**
 * The variables of every layer type (without `bias`, which every conv and dense layer with `use_bias` has),
 * compile-checked against the layer registry: a new layer type without an entry does not compile.
 */
const WEIGHT_SPECS = {
  Input: none,
  QuantConv2D: convKernel,
  Conv2D: (a) => ({ ...convKernel(a), ...int8Ranges(a) }),
  QuantDense: denseKernel,
  Dense: (a) => ({ ...denseKernel(a), ...int8Ranges(a) }),
  QuantDepthwiseConv2D: depthwiseKernel,
  DepthwiseConv2D: (a) => ({ ...depthwiseKernel(a), ...int8Ranges(a) }),
  QuantSeparableConv2D: (a) => ({
    ...depthwiseKernel(a),
    pointwise_kernel: [1, 1, a.cin * (a.p.depth_multiplier as number), a.cout],
  }),
  BatchNormalization: ({ p, cout }) => ({
    ...(p.scale ? { gamma: [cout] } : {}),
    ...(p.center ? { beta: [cout] } : {}),
    moving_mean: [cout],
    moving_variance: [cout],
  }),
  // Keras PReLU with shared_axes [1, 2]: one slope per channel.
  PReLU: ({ shape, cout }) => ({ alpha: shape.length === 3 ? [1, 1, cout] : [cout] }),
  MaxPool2D: none,
  AveragePool2D: none,
  GlobalAveragePooling2D: none,
  Flatten: none,
  Reshape: none,
  ReLU: none,
  HardTanh: none,
  LeakyTanh: none,
  Add: none,
  Concatenate: none,
  Dropout: none,
  Softmax: none,
} satisfies Record<LayerType, (a: WeightSpecArgs) => Record<string, number[]>>;

/**
 * The variables every node of a graph owns, with their Keras names and shapes: node id → name → shape.
 * (`kernel` HWIO / `[Cin, Cout]`, `depthwise_kernel` `[KH, KW, C, M]`, `pointwise_kernel` `[1, 1, C·M, F]`,
 * `bias`, BatchNorm `gamma`/`beta` (when scale/center) and `moving_mean`/`moving_variance`, PReLU `alpha` `[1, 1, C]` on feature maps, `[C]` on vectors,
 * and the `[1]` activation ranges `input_min`/`input_max`/`output_min`/`output_max` of int8-precision layers.)
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
    const v: Record<string, number[]> = WEIGHT_SPECS[type as LayerType]({ p, k, cin, cout, shape });
    if (p.use_bias === true && (type.includes('Conv') || type.includes('Dense'))) v.bias = [cout];
    if (Object.keys(v).length > 0) out[node.id] = v;
  }
  return out;
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
          case 'input_min':
          case 'output_min':
            data[i] = u(-4, -0.5);
            break;
          case 'input_max':
          case 'output_max':
            data[i] = u(0.5, 4);
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
