import { packRows } from '../deploy/bitpack.js';
import {
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type FloatActivation,
  type FloatOutputTransform,
  type Int8Quant,
  type OutputTransform,
  type Padding,
  type TensorKind,
} from '../deploy/deploy-types.js';
import { int8BiasOrZero, int8LayerQuant, int8Weights } from '../eval/int8-layer.js';
import { getWeight, getWeightOr } from '../eval/weights-access.js';
import { inferGraph } from '../infer/analyze.js';
import { axisWindow } from '../math/window.js';
import { getLayerDef, type LayerType, type ResolvedParams, resolveParams } from '../registry/layers.js';
import { quantizeArray } from '../registry/quantizer-math.js';
import { getQuantizerDef } from '../registry/quantizers.js';
import type { GraphSpec, QuantizerRef, WeightMap } from '../spec/graph-types.js';
import { computeThresholds } from './thresholds.js';

export interface LowerOptions {
  /** Name of the deploy graph (default: the graph's name). */
  name?: string;
  /** Output class labels to record. */
  labels?: string[];
}

/** Why a graph cannot be lowered, naming the node and the fix. */
export class LowerError extends Error {
  readonly code: string;
  readonly nodeId: string | undefined;
  readonly fix: string;
  constructor(code: string, nodeId: string | undefined, message: string, fix: string) {
    super(`lower: ${message} Fix: ${fix}`);
    this.name = 'LowerError';
    this.code = code;
    this.nodeId = nodeId;
    this.fix = fix;
  }
}

interface Value {
  tensor: string;
  kind: TensorKind;
  shape: number[];
}

/** OHWI (TFLite's conv filter) from HWIO (Keras). */
function hwioToOhwi(w: Int8Array, kh: number, kw: number, cin: number, cout: number): Int8Array {
  const out = new Int8Array(w.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * kh + h) * kw + x) * cin + i] = w[((h * kw + x) * cin + i) * cout + o]!;
  return out;
}

const quantizerOf = (ref: unknown) => (ref ? getQuantizerDef((ref as QuantizerRef).id) : null);
/** Quantizers whose forward pass is exactly sign(x) (the registry's `signForward`): they lower to bit-packing. */
const isSign = (ref: unknown) => quantizerOf(ref)?.signForward === true;
/** Kernel quantizers that become ±1 (times a per-channel scale) weights. */
const isBinaryKernel = (ref: unknown) => {
  const q = quantizerOf(ref);
  return q !== null && (q.signForward || q.id === 'magnitude_aware_sign');
};
const pairOf = (v: unknown) => [(v as number[])[0]!, (v as number[])[1]!] as [number, number];
/** The window fields of a pooling op, from a MaxPool2D/AveragePool2D node's params. */
const poolWindow = (p: ResolvedParams) => ({
  pool: pairOf(p.pool_size),
  strides: pairOf(p.strides),
  padding: p.padding as Padding,
});

/**
 * Lowers a graph and its trained weights to the deployable graph of `deploy-types.ts` (see
 * docs/deploy-graph.md): binary layers become XNOR/popcount ops with packed ±1 filters, BatchNorm (and a ReLU
 * between a binary layer and its BatchNorm) is folded into the binary layer's output transform — integer
 * thresholds when every consumer binarises the result, else a float multiplier/bias — and float layers stay float.
 * Throws `LowerError` (graph errors, undeployable quantizers) or `WeightError` (missing/mis-shaped weights).
 */
export function lower(graph: GraphSpec, weights: WeightMap, options: LowerOptions = {}): DeployGraph {
  const analysis = inferGraph(graph);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const e = errors[0]!;
    throw new LowerError(
      'invalid_graph',
      e.nodeId,
      `the graph has ${errors.length} error(s); first: ${e.message}.`,
      e.fix,
    );
  }
  return new Lowering(graph, weights, analysis.order, (id) => analysis.nodes[id]!.outputShape!).run(options);
}

class Lowering {
  readonly tensors: DeployTensor[] = [];
  readonly tensorIds = new Set<string>();
  readonly ops: DeployOp[] = [];
  readonly values = new Map<string, Value>();
  readonly toBits = new Map<string, Value>();
  readonly toFloat = new Map<string, Value>();
  readonly params = new Map<string, ResolvedParams>();
  readonly types = new Map<string, string>();
  readonly inputsOf = new Map<string, string[]>();
  readonly consumers = new Map<string, string[]>();
  readonly handled = new Set<string>();

  constructor(
    readonly graph: GraphSpec,
    readonly weights: WeightMap,
    readonly order: string[],
    readonly shapeOf: (id: string) => number[],
  ) {
    for (const n of graph.nodes) {
      this.params.set(n.id, resolveParams(n));
      this.types.set(n.id, getLayerDef(n.type).type);
    }
    const edges = [...graph.edges].sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0));
    for (const e of edges) {
      this.inputsOf.set(e.target, [...(this.inputsOf.get(e.target) ?? []), e.source]);
      this.consumers.set(e.source, [...(this.consumers.get(e.source) ?? []), e.target]);
    }
  }

  run(options: LowerOptions): DeployGraph {
    let input = '';
    for (const id of this.order) {
      if (this.handled.has(id)) continue;
      if (this.types.get(id) === 'Input') input = this.lowerInput(id);
      else this.lowerNode(id);
    }
    const outputs = this.order
      .filter((id) => (this.consumers.get(id) ?? []).length === 0)
      .map((id) => this.asFloat(this.values.get(id)!, id).tensor);
    const deploy: DeployGraph = {
      format: DEPLOY_FORMAT,
      version: DEPLOY_VERSION,
      name: options.name ?? this.graph.name,
      input,
      outputs,
      tensors: this.tensors,
      ops: this.ops,
    };
    if (options.labels) deploy.labels = options.labels.slice();
    return deploy;
  }

  // ---- tensors ---------------------------------------------------------------------------------------------

  tensor(base: string, shape: number[], kind: TensorKind, quant?: Int8Quant): Value {
    let id = base;
    for (let i = 2; this.tensorIds.has(id); i++) id = `${base}#${i}`;
    this.tensorIds.add(id);
    const t: DeployTensor = { id, shape: shape.slice(), kind };
    if (quant) t.quant = { ...quant };
    this.tensors.push(t);
    return { tensor: id, kind, shape: shape.slice() };
  }

  /** Bit-packed signs of a value: `quantize` (float) or LceQuantize from int8 (`int8_bitpack`: q < zp is −1). */
  asBits(v: Value, sourceNode: string): Value {
    if (v.kind === 'bitpacked') return v;
    const cached = this.toBits.get(v.tensor);
    if (cached) return cached;
    const out = this.tensor(`${v.tensor}:bits`, v.shape, 'bitpacked');
    const op = v.kind === 'int8' ? 'int8_bitpack' : 'quantize';
    this.ops.push({ op, sourceNode, inputs: [v.tensor], outputs: [out.tensor] });
    this.toBits.set(v.tensor, out);
    return out;
  }

  /** Float values: `dequantize` (bits → ±1) or `int8_dequantize` (s·(q − zp)). */
  asFloat(v: Value, sourceNode: string): Value {
    if (v.kind === 'float32') return v;
    const cached = this.toFloat.get(v.tensor);
    if (cached) return cached;
    const out = this.tensor(`${v.tensor}:float`, v.shape, 'float32');
    const op = v.kind === 'int8' ? 'int8_dequantize' : 'dequantize';
    this.ops.push({ op, sourceNode, inputs: [v.tensor], outputs: [out.tensor] });
    this.toFloat.set(v.tensor, out);
    return out;
  }

  input(id: string, i = 0): Value {
    return this.values.get(this.inputsOf.get(id)![i]!)!;
  }

  // ---- nodes -----------------------------------------------------------------------------------------------

  lowerInput(id: string): string {
    const p = this.params.get(id)!;
    const shape = this.shapeOf(id);
    const raw = this.tensor(id, shape, 'float32');
    const norm = p.normalization as { mean: number; std: number } | null;
    if (!norm) {
      this.values.set(id, raw);
      return raw.tensor;
    }
    const c = shape[shape.length - 1]!;
    const out = this.tensor(`${id}:normalized`, shape, 'float32');
    this.ops.push({
      op: 'scale_shift',
      sourceNode: id,
      inputs: [raw.tensor],
      outputs: [out.tensor],
      scale: new Float32Array(c).fill(1 / norm.std),
      shift: new Float32Array(c).fill(-norm.mean / norm.std),
    });
    this.values.set(id, out);
    return raw.tensor;
  }

  lowerNode(id: string): void {
    const type = this.types.get(id)! as LayerType;
    const p = this.params.get(id)!;
    const shape = this.shapeOf(id);
    const src = this.inputsOf.get(id) ?? [];
    const floatIn = () => this.asFloat(this.input(id), id);
    const emit = (op: DeployOp['op'], x: Value, kind: TensorKind, extra: Record<string, unknown>) => {
      const out = this.tensor(id, shape, kind);
      this.ops.push({ op, sourceNode: id, inputs: [x.tensor], outputs: [out.tensor], ...extra } as DeployOp);
      this.values.set(id, out);
    };
    const simple = (op: DeployOp['op'], extra: Record<string, unknown> = {}) =>
      emit(op, floatIn(), 'float32', extra);
    LOWERINGS[type](this, { id, type, p, shape, src, floatIn, emit, simple });
  }

  /** Per-channel affine map of a BatchNorm node: y = x·scale + shift (float64). */
  bnAffine(id: string, c: number): { scale: Float64Array; shift: Float64Array } {
    const p = this.params.get(id)!;
    const gamma = getWeightOr(this.weights, id, 'gamma', c, p.scale as boolean, 1);
    const beta = getWeightOr(this.weights, id, 'beta', c, p.center as boolean, 0);
    const mean = getWeight(this.weights, id, 'moving_mean', c);
    const variance = getWeight(this.weights, id, 'moving_variance', c);
    const scale = new Float64Array(c);
    const shift = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      scale[i] = gamma[i]! / Math.sqrt(variance[i]! + (p.epsilon as number));
      shift[i] = beta[i]! - mean[i]! * scale[i]!;
    }
    return { scale, shift };
  }

  /** Whether a conv-like node's window reaches past its input ('same' padding with a non-zero pad). */
  padsInput(id: string, p: ResolvedParams): boolean {
    if (p.padding !== 'same' || p.kernel_size === undefined) return false;
    const s = this.shapeOf(this.inputsOf.get(id)![0]!);
    const k = pairOf(p.kernel_size);
    const st = pairOf(p.strides);
    const d = pairOf(p.dilation_rate ?? [1, 1]);
    return [0, 1].some((a) => {
      const g = axisWindow(s[a]!, k[a]!, st[a]!, d[a]!, 'same');
      return g.padBefore + g.padAfter > 0;
    });
  }

  /**
   * Strides, dilations and padding of a binary conv: 'same' only where the window really reaches past the input,
   * with the pad value (1 for one-padding) the kernels read there.
   */
  binaryWindow(id: string, p: ResolvedParams) {
    return {
      strides: pairOf(p.strides),
      dilations: pairOf(p.dilation_rate),
      padding: (this.padsInput(id, p) ? 'same' : 'valid') as Padding,
      padValue: (Number(p.pad_values) === 1 ? 1 : 0) as 0 | 1,
    };
  }

  /** A single consumer that has this node as its only input, else null. */
  soleConsumer(id: string): string | null {
    const cs = this.consumers.get(id) ?? [];
    if (cs.length !== 1) return null;
    const next = cs[0]!;
    return (this.inputsOf.get(next) ?? []).length === 1 ? next : null;
  }

  /** Consumes only bit-packed data: a Quant layer binarising its input with sign, or a max-pool feeding those. */
  takesBits(id: string): boolean {
    const type = this.types.get(id)!;
    if (type === 'MaxPool2D') {
      const cs = this.consumers.get(id) ?? [];
      return cs.length > 0 && cs.every((c) => this.takesBits(c));
    }
    return type.startsWith('Quant') && isSign(this.params.get(id)!.input_quantizer);
  }

  lowerQuantLayer(id: string, type: string, p: ResolvedParams): void {
    const inQ = p.input_quantizer as QuantizerRef | null;
    const inShape = this.shapeOf(this.inputsOf.get(id)![0]!);
    const cin = inShape[inShape.length - 1]!;
    if (inQ && !isSign(inQ)) {
      throw new LowerError(
        'not_deployable',
        id,
        `${type} '${id}': input_quantizer '${inQ.id}' has no deployable form (only sign-like quantizers lower to XNOR/popcount).`,
        'Use ste_sign, approx_sign or swish_sign as the input quantizer (or none for float input), then retrain.',
      );
    }
    const kernelKey =
      type === 'QuantDepthwiseConv2D' || type === 'QuantSeparableConv2D'
        ? 'depthwise_quantizer'
        : 'kernel_quantizer';
    const kernelQ = p[kernelKey] as QuantizerRef | null;
    const m = (p.depth_multiplier as number | undefined) ?? 1;
    const binaryOk = isSign(inQ) && isBinaryKernel(kernelQ);
    if (binaryOk && (type === 'QuantConv2D' || type === 'QuantDense')) {
      this.lowerBinaryWithTransform(id, type, p, cin);
      return;
    }
    if (binaryOk && m === 1) {
      this.lowerBinaryDepthwise(id, type, p, cin);
      return;
    }
    // Not XNOR-able: run as a float layer on ±1 (dequantized) inputs with the quantized weight values.
    if (Number(p.pad_values) === 1 && this.padsInput(id, p)) {
      throw new LowerError(
        'unsupported_padding',
        id,
        `${type} '${id}': one-padding (pad_values 1) is only deployable when both input and kernel are binarised with sign.`,
        "Set pad_values to 0, or use sign quantizers on both the input and the kernel (e.g. 'ste_sign').",
      );
    }
    const x = isSign(inQ)
      ? this.asFloat(this.asBits(this.input(id), id), id)
      : this.asFloat(this.input(id), id);
    this.lowerFloatLayer(id, type, p, x, kernelQ, p.pointwise_quantizer as QuantizerRef | null);
  }

  /** Float conv/depthwise/dense (also quantized layers that are not XNOR-able, with fake-quantized weights). */
  lowerFloatLayer(
    id: string,
    type: string,
    p: ResolvedParams,
    x: Value,
    kernelQ: QuantizerRef | null,
    pointwiseQ: QuantizerRef | null,
  ): void {
    const shape = this.shapeOf(id);
    const cin = x.shape[x.shape.length - 1]!;
    const cout = shape[shape.length - 1]!;
    const bias = p.use_bias ? Float32Array.from(getWeight(this.weights, id, 'bias', cout)) : null;
    const relu = this.soleConsumer(id);
    const fuseRelu = relu !== null && this.types.get(relu) === 'ReLU';
    const activation: FloatActivation = fuseRelu ? 'relu' : 'none';
    const outNode = fuseRelu ? relu! : id;
    if (p.precision === 'int8') {
      const out = this.lowerInt8Layer(id, type, p, x, activation, outNode);
      this.values.set(id, out);
      if (fuseRelu) {
        this.values.set(relu!, out);
        this.handled.add(relu!);
      }
      return;
    }
    const geometry = () => ({
      kernel: pairOf(p.kernel_size),
      strides: pairOf(p.strides),
      dilations: pairOf(p.dilation_rate),
      padding: p.padding as Padding,
    });
    let out: Value;
    if (type === 'Dense' || type === 'QuantDense') {
      const w = getWeight(this.weights, id, 'kernel', cin * cout, [cin, cout]);
      out = this.tensor(outNode, shape, 'float32');
      this.ops.push({
        op: 'dense',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [out.tensor],
        weights: quantizeArray(kernelQ, w, cout),
        bias,
        inChannels: cin,
        outChannels: cout,
        activation,
      });
    } else if (type === 'Conv2D' || type === 'QuantConv2D') {
      const [kh, kw] = pairOf(p.kernel_size);
      const w = getWeight(this.weights, id, 'kernel', kh * kw * cin * cout, [kh, kw, cin, cout]);
      out = this.tensor(outNode, shape, 'float32');
      this.ops.push({
        op: 'conv2d',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [out.tensor],
        filter: quantizeArray(kernelQ, w, cout),
        bias,
        inChannels: cin,
        outChannels: cout,
        ...geometry(),
        activation,
      });
    } else {
      const [kh, kw] = pairOf(p.kernel_size);
      const m = p.depth_multiplier as number;
      const dk = getWeight(this.weights, id, 'depthwise_kernel', kh * kw * cin * m, [kh, kw, cin, m]);
      const separable = type === 'QuantSeparableConv2D';
      const dwShape = [shape[0]!, shape[1]!, cin * m];
      const dwOut = separable
        ? this.tensor(`${id}:depthwise`, dwShape, 'float32')
        : this.tensor(outNode, shape, 'float32');
      this.ops.push({
        op: 'depthwise_conv2d',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [dwOut.tensor],
        filter: quantizeArray(kernelQ, dk, m),
        bias: separable ? null : bias,
        channels: cin,
        depthMultiplier: m,
        ...geometry(),
        activation: separable ? 'none' : activation,
      });
      out = separable ? this.pointwise(id, dwOut, pointwiseQ, bias, activation, outNode) : dwOut;
    }
    this.values.set(id, out);
    if (fuseRelu) {
      this.values.set(relu!, out);
      this.handled.add(relu!);
    }
  }

  /**
   * An int8-precision Conv2D / DepthwiseConv2D / Dense (`eval/int8-layer.ts`): `int8_quantize` of its float input
   * with the tracked input range, the int8 op with per-channel int8 weights and int32 bias, output int8 with the
   * tracked output range (a following ReLU fused: clamp at the output zero point).
   */
  lowerInt8Layer(
    id: string,
    type: string,
    p: ResolvedParams,
    x: Value,
    activation: FloatActivation,
    outNode: string,
  ): Value {
    const shape = this.shapeOf(id);
    const cin = x.shape[x.shape.length - 1]!;
    const cout = shape[shape.length - 1]!;
    const quant = int8LayerQuant(this.weights, id);
    const xq = this.tensor(`${id}:int8_input`, x.shape, 'int8', quant.input);
    this.ops.push({ op: 'int8_quantize', sourceNode: id, inputs: [x.tensor], outputs: [xq.tensor] });
    const out = this.tensor(outNode, shape, 'int8', quant.output);
    const io = { sourceNode: id, inputs: [xq.tensor], outputs: [out.tensor] };
    const bias = (scales: Float32Array) =>
      int8BiasOrZero(this.weights, id, p.use_bias === true, cout, quant.input.scale, scales).q;
    if (type === 'Dense') {
      const w = int8Weights(getWeight(this.weights, id, 'kernel', cin * cout, [cin, cout]), cout);
      const t = new Int8Array(w.q.length); // [Cin, Cout] → [Cout, Cin]
      for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) t[o * cin + i] = w.q[i * cout + o]!;
      this.ops.push({
        op: 'int8_dense',
        ...io,
        weights: t,
        filterScales: w.scales,
        bias: bias(w.scales),
        inChannels: cin,
        outChannels: cout,
        activation,
      });
      return out;
    }
    const [kh, kw] = pairOf(p.kernel_size);
    const geometry = {
      kernel: [kh, kw] as [number, number],
      strides: pairOf(p.strides),
      dilations: pairOf(p.dilation_rate),
      padding: p.padding as Padding,
    };
    if (type === 'Conv2D') {
      const count = kh * kw * cin * cout;
      const w = int8Weights(getWeight(this.weights, id, 'kernel', count, [kh, kw, cin, cout]), cout);
      this.ops.push({
        op: 'int8_conv2d',
        ...io,
        filter: hwioToOhwi(w.q, kh, kw, cin, cout),
        filterScales: w.scales,
        bias: bias(w.scales),
        inChannels: cin,
        outChannels: cout,
        ...geometry,
        activation,
      });
      return out;
    }
    const m = p.depth_multiplier as number;
    const dk = getWeight(this.weights, id, 'depthwise_kernel', kh * kw * cin * m, [kh, kw, cin, m]);
    const w = int8Weights(dk, cin * m); // [KH, KW, C, M] is TFLite's [1, KH, KW, C·M]
    this.ops.push({
      op: 'int8_depthwise_conv2d',
      ...io,
      filter: w.q,
      filterScales: w.scales,
      bias: bias(w.scales),
      channels: cin,
      depthMultiplier: m,
      ...geometry,
      activation,
    });
    return out;
  }

  /** The 1×1 step of a separable conv: a float conv on the depthwise output with (quantized) pointwise weights. */
  pointwise(
    id: string,
    x: Value,
    pointwiseQ: QuantizerRef | null,
    bias: Float32Array | null,
    activation: FloatActivation,
    outNode: string,
  ): Value {
    const shape = this.shapeOf(id);
    const cin = x.shape[2]!;
    const cout = shape[2]!;
    const pk = getWeight(this.weights, id, 'pointwise_kernel', cin * cout, [1, 1, cin, cout]);
    const out = this.tensor(outNode, shape, 'float32');
    this.ops.push({
      op: 'conv2d',
      sourceNode: id,
      inputs: [x.tensor],
      outputs: [out.tensor],
      filter: quantizeArray(pointwiseQ, pk, cout),
      bias,
      inChannels: cin,
      outChannels: cout,
      kernel: [1, 1],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'valid',
      activation,
    });
    return out;
  }

  /**
   * Binary weights as ±1 signs and a per-output-channel scale (1 for sign quantizers, mean |w| for
   * magnitude_aware_sign): wq = scale[c] · sign[c].
   */
  binaryWeights(kernelQ: QuantizerRef, w: Float32Array, cout: number) {
    const wq = quantizeArray(kernelQ, w, cout);
    const signs = new Float32Array(wq.length);
    const scale = new Float64Array(cout);
    for (let i = 0; i < wq.length; i++) {
      signs[i] = w[i]! < 0 ? -1 : 1;
      scale[i % cout] = Math.abs(wq[i]!);
    }
    return { signs, scale };
  }

  /** QuantConv2D / QuantDense with sign input and binary kernel, with the following BN/ReLU/MaxPool folded. */
  lowerBinaryWithTransform(id: string, type: string, p: ResolvedParams, cin: number): void {
    const isConv = type === 'QuantConv2D';
    const shape = this.shapeOf(id);
    const cout = shape[shape.length - 1]!;
    const [kh, kw] = isConv ? pairOf(p.kernel_size) : [1, 1];
    const w = getWeight(
      this.weights,
      id,
      'kernel',
      kh * kw * cin * cout,
      isConv ? [kh, kw, cin, cout] : [cin, cout],
    );
    const { signs, scale } = this.binaryWeights(p.kernel_quantizer as QuantizerRef, w, cout);
    const bias = new Float64Array(cout);
    if (p.use_bias) bias.set(getWeight(this.weights, id, 'bias', cout));
    const zeroPadding = isConv && Number(p.pad_values) === 0 && this.padsInput(id, p);

    // Fold the chain that follows: [ReLU as clamp] [MaxPool] [BatchNormalization] [ReLU as activation], any order
    // that keeps the maths exact (see docs/deploy-graph.md, "Folding").
    const mult = Float64Array.from(scale);
    const add = Float64Array.from(bias);
    let clamp: FloatActivation = 'none';
    let activation: FloatActivation = 'none';
    let pool: string | null = null;
    let bnSeen = false;
    let end = id;
    for (let next = this.soleConsumer(end); next !== null; next = this.soleConsumer(end)) {
      const t = this.types.get(next)!;
      if (t === 'Dropout') {
        end = next;
      } else if (
        t === 'ReLU' &&
        !bnSeen &&
        activation === 'none' &&
        clamp === 'none' &&
        add.every((b) => b === 0)
      ) {
        // relu(s·dot) = s·relu(dot) for s ≥ 0 (s is a magnitude); bias must be zero.
        clamp = 'relu';
        end = next;
      } else if (t === 'ReLU' && activation === 'none') {
        // relu(M·clamp(dot) + B) is exactly the float transform's activation (after a BN, or with a bias).
        activation = 'relu';
        end = next;
      } else if (t === 'MaxPool2D' && pool === null && isConv) {
        // The transform runs before the pool, so whatever is folded after the pool must commute with max:
        // ReLU does, a BN does when its scale is ≥ 0 in every channel.
        pool = next;
        end = next;
      } else if (t === 'BatchNormalization' && !bnSeen && activation === 'none') {
        const { scale: s, shift } = this.bnAffine(next, cout);
        if (pool !== null && s.some((v) => v < 0)) break;
        for (let c = 0; c < cout; c++) {
          mult[c] = s[c]! * mult[c]!;
          add[c] = s[c]! * add[c]! + shift[c]!;
        }
        bnSeen = true;
        end = next;
      } else break;
    }
    const chainConsumers = this.consumers.get(end) ?? [];
    const bitOut =
      !zeroPadding && chainConsumers.length > 0 && chainConsumers.every((c) => this.takesBits(c));

    const k = kh * kw * cin;
    let transform: OutputTransform;
    let flip: Uint8Array | null = null;
    if (bitOut) {
      const t = computeThresholds(
        mult,
        add,
        k,
        clamp === 'relu' ? 'relu' : 'none',
        activation === 'relu' ? 'relu' : 'none',
      );
      transform = { kind: 'bitpacked', thresholds: t.thresholds };
      flip = t.flip;
    } else {
      transform = {
        kind: 'float',
        clamp,
        multiplier: Float32Array.from(mult),
        bias: Float32Array.from(add),
        activation,
      };
    }
    // Pack OHWI (conv) or [Cout, Cin] (dense): transpose HWIO → OHWI, flipping channels with a negative multiplier.
    const rows = cout * kh * kw;
    const ohwi = new Float32Array(rows * cin);
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++)
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < cout; co++) {
            const s = signs[((ky * kw + kx) * cin + ci) * cout + co]!;
            ohwi[((co * kh + ky) * kw + kx) * cin + ci] = flip?.[co] ? -s : s;
          }
    const filter = packRows(ohwi, rows, cin);

    const x = this.asBits(this.input(id), id);
    const convShape = pool !== null ? this.shapeOf(this.inputsOf.get(pool)![0]!) : this.shapeOf(end);
    const kind: TensorKind = bitOut ? 'bitpacked' : 'float32';
    const convOut = this.tensor(pool !== null ? `${id}:pre_pool` : end, convShape, kind);
    if (isConv) {
      this.ops.push({
        op: 'bconv2d',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [convOut.tensor],
        filter,
        inChannels: cin,
        outChannels: cout,
        kernel: [kh, kw],
        ...this.binaryWindow(id, p),
        transform,
      });
    } else {
      this.ops.push({
        op: 'bdense',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [convOut.tensor],
        filter,
        inChannels: cin,
        outChannels: cout,
        transform,
      });
    }
    let out = convOut;
    if (pool !== null) {
      out = this.tensor(end, this.shapeOf(end), kind);
      this.ops.push({
        op: bitOut ? 'bmaxpool2d' : 'maxpool2d',
        sourceNode: pool,
        inputs: [convOut.tensor],
        outputs: [out.tensor],
        ...poolWindow(this.params.get(pool)!),
      });
    }
    this.markChain(id, end, out);
  }

  /** Marks every node from `start` to `end` (a single-consumer chain) as lowered, all with value `out`. */
  markChain(start: string, end: string, out: Value): void {
    let cur: string | null = start;
    while (cur !== null) {
      this.values.set(cur, out);
      this.handled.add(cur);
      if (cur === end) break;
      cur = this.soleConsumer(cur);
    }
  }

  /** Binary depthwise (multiplier 1): float output; for a separable conv the float pointwise step follows. */
  lowerBinaryDepthwise(id: string, type: string, p: ResolvedParams, c: number): void {
    const [kh, kw] = pairOf(p.kernel_size);
    const dk = getWeight(this.weights, id, 'depthwise_kernel', kh * kw * c, [kh, kw, c, 1]);
    const { signs, scale } = this.binaryWeights(p.depthwise_quantizer as QuantizerRef, dk, 1);
    const separable = type === 'QuantSeparableConv2D';
    const shape = this.shapeOf(id);
    const bias = p.use_bias ? getWeight(this.weights, id, 'bias', shape[2]!) : null;
    const transform: FloatOutputTransform = {
      kind: 'float',
      clamp: 'none',
      multiplier: new Float32Array(c).fill(scale[0]!),
      bias: !separable && bias ? Float32Array.from(bias) : new Float32Array(c),
      activation: 'none',
    };
    const x = this.asBits(this.input(id), id);
    const dwOut = this.tensor(separable ? `${id}:depthwise` : id, [shape[0]!, shape[1]!, c], 'float32');
    this.ops.push({
      op: 'bdepthwise_conv2d',
      sourceNode: id,
      inputs: [x.tensor],
      outputs: [dwOut.tensor],
      filter: packRows(signs, kh * kw, c),
      channels: c,
      kernel: [kh, kw],
      ...this.binaryWindow(id, p),
      transform,
    });
    const out = separable
      ? this.pointwise(
          id,
          dwOut,
          p.pointwise_quantizer as QuantizerRef | null,
          bias ? Float32Array.from(bias) : null,
          'none',
          id,
        )
      : dwOut;
    this.values.set(id, out);
  }
}

/** What a layer's lowering sees of one node. */
interface NodeArgs {
  id: string;
  type: LayerType;
  p: ResolvedParams;
  /** The node's output shape. */
  shape: number[];
  /** The node's input node ids. */
  src: string[];
  /** The first input as a float tensor (dequantized if it is bit-packed). */
  floatIn(): Value;
  /** Emits one op reading `x`, writing the node's output of `kind`. */
  emit(op: DeployOp['op'], x: Value, kind: TensorKind, extra: Record<string, unknown>): void;
  /** Emits one float op on the first input. */
  simple(op: DeployOp['op'], extra?: Record<string, unknown>): void;
}

type NodeLowering = (lw: Lowering, a: NodeArgs) => void;

const lowerQuant: NodeLowering = (lw, a) => {
  const { id, type, p } = a;
  lw.lowerQuantLayer(id, type, p);
};
const lowerFloat: NodeLowering = (lw, a) => {
  const { id, type, p, floatIn } = a;
  lw.lowerFloatLayer(id, type, p, floatIn(), null, null);
};
const lowerReshape: NodeLowering = (_lw, a) => {
  const { simple } = a;
  simple('reshape');
};
const lowerMerge: NodeLowering = (lw, a) => {
  const { id, type, shape, src } = a;
  const ins = src.map((_, i) => lw.asFloat(lw.input(id, i), id).tensor);
  const out = lw.tensor(id, shape, 'float32');
  lw.ops.push({
    op: type === 'Add' ? 'add' : 'concat',
    sourceNode: id,
    inputs: ins,
    outputs: [out.tensor],
  });
  lw.values.set(id, out);
};

/** The deploy ops of every layer type, compile-checked against the layer registry. */
const LOWERINGS = {
  QuantConv2D: lowerQuant,
  QuantDense: lowerQuant,
  QuantDepthwiseConv2D: lowerQuant,
  QuantSeparableConv2D: lowerQuant,
  Conv2D: lowerFloat,
  DepthwiseConv2D: lowerFloat,
  Dense: lowerFloat,
  BatchNormalization: (lw, a) => {
    const { id, shape, simple } = a;
    const c = shape[shape.length - 1]!;
    const { scale, shift } = lw.bnAffine(id, c);
    simple('scale_shift', { scale: Float32Array.from(scale), shift: Float32Array.from(shift) });
  },
  MaxPool2D: (lw, a) => {
    const { id, p, emit, simple } = a;
    const x = lw.input(id);
    if (x.kind === 'bitpacked') emit('bmaxpool2d', x, 'bitpacked', poolWindow(p));
    else if (x.kind === 'int8') {
      // Max commutes with the (monotone) dequantization: pool the int8 values, keep their quantization.
      const quant = lw.tensors.find((t) => t.id === x.tensor)!.quant!;
      const out = lw.tensor(id, a.shape, 'int8', quant);
      lw.ops.push({
        op: 'int8_maxpool2d',
        sourceNode: id,
        inputs: [x.tensor],
        outputs: [out.tensor],
        ...poolWindow(p),
      });
      lw.values.set(id, out);
    } else simple('maxpool2d', poolWindow(p));
  },
  AveragePool2D: (_lw, a) => {
    const { p, simple } = a;
    simple('avgpool2d', poolWindow(p));
  },
  GlobalAveragePooling2D: (_lw, a) => {
    const { simple } = a;
    simple('global_avgpool');
  },
  Flatten: lowerReshape,
  Reshape: lowerReshape,
  Dropout: (lw, a) => {
    const { id } = a;
    lw.values.set(id, lw.input(id));
  },
  ReLU: (_lw, a) => {
    const { simple } = a;
    simple('relu');
  },
  PReLU: (lw, a) => {
    const { id, shape, simple } = a;
    const c = shape[shape.length - 1]!;
    simple('prelu', { alpha: Float32Array.from(getWeight(lw.weights, id, 'alpha', c)) });
  },
  HardTanh: (_lw, a) => {
    const { simple } = a;
    simple('hard_tanh');
  },
  LeakyTanh: (_lw, a) => {
    const { p, simple } = a;
    simple('leaky_tanh', { alpha: p.alpha as number });
  },
  Softmax: (_lw, a) => {
    const { simple } = a;
    simple('softmax');
  },
  Add: lowerMerge,
  Concatenate: lowerMerge,
  Input: (_lw, { id, type }) => {
    throw new LowerError(
      'unsupported_layer',
      id,
      `layer type '${type}' has no deploy lowering.`,
      'Replace it.',
    );
  },
} satisfies Record<LayerType, NodeLowering>;
