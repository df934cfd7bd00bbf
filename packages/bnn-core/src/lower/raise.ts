/**
 * Deploy graph → studio graph: the inverse of `lower` where one exists (`raiseDeployGraph`). An imported model
 * (exporters' `importTflite`) opens in the composer for retraining when every deploy op maps onto studio layers
 * with their weights; otherwise the result names the first op(s) that do not map and why.
 *
 * The contract: for a graph that maps, `lower(graph, weights)` computes the same outputs as the deploy graph
 * (`raise.test.ts` checks it on every preset exported to .tflite and imported back). The op structure may differ
 * where lowering picks another exact form (a float max-pool before the binarisation instead of a bit-packed one).
 *
 * How each op maps (values are tracked per deploy tensor as a studio node plus a form: float, the signs of the
 * node's output pending a Quant layer's `ste_sign` input quantizer, their ±1 floats, an int8 layer's output, or a
 * float pending an int8 layer's input quantization):
 * - `bconv2d` / `bdense` → QuantConv2D / QuantDense (ste_sign input and kernel, ±1 latent kernel, no bias) and a
 *   BatchNormalization holding the output transform (mean 0, variance + epsilon = 1 exactly): a float transform as
 *   gamma = multiplier, beta = bias (a ReLU before it for `clamp: relu`, after it for `activation: relu`); a
 *   bit-packed one as gamma = 1, beta = 2τ − K + 1, so `floor(0.5·(beta + K)) = τ` gives back each threshold
 *   (a threshold outside [0, K) as ±1e30: always −1 / always +1).
 * - `bdepthwise_conv2d` with multiplier 1 → QuantDepthwiseConv2D (ste_sign, depth multiplier 1, bias as use_bias).
 * - `quantize`, `int8_bitpack` → the consumer's ste_sign input quantizer; `dequantize` feeding a float
 *   conv/dense/depthwise → that layer as a Quant layer with ste_sign input and a float kernel.
 * - `conv2d` / `dense` / `depthwise_conv2d` → Conv2D / Dense / DepthwiseConv2D (+ ReLU for a fused relu).
 * - `int8_quantize` → `int8_conv2d` / `int8_dense` / `int8_depthwise_conv2d` → the float layer with
 *   `precision: 'int8'`, kernel = q·s[c], bias = q_b·s_in·s[c], and `input_*`/`output_*` ranges whose
 *   `rangeQuant` is the tensors' quantization; checked to quantize back to the same integers, else it does not map.
 * - `int8_dequantize` → nothing (the int8 layer's output as float); `int8_maxpool2d` → MaxPool2D.
 * - `scale_shift` → BatchNormalization (gamma = scale, beta = shift, mean 0, variance + epsilon = 1).
 * - pools, `global_avgpool`, `reshape` (Flatten or Reshape), `relu`, `prelu`, `hard_tanh`, `leaky_tanh`,
 *   `softmax`, `add`, `concat` → the studio layer of the same name.
 * Everything else (int8 ADD and average pooling, binary convs with int8 output, ops this module does not know)
 * does not map.
 */
import { unpackRows } from '../deploy/bitpack.js';
import type {
  DeployGraph,
  DeployOp,
  DeployOpKind,
  DeployOpOf,
  FloatActivation,
  Int8Quant,
  OutputTransform,
} from '../deploy/deploy-types.js';
import { int8Weights } from '../eval/int8-layer.js';
import { inferGraph } from '../infer/analyze.js';
import { quantizeBias, rangeQuant } from '../math/int8.js';
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphEdge,
  type GraphNode,
  type GraphSpec,
  type ParamValue,
  type WeightMap,
} from '../spec/graph-types.js';

/** One deploy op the studio's layers cannot express. */
export interface RaiseRefusal {
  /** Index of the op in `deploy.ops` (−1 for the graph as a whole). */
  opIndex: number;
  op: string;
  /** The op's `sourceNode` (an imported op's TFLite name), when it is an op. */
  sourceNode?: string;
  message: string;
}

export type RaiseResult =
  | { maps: true; graph: GraphSpec; weights: WeightMap }
  | { maps: false; refused: RaiseRefusal[] };

/** The studio value a deploy tensor holds. */
type Val =
  | { form: 'float'; node: string }
  /** sign(node's output), bit-packed: read by a Quant layer's ste_sign input quantizer (or a MaxPool2D). */
  | { form: 'bits'; node: string }
  /** ±1 floats of sign(node's output): read by a Quant layer with ste_sign input and a float kernel. */
  | { form: 'signs'; node: string }
  /** The int8 output of an int8-precision layer (node), quantized with `quant`. */
  | { form: 'int8'; node: string; quant: Int8Quant }
  /** The node's float output quantized with `quant`, pending an int8 layer that reads it. */
  | { form: 'int8_in'; node: string; quant: Int8Quant }
  /** Produced by an op that does not map (its readers are not reported again). */
  | { form: 'lost' };

class NotMapped extends Error {}

const STE: ParamValue = { id: 'ste_sign' };
const CLIP: ParamValue = { id: 'weight_clip', config: { clip_value: 1 } };
const far = 1e30;
const BN_EPSILON = 2 ** -10;

class Raiser {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly weights: WeightMap = {};
  readonly vals = new Map<string, Val>();
  readonly refused: RaiseRefusal[] = [];
  /** Deploy tensor each node's output stands for (shape check after inference). */
  readonly nodeTensor = new Map<string, string>();
  readonly shapes: Map<string, number[]>;
  readonly quants: Map<string, Int8Quant | undefined>;
  count = 0;
  opIndex = -1;

  constructor(readonly deploy: DeployGraph) {
    this.shapes = new Map(deploy.tensors.map((t) => [t.id, t.shape]));
    this.quants = new Map(deploy.tensors.map((t) => [t.id, t.quant]));
  }

  fail(message: string): never {
    throw new NotMapped(message);
  }

  shape(tensor: string): number[] {
    const s = this.shapes.get(tensor);
    if (!s) this.fail(`tensor '${tensor}' is not declared.`);
    return s;
  }

  quant(tensor: string): Int8Quant {
    return this.quants.get(tensor) ?? this.fail(`int8 tensor '${tensor}' has no quantization.`);
  }

  /** Appends a node fed by `inputs` (in port order); `tensor` is the deploy tensor its output equals. */
  node(type: string, params: Record<string, ParamValue>, inputs: string[], tensor?: string): string {
    const id = `${type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}_${this.count++}`;
    this.nodes.push({ id, type, params });
    inputs.forEach((source, port) => {
      const e: GraphEdge = { id: `e${this.edges.length}`, source, target: id };
      if (inputs.length > 1) e.targetPort = port;
      this.edges.push(e);
    });
    if (tensor) this.nodeTensor.set(id, tensor);
    return id;
  }

  weight(node: string, name: string, shape: number[], data: ArrayLike<number>): void {
    this.weights[node] ??= {};
    this.weights[node][name] = { shape, data: Float32Array.from(data) };
  }

  val(tensor: string): Val {
    const v = this.vals.get(tensor);
    if (!v) this.fail(`tensor '${tensor}' is read before it is written.`);
    return v;
  }

  /** The op's input `i` as a float value (a node's float output). */
  floatIn(op: DeployOp, i = 0): string {
    const v = this.val(op.inputs[i]!);
    if (v.form === 'float') return v.node;
    this.fail(`its input '${op.inputs[i]}' is ${describe(v)}; the studio layer reads float values here.`);
  }

  set(tensor: string, v: Val): void {
    this.vals.set(tensor, v);
  }

  /** A float op on one float input whose output is the node's output. */
  simple(op: DeployOp, type: string, params: Record<string, ParamValue> = {}): string {
    const id = this.node(type, params, [this.floatIn(op)], op.outputs[0]);
    this.set(op.outputs[0]!, { form: 'float', node: id });
    return id;
  }

  /**
   * BatchNormalization y = gamma·x + beta: mean 0, variance 1 − 2⁻¹⁰ and epsilon 2⁻¹⁰, so sqrt(variance + epsilon)
   * is exactly 1 (both are float32-exact) and lowering folds exactly gamma and beta, while retraining keeps a
   * non-zero epsilon (close to Keras' 0.001).
   */
  affine(from: string, gamma: ArrayLike<number>, beta: ArrayLike<number>, tensor?: string): string {
    const id = this.node('BatchNormalization', { epsilon: BN_EPSILON }, [from], tensor);
    const c = gamma.length;
    this.weight(id, 'gamma', [c], gamma);
    this.weight(id, 'beta', [c], beta);
    this.weight(id, 'moving_mean', [c], new Float32Array(c));
    this.weight(id, 'moving_variance', [c], new Float32Array(c).fill(1 - BN_EPSILON));
    return id;
  }

  /** The output transform of a binary layer `layer` (K taps) as nodes after it; sets the op's output value. */
  transform(op: DeployOp, layer: string, t: OutputTransform, k: number): void {
    const out = op.outputs[0]!;
    if (t.kind === 'bitpacked') {
      const beta = Float64Array.from(t.thresholds, (tau) =>
        tau < 0 ? -far : tau >= k ? far : 2 * tau - k + 1,
      );
      const bn = this.affine(layer, new Float32Array(t.thresholds.length).fill(1), beta, out);
      this.set(out, { form: 'bits', node: bn });
      return;
    }
    let x = layer;
    // The layer's float output is the integer dot, so a clamp layer on it is exactly the dot clamp.
    if (t.clamp === 'relu6') {
      this.fail(
        'its output transform clamps the binary dot product to [0, 6] (LCE’s fused RELU6); the studio has no ReLU6 layer to train it with.',
      );
    }
    if (t.clamp === 'relu') x = this.node('ReLU', {}, [x]);
    if (t.clamp === 'relu_n1_to_1') x = this.node('HardTanh', {}, [x]);
    x = this.affine(x, t.multiplier, t.bias, t.activation === 'relu' ? undefined : out);
    if (t.activation === 'relu') x = this.node('ReLU', {}, [x], out);
    this.set(out, { form: 'float', node: x });
  }

  /** A binary layer's input: the signs of a node (bit-packed). */
  bitsIn(op: DeployOp): string {
    const v = this.val(op.inputs[0]!);
    if (v.form === 'bits') return v.node;
    this.fail(`its input '${op.inputs[0]}' is ${describe(v)}; a binary layer reads bit-packed signs.`);
  }

  /** Adds a ReLU after `id` for a fused relu activation; the last node's output is the op's output. */
  activation(op: DeployOp, id: string, activation: FloatActivation, v: (node: string) => Val): void {
    const last = activation === 'relu' ? this.node('ReLU', {}, [id], op.outputs[0]) : id;
    if (activation === 'relu') this.nodeTensor.delete(id);
    this.set(op.outputs[0]!, v(last));
  }

  /**
   * A float conv/dense/depthwise: the float layer, or a Quant layer with ste_sign input and a float kernel when
   * it reads the ±1 floats of a `dequantize`.
   */
  floatLayer(
    op: DeployOpOf<'conv2d' | 'dense' | 'depthwise_conv2d'>,
    layer: KernelLayer,
    kernel: Float32Array,
  ): void {
    const { type, params } = layer;
    const { bias, activation } = op;
    const v = this.val(op.inputs[0]!);
    if (v.form !== 'float' && v.form !== 'signs')
      this.fail(`its input '${op.inputs[0]}' is ${describe(v)}; the studio layer reads float values here.`);
    const signs = v.form === 'signs';
    const quantType = { Conv2D: 'QuantConv2D', Dense: 'QuantDense', DepthwiseConv2D: 'QuantDepthwiseConv2D' }[
      type
    ];
    const p: Record<string, ParamValue> = { ...params, use_bias: bias !== null };
    if (signs) {
      p.input_quantizer = STE;
      if (type !== 'Dense') p.pad_values = 0;
    }
    const id = this.node(signs ? quantType : type, p, [v.node], op.outputs[0]);
    this.weight(id, layer.kernel, layer.shape, kernel);
    if (bias) this.weight(id, 'bias', [bias.length], bias);
    this.activation(op, id, activation, (node) => ({ form: 'float', node }));
  }

  /** An int8 layer: its float weights and ranges, checked to quantize back to the op's integers. */
  int8Layer(
    op: DeployOpOf<'int8_conv2d' | 'int8_dense' | 'int8_depthwise_conv2d'>,
    layer: KernelLayer,
    kernel: Int8Array,
  ): void {
    const { type, params, channels } = layer;
    const { filterScales: scales, bias, activation } = op;
    const v = this.val(op.inputs[0]!);
    if (v.form !== 'int8' && v.form !== 'int8_in')
      this.fail(`its input '${op.inputs[0]}' is ${describe(v)}; an int8 layer reads int8 values.`);
    const inQ = this.quant(op.inputs[0]!);
    const outQ = this.quant(op.outputs[0]!);
    const w = Float32Array.from(kernel, (q, i) => q * scales[i % channels]!);
    const back = int8Weights(w, channels);
    if (!back.scales.every((s, c) => s === scales[c]) || !back.q.every((q, i) => q === kernel[i]))
      this.fail(
        "its int8 weights are not on the studio's grid (per output channel, scale = max |w| / 127, so some weight is ±127).",
      );
    const id = this.node(
      type,
      { ...params, use_bias: bias !== null, precision: 'int8' },
      [v.node],
      op.outputs[0],
    );
    this.weight(id, layer.kernel, layer.shape, w);
    if (bias) {
      const b = Float32Array.from(bias, (q, c) => q * inQ.scale * scales[c]!);
      if (!b.every((x, c) => quantizeBias(x, inQ.scale, scales[c]!) === bias[c]))
        this.fail('its int32 bias does not survive the float round trip of the studio layer.');
      this.weight(id, 'bias', [b.length], b);
    }
    for (const [name, q] of [
      ['input', inQ],
      ['output', outQ],
    ] as const) {
      const r =
        rangeFor(q) ??
        this.fail(`no float range quantizes as its ${name} (scale ${q.scale}, zero point ${q.zeroPoint}).`);
      this.weight(id, `${name}_min`, [1], [r[0]]);
      this.weight(id, `${name}_max`, [1], [r[1]]);
    }
    this.activation(op, id, activation, (node) => ({ form: 'int8', node, quant: outQ }));
  }

  run(): RaiseResult {
    const { deploy } = this;
    const inShape = this.shapes.get(deploy.input);
    const input = deploy.tensors.find((t) => t.id === deploy.input);
    if (!inShape || input?.kind !== 'float32')
      return refuse(-1, 'graph', `the input tensor '${deploy.input}' is not a declared float32 tensor.`);
    this.set(deploy.input, {
      form: 'float',
      node: this.node('Input', { shape: [...inShape] }, [], deploy.input),
    });
    deploy.ops.forEach((op, i) => {
      this.opIndex = i;
      if (op.inputs.some((t) => this.vals.get(t)?.form === 'lost')) {
        for (const t of op.outputs) this.set(t, { form: 'lost' });
        return;
      }
      const mapper = RAISERS[op.op as DeployOpKind] as unknown as Raise<DeployOpKind> | undefined;
      try {
        if (!mapper) this.fail('the studio has no layer for this op.');
        mapper(this, op as never);
      } catch (e) {
        if (!(e instanceof NotMapped)) throw e;
        this.refused.push({ opIndex: i, op: op.op, sourceNode: op.sourceNode, message: e.message });
        for (const t of op.outputs) this.set(t, { form: 'lost' });
      }
    });
    if (this.refused.length > 0) return { maps: false, refused: this.refused };
    return this.finish();
  }

  finish(): RaiseResult {
    const { deploy } = this;
    const outputs: string[] = [];
    for (const t of deploy.outputs) {
      const v = this.vals.get(t);
      if (v?.form !== 'float')
        return refuse(
          -1,
          'graph',
          `output '${t}' is ${v ? describe(v) : 'never written'}; studio models output float values.`,
        );
      outputs.push(v.node);
    }
    const fed = new Set(this.edges.map((e) => e.source));
    const sinks = this.nodes.filter((n) => !fed.has(n.id)).map((n) => n.id);
    const extra = sinks.filter((s) => !outputs.includes(s));
    if (extra.length > 0 || outputs.some((o) => fed.has(o)))
      return refuse(
        -1,
        'graph',
        `the outputs are not exactly the graph's last layers (${extra.length > 0 ? `'${this.nodeTensor.get(extra[0]!) ?? extra[0]}' is computed but never read` : 'an output is also read by another op'}); a studio model's outputs are its layers without consumers.`,
      );
    const graph: GraphSpec = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: deploy.name,
      nodes: this.nodes,
      edges: this.edges,
    };
    const analysis = inferGraph(graph);
    const error = analysis.issues.find((i) => i.severity === 'error');
    if (error)
      return refuse(
        -1,
        'graph',
        `the mapped studio graph is not valid: ${error.message} (node '${error.nodeId ?? '-'}').`,
      );
    for (const [node, tensor] of this.nodeTensor) {
      const got = analysis.nodes[node]?.outputShape;
      const want = this.shape(tensor);
      if (!got || got.join(',') !== want.join(','))
        return refuse(
          -1,
          'graph',
          `studio layer '${node}' computes shape [${got?.join(', ') ?? '?'}] where the deploy graph has [${want.join(', ')}] (tensor '${tensor}').`,
        );
    }
    return { maps: true, graph, weights: this.weights };
  }
}

const refuse = (opIndex: number, op: string, message: string): RaiseResult => ({
  maps: false,
  refused: [{ opIndex, op, message }],
});

function describe(v: Val): string {
  switch (v.form) {
    case 'float':
      return 'float';
    case 'bits':
      return 'bit-packed signs';
    case 'signs':
      return 'dequantized ±1 signs (the studio has sign activations only as a Quant layer’s input quantizer)';
    case 'int8':
      return 'an int8 layer output';
    case 'int8_in':
      return 'int8 (quantized for an int8 layer)';
    case 'lost':
      return 'unmapped';
  }
}

/** A float32 (min, max) whose `rangeQuant` is exactly `q` (nudged by a few ulps when rounding needs it), or null. */
function rangeFor(q: Int8Quant): [number, number] | null {
  const lo = Math.fround(q.scale * (-128 - q.zeroPoint));
  const hi = Math.fround(q.scale * (127 - q.zeroPoint));
  const ulp = (x: number, n: number) => {
    if (n === 0 || x === 0) return x;
    const f = new Float32Array([x]);
    const i = new Int32Array(f.buffer);
    i[0]! += x > 0 ? n : -n;
    return f[0]!;
  };
  for (const a of [0, 1, -1, 2, -2])
    for (const b of [0, 1, -1, 2, -2]) {
      const r: [number, number] = [ulp(lo, a), ulp(hi, b)];
      const got = rangeQuant(r[0], r[1]);
      if (got.scale === q.scale && got.zeroPoint === q.zeroPoint) return r;
    }
  return null;
}

/**
 * Output-major values `[O, …]` (OHWI filters, `[Cout, Cin]` weights: the deploy layout) with the output axis moved
 * last (HWIO, `[Cin, Cout]`: Keras' layout).
 */
function outputLast<T extends Float32Array | Int8Array>(values: T, outs: number): T {
  const rest = values.length / outs;
  const out = values.slice() as T; // the same type and length; every element is written below
  for (let o = 0; o < outs; o++) for (let i = 0; i < rest; i++) out[i * outs + o] = values[o * rest + i]!;
  return out;
}

const pair = (p: [number, number]) => [p[0], p[1]];
const geometry = (op: {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: string;
}) => ({
  kernel_size: pair(op.kernel),
  strides: pair(op.strides),
  dilation_rate: pair(op.dilations),
  padding: op.padding,
});
const poolParams = (op: { pool: [number, number]; strides: [number, number]; padding: string }) => ({
  pool_size: pair(op.pool),
  strides: pair(op.strides),
  padding: op.padding,
});

/**
 * The studio layer a float or int8 conv, dense or depthwise op becomes: its type and params, its kernel variable's
 * Keras name and shape, and its output channels (the kernel's last axis, depthwise: channels × multiplier).
 */
interface KernelLayer {
  type: 'Conv2D' | 'Dense' | 'DepthwiseConv2D';
  params: Record<string, ParamValue>;
  kernel: string;
  shape: number[];
  channels: number;
}
const convLayer = (op: DeployOpOf<'conv2d' | 'int8_conv2d' | 'bconv2d'>): KernelLayer => ({
  type: 'Conv2D',
  params: { filters: op.outChannels, ...geometry(op) },
  kernel: 'kernel',
  shape: [...op.kernel, op.inChannels, op.outChannels],
  channels: op.outChannels,
});
const denseLayer = (op: DeployOpOf<'dense' | 'int8_dense' | 'bdense'>): KernelLayer => ({
  type: 'Dense',
  params: { units: op.outChannels },
  kernel: 'kernel',
  shape: [op.inChannels, op.outChannels],
  channels: op.outChannels,
});
const depthwiseLayer = (op: DeployOpOf<'depthwise_conv2d' | 'int8_depthwise_conv2d'>): KernelLayer => ({
  type: 'DepthwiseConv2D',
  params: { depth_multiplier: op.depthMultiplier, ...geometry(op) },
  kernel: 'depthwise_kernel',
  shape: [...op.kernel, op.channels, op.depthMultiplier],
  channels: op.channels * op.depthMultiplier,
});

type Raise<K extends DeployOpKind> = (r: Raiser, op: DeployOpOf<K>) => void;

/**
 * A binary conv or dense → its Quant layer (ste_sign input and kernel, ±1 latent kernel unpacked from the op's
 * OHWI bit rows, no bias; `extra` params after the layer's own), then its output transform.
 */
function binaryLayer(
  r: Raiser,
  op: DeployOpOf<'bconv2d' | 'bdense'>,
  layer: KernelLayer,
  extra: Record<string, ParamValue>,
): void {
  const x = r.bitsIn(op);
  const params = {
    ...layer.params,
    ...extra,
    use_bias: false,
    input_quantizer: STE,
    kernel_quantizer: STE,
    kernel_constraint: CLIP,
  };
  const id = r.node(`Quant${layer.type}`, params, [x]);
  const rows = layer.shape.reduce((a, b) => a * b, 1) / op.inChannels; // OHWI rows: Cout·KH·KW
  const kernel = outputLast(unpackRows(op.filter, rows, op.inChannels), op.outChannels);
  r.weight(id, layer.kernel, layer.shape, kernel);
  r.transform(op, id, op.transform, kernel.length / op.outChannels);
}
const unsupported =
  (why: string): Raise<DeployOpKind> =>
  (r) =>
    r.fail(why);

/**
 * Per deploy op kind. Partial on purpose: a kind added to the deploy graph later does not map until it gets an
 * entry here ("the studio has no layer for this op"), instead of being guessed.
 */
const RAISERS: Partial<{ [K in DeployOpKind]: Raise<K> }> = {
  bconv2d: (r, op) => binaryLayer(r, op, convLayer(op), { pad_values: op.padValue }),
  bdense: (r, op) => binaryLayer(r, op, denseLayer(op), {}),
  bdepthwise_conv2d: (r, op) => {
    const t = op.transform;
    if (!t.multiplier.every((m) => m === 1) || t.clamp !== 'none')
      r.fail(
        'its output transform scales channels (or clamps); the studio’s QuantDepthwiseConv2D lowers with multiplier 1 and a bias only.',
      );
    const x = r.bitsIn(op);
    const useBias = t.bias.some((b) => b !== 0);
    const id = r.node(
      'QuantDepthwiseConv2D',
      {
        ...geometry(op),
        pad_values: op.padValue,
        depth_multiplier: 1,
        use_bias: useBias,
        input_quantizer: STE,
        depthwise_quantizer: STE,
        depthwise_constraint: CLIP,
      },
      [x],
      t.activation === 'relu' ? undefined : op.outputs[0],
    );
    const [kh, kw] = op.kernel;
    r.weight(id, 'depthwise_kernel', [kh, kw, op.channels, 1], unpackRows(op.filter, kh * kw, op.channels));
    if (useBias) r.weight(id, 'bias', [op.channels], t.bias);
    r.activation(op, id, t.activation, (node) => ({ form: 'float', node }));
  },
  bmaxpool2d: (r, op) => {
    const x = r.bitsIn(op);
    r.set(op.outputs[0]!, { form: 'bits', node: r.node('MaxPool2D', poolParams(op), [x]) });
  },
  quantize: (r, op) => r.set(op.outputs[0]!, { form: 'bits', node: r.floatIn(op) }),
  dequantize: (r, op) => r.set(op.outputs[0]!, { form: 'signs', node: r.bitsIn(op) }),
  int8_bitpack: (r, op) => {
    const v = r.val(op.inputs[0]!);
    if (v.form !== 'int8')
      return r.fail(`its input is ${describe(v)}; the studio binarises an int8 layer’s output only.`);
    r.set(op.outputs[0]!, { form: 'bits', node: v.node });
  },
  int8_quantize: (r, op) =>
    r.set(op.outputs[0]!, { form: 'int8_in', node: r.floatIn(op), quant: r.quant(op.outputs[0]!) }),
  int8_dequantize: (r, op) => {
    const v = r.val(op.inputs[0]!);
    if (v.form !== 'int8')
      return r.fail(
        `its input is ${describe(v)}; the studio dequantizes only an int8 layer’s output (it has no fake-quantize layer).`,
      );
    r.set(op.outputs[0]!, { form: 'float', node: v.node });
  },
  int8_maxpool2d: (r, op) => {
    const v = r.val(op.inputs[0]!);
    if (v.form !== 'int8')
      return r.fail(`its input is ${describe(v)}; the studio pools an int8 layer’s output only.`);
    const id = r.node('MaxPool2D', poolParams(op), [v.node], op.outputs[0]);
    r.set(op.outputs[0]!, { form: 'int8', node: id, quant: v.quant });
  },
  // the int8 kernels are output-major (TFLite's OHWI / [Cout, Cin]); int8 depthwise filters are [KH, KW, C·M] already
  int8_conv2d: (r, op) => r.int8Layer(op, convLayer(op), outputLast(op.filter, op.outChannels)),
  int8_dense: (r, op) => r.int8Layer(op, denseLayer(op), outputLast(op.weights, op.outChannels)),
  int8_depthwise_conv2d: (r, op) => r.int8Layer(op, depthwiseLayer(op), op.filter),
  conv2d: (r, op) => r.floatLayer(op, convLayer(op), op.filter),
  dense: (r, op) => r.floatLayer(op, denseLayer(op), op.weights),
  depthwise_conv2d: (r, op) => r.floatLayer(op, depthwiseLayer(op), op.filter),
  scale_shift: (r, op) => {
    const id = r.affine(r.floatIn(op), op.scale, op.shift, op.outputs[0]);
    r.set(op.outputs[0]!, { form: 'float', node: id });
  },
  maxpool2d: (r, op) => void r.simple(op, 'MaxPool2D', poolParams(op)),
  avgpool2d: (r, op) => void r.simple(op, 'AveragePool2D', poolParams(op)),
  global_avgpool: (r, op) => void r.simple(op, 'GlobalAveragePooling2D'),
  reshape: (r, op) => {
    const out = r.shape(op.outputs[0]!);
    if (out.length === 1) r.simple(op, 'Flatten');
    else r.simple(op, 'Reshape', { target_shape: [...out] });
  },
  relu: (r, op) => void r.simple(op, 'ReLU'),
  hard_tanh: (r, op) => void r.simple(op, 'HardTanh'),
  leaky_tanh: (r, op) => void r.simple(op, 'LeakyTanh', { alpha: op.alpha }),
  softmax: (r, op) => void r.simple(op, 'Softmax'),
  prelu: (r, op) => {
    const id = r.simple(op, 'PReLU');
    r.weight(id, 'alpha', [op.alpha.length], op.alpha);
  },
  add: (r, op) => {
    const id = r.node(
      'Add',
      {},
      op.inputs.map((_, i) => r.floatIn(op, i)),
      op.outputs[0],
    );
    r.set(op.outputs[0]!, { form: 'float', node: id });
  },
  concat: (r, op) => {
    const id = r.node(
      'Concatenate',
      {},
      op.inputs.map((_, i) => r.floatIn(op, i)),
      op.outputs[0],
    );
    r.set(op.outputs[0]!, { form: 'float', node: id });
  },
  int8_add: unsupported(
    'int8 ADD requantizes its sum to its own output scale; the studio’s Add adds in float (there is no int8 Add layer).',
  ),
  int8_avgpool2d: unsupported(
    'int8 average pooling rounds in integers; the studio’s AveragePool2D pools in float (there is no int8 pooling layer).',
  ),
  int8_bconv2d: unsupported(
    'a binary convolution with int8 output (LCE’s int8 output transform) has no studio layer: QuantConv2D writes float or bit-packed outputs.',
  ),
};

/** One refusal as a sentence: `deploy op 3 (int8_add, from 'add_1'): …`. */
export function formatRaiseRefusal(r: RaiseRefusal): string {
  const where =
    r.opIndex < 0
      ? 'the graph'
      : `deploy op ${r.opIndex} (${r.op}${r.sourceNode ? `, from '${r.sourceNode}'` : ''})`;
  return `${where}: ${r.message}`;
}

/**
 * The studio graph (layers, edges) and weights of a deploy graph, when its ops map onto studio layers; otherwise
 * every op that does not map (ops reading only their results are not listed again), each with why. Never throws
 * for a well-formed deploy graph.
 */
export function raiseDeployGraph(deploy: DeployGraph): RaiseResult {
  return new Raiser(deploy).run();
}
