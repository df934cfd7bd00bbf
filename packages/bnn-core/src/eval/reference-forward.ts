import { inferGraph } from '../infer/analyze.js';
import { getLayerDef, type LayerType, type ResolvedParams, resolveParams } from '../registry/layers.js';
import { quantizeArray } from '../registry/quantizer-math.js';
import type { GraphNode, GraphSpec, QuantizerRef, WeightMap } from '../spec/graph-types.js';
import * as F from './float-ops.js';
import { fakeQuantActivations, int8BiasOrZero, int8LayerQuant, int8Weights } from './int8-layer.js';
import { getWeight, getWeightOr } from './weights-access.js';

/**
 * Inference of a graph exactly as its layers define it (Larq/Keras semantics, quantizers applied with their
 * plain-float forward passes), one sample at a time, in float64 arithmetic stored as float32. It knows nothing
 * about lowering, so it is the oracle `lower` is tested against. Returns one array per graph output (the nodes
 * without outgoing edges, in execution order), each `batch × outputSize`.
 */
export function forwardGraphFloat(
  graph: GraphSpec,
  weights: WeightMap,
  input: Float32Array,
  batch: number,
  /** Optional: sees every node's output as it is computed. */
  observe?: (nodeId: string, sample: number, values: Float32Array) => void,
): Float32Array[] {
  const analysis = inferGraph(graph);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(`forwardGraphFloat: the graph has errors: ${errors[0]!.message}`);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputsOf = new Map<string, string[]>();
  const hasOut = new Set<string>();
  for (const e of [...graph.edges].sort((a, b) => (a.targetPort ?? 0) - (b.targetPort ?? 0))) {
    inputsOf.set(e.target, [...(inputsOf.get(e.target) ?? []), e.source]);
    hasOut.add(e.source);
  }
  const shapeOf = (id: string) => analysis.nodes[id]!.outputShape!;
  const outputs = analysis.order.filter((id) => !hasOut.has(id));
  const inputNode = graph.nodes.find((n) => getLayerDef(n.type).type === 'Input')!;
  const inSize = shapeOf(inputNode.id).reduce((a, b) => a * b, 1);
  if (input.length !== inSize * batch) {
    throw new Error(`forwardGraphFloat: input has ${input.length} values, expected ${batch} × ${inSize}`);
  }
  const results = outputs.map((id) => new Float32Array(batch * shapeOf(id).reduce((a, b) => a * b, 1)));
  for (let b = 0; b < batch; b++) {
    const values = new Map<string, Float32Array>();
    for (const id of analysis.order) {
      const node = byId.get(id)!;
      const ins = (inputsOf.get(id) ?? []).map((s) => ({ x: values.get(s)!, shape: shapeOf(s) }));
      const x =
        getLayerDef(node.type).type === 'Input' ? input.subarray(b * inSize, (b + 1) * inSize) : ins[0]!.x;
      const y = forwardNode(node, getLayerDef(node.type).type as LayerType, x, ins, shapeOf(id), weights);
      values.set(id, y);
      observe?.(id, b, y);
    }
    for (let i = 0; i < outputs.length; i++) {
      const v = values.get(outputs[i]!)!;
      results[i]!.set(v, b * v.length);
    }
  }
  return results;
}

function forwardNode(
  node: GraphNode,
  type: LayerType,
  x: Float32Array,
  ins: Array<{ x: Float32Array; shape: number[] }>,
  outShape: number[],
  weights: WeightMap,
): Float32Array {
  const p = resolveParams(node);
  const inShape = ins[0]?.shape ?? outShape;
  const c = inShape[inShape.length - 1]!;
  const cout = outShape[outShape.length - 1]!;
  const id = node.id;
  const q = (name: string) => p[name] as QuantizerRef | null;
  const geom = (kernel: number[]): F.ConvGeometry =>
    F.convGeometry(inShape, c, {
      kernel,
      strides: p.strides as number[],
      dilations: (p.dilation_rate as number[] | undefined) ?? [1, 1],
      padding: p.padding as F.PaddingMode,
    });
  const padValue = () => (p.padding === 'same' ? Number(p.pad_values ?? 0) : 0);
  const addBias = (y: Float64Array, n: number) => {
    if (p.use_bias) {
      const bias = getWeight(weights, id, 'bias', n);
      for (let i = 0; i < y.length; i++) y[i]! += bias[i % n]!;
    }
    return Float32Array.from(y);
  };
  return FLOAT_FORWARD[type]({
    type,
    p,
    x,
    ins,
    inShape,
    outShape,
    c,
    cout,
    id,
    weights,
    q,
    geom,
    padValue,
    addBias,
  });
}

/** What a layer's float forward pass sees of one node and one sample. */
interface ForwardArgs {
  type: LayerType;
  p: ResolvedParams;
  x: Float32Array;
  ins: Array<{ x: Float32Array; shape: number[] }>;
  inShape: number[];
  outShape: number[];
  /** Channels of the first input and of the output. */
  c: number;
  cout: number;
  id: string;
  weights: WeightMap;
  q(name: string): QuantizerRef | null;
  geom(kernel: number[]): F.ConvGeometry;
  padValue(): number;
  addBias(y: Float64Array, n: number): Float32Array;
}

type FloatForward = (a: ForwardArgs) => Float32Array;

/**
 * An int8-precision float layer (`precision: 'int8'`): input, weights, bias and output on their int8 grids
 * (`./int8-layer.ts`), the layer itself in float64 on the grid values.
 */
function forwardInt8(
  a: ForwardArgs,
  kernelName: string,
  shape: number[],
  n: number,
  run: (x: Float32Array, w: Float32Array) => Float64Array,
): Float32Array {
  const { p, x, id, weights } = a;
  const quant = int8LayerQuant(weights, id);
  const w = getWeight(
    weights,
    id,
    kernelName,
    shape.reduce((s, d) => s * d, 1),
    shape,
  );
  const wq = int8Weights(w, n);
  const bias = int8BiasOrZero(weights, id, p.use_bias === true, n, quant.input.scale, wq.scales);
  const y = run(fakeQuantActivations(x, quant.input), wq.fake);
  for (let i = 0; i < y.length; i++) y[i]! += bias.fake[i % n]!;
  return fakeQuantActivations(Float32Array.from(y), quant.output);
}

const forwardConv: FloatForward = (a) => {
  const { type, p, x, c, cout, id, weights, q, geom, padValue, addBias } = a;
  const k = p.kernel_size as number[];
  const count = k[0]! * k[1]! * c * cout;
  if (p.precision === 'int8') {
    return forwardInt8(
      a,
      'kernel',
      [k[0]!, k[1]!, c, cout],
      cout,
      (xq, wq) => F.conv2d(xq, geom(k), wq, cout, 0).y,
    );
  }
  const w = getWeight(weights, id, 'kernel', count, [k[0]!, k[1]!, c, cout]);
  const xq = quantizeArray(q('input_quantizer'), x, c);
  const wq = quantizeArray(q('kernel_quantizer'), w, cout);
  return addBias(F.conv2d(xq, geom(k), wq, cout, type === 'QuantConv2D' ? padValue() : 0).y, cout);
};
const forwardDepthwiseOrSeparable: FloatForward = (a) => {
  const { type, p, x, c, cout, id, weights, q, geom, padValue, addBias } = a;
  const k = p.kernel_size as number[];
  const m = p.depth_multiplier as number;
  if (p.precision === 'int8') {
    return forwardInt8(
      a,
      'depthwise_kernel',
      [k[0]!, k[1]!, c, m],
      c * m,
      (xq, wq) => F.depthwiseConv2d(xq, geom(k), wq, m, 0).y,
    );
  }
  const dk = getWeight(weights, id, 'depthwise_kernel', k[0]! * k[1]! * c * m, [k[0]!, k[1]!, c, m]);
  const xq = quantizeArray(q('input_quantizer'), x, c);
  const dq = quantizeArray(q('depthwise_quantizer'), dk, m);
  const pv = type === 'DepthwiseConv2D' ? 0 : padValue();
  const dw = F.depthwiseConv2d(xq, geom(k), dq, m, pv);
  if (type !== 'QuantSeparableConv2D') return addBias(dw.y, cout);
  const pk = getWeight(weights, id, 'pointwise_kernel', c * m * cout, [1, 1, c * m, cout]);
  const pq = quantizeArray(q('pointwise_quantizer'), pk, cout);
  const pg = F.convGeometry([dw.oh, dw.ow], c * m, {
    kernel: [1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'valid',
  });
  return addBias(F.conv2d(Float32Array.from(dw.y), pg, pq, cout).y, cout);
};
const forwardDense: FloatForward = (a) => {
  const { p, x, c, cout, id, weights, q, addBias } = a;
  if (p.precision === 'int8') {
    return forwardInt8(a, 'kernel', [c, cout], cout, (xq, wq) => F.dense(xq, wq, c, cout));
  }
  const w = getWeight(weights, id, 'kernel', c * cout, [c, cout]);
  const xq = quantizeArray(q('input_quantizer'), x, c);
  const wq = quantizeArray(q('kernel_quantizer'), w, cout);
  return addBias(F.dense(xq, wq, c, cout), cout);
};
const forwardPool2D: FloatForward = (a) => {
  const { type, p, x, inShape, c } = a;
  return F.pool2d(
    x,
    inShape[0]!,
    inShape[1]!,
    c,
    p.pool_size as [number, number],
    p.strides as [number, number],
    p.padding as F.PaddingMode,
    type === 'MaxPool2D' ? 'max' : 'avg',
  ).y;
};
const forwardIdentity: FloatForward = (a) => {
  const { x } = a;
  return Float32Array.from(x);
};

/** The float forward pass of every layer type (the graph's own semantics), compile-checked against the registry. */
const FLOAT_FORWARD = {
  Input: (a) => {
    const { p, x } = a;
    const norm = p.normalization as { mean: number; std: number } | null;
    const y = Float32Array.from(x);
    if (norm) for (let i = 0; i < y.length; i++) y[i] = (y[i]! - norm.mean) / norm.std;
    return y;
  },
  QuantConv2D: forwardConv,
  Conv2D: forwardConv,
  QuantDepthwiseConv2D: forwardDepthwiseOrSeparable,
  DepthwiseConv2D: forwardDepthwiseOrSeparable,
  QuantSeparableConv2D: forwardDepthwiseOrSeparable,
  QuantDense: forwardDense,
  Dense: forwardDense,
  BatchNormalization: (a) => {
    const { p, x, c, id, weights } = a;
    const gamma = getWeightOr(weights, id, 'gamma', c, p.scale as boolean, 1);
    const beta = getWeightOr(weights, id, 'beta', c, p.center as boolean, 0);
    const mean = getWeight(weights, id, 'moving_mean', c);
    const variance = getWeight(weights, id, 'moving_variance', c);
    const eps = p.epsilon as number;
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const ci = i % c;
      y[i] = (gamma[ci]! * (x[i]! - mean[ci]!)) / Math.sqrt(variance[ci]! + eps) + beta[ci]!;
    }
    return y;
  },
  MaxPool2D: forwardPool2D,
  AveragePool2D: forwardPool2D,
  GlobalAveragePooling2D: (a) => {
    const { x, inShape, c } = a;
    return F.globalAvgPool(x, inShape[0]! * inShape[1]!, c);
  },
  Flatten: forwardIdentity,
  Reshape: forwardIdentity,
  Dropout: forwardIdentity,
  ReLU: (a) => {
    const { x } = a;
    return x.map((v) => Math.max(v, 0));
  },
  PReLU: (a) => {
    const { x, c, id, weights } = a;
    const alpha = getWeight(weights, id, 'alpha', c);
    return x.map((v, i) => (v >= 0 ? v : alpha[i % c]! * v));
  },
  HardTanh: (a) => {
    const { x } = a;
    return x.map(F.hardTanh);
  },
  LeakyTanh: (a) => {
    const { p, x } = a;
    return x.map((v) => F.leakyTanh(v, p.alpha as number));
  },
  Softmax: (a) => {
    const { x } = a;
    return F.softmax(x);
  },
  Add: (a) => {
    const { ins } = a;
    return F.addAll(ins.map((i) => i.x));
  },
  Concatenate: (a) => {
    const { ins, outShape, cout } = a;
    return F.concatChannels(
      ins.map((i) => i.x),
      outShape.reduce((a, b) => a * b, 1) / cout,
      cout,
    );
  },
} satisfies Record<LayerType, FloatForward>;
