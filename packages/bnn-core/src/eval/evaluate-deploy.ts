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
import { clampDot } from '../deploy/ops/common.js';
import * as F from './float-ops.js';
import { INT8_ORACLE } from './int8-oracle.js';

/**
 * Runs a deploy graph with plain float arithmetic: the tolerance oracle for the packed kernels and the exporters.
 * It computes in double (JavaScript numbers) in its own order, not in the float32 contract of
 * docs/deploy-graph.md §4.1 that the executors follow bit for bit, so executors agree with it within float32
 * rounding on float tensors (and bit for bit on bit-packed ones, unless a value within rounding of 0 is binarised).
 * Bit-packed tensors are held as ±1 floats; binary ops unpack their filters and compute `dot` as a ±1 sum,
 * then `accum = (K − dot)/2` for thresholds, exactly as docs/deploy-graph.md defines them. int8 tensors are held as
 * their integer values q and int8 ops compute TFLite's integer arithmetic (`./int8-oracle.ts`). Returns one array per
 * graph output, each `batch × outputSize`, batch-major.
 */
export function evaluateDeployGraphFloat(
  deploy: DeployGraph,
  input: Float32Array,
  batch: number,
  /** Optional: sees every tensor as it is written (bit-packed ones as ±1), e.g. to compare intermediates. */
  observe?: (tensorId: string, sample: number, values: Float32Array) => void,
): Float32Array[] {
  const shapes = new Map(deploy.tensors.map((t) => [t.id, t.shape]));
  const quants = new Map(deploy.tensors.map((t) => [t.id, t.quant]));
  const inShape = shapes.get(deploy.input);
  if (!inShape) throw new Error(`evaluateDeployGraphFloat: input tensor '${deploy.input}' is not declared`);
  const inSize = inShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(batch) || batch < 1 || input.length !== batch * inSize) {
    throw new Error(
      `evaluateDeployGraphFloat: input has ${input.length} values, expected ${batch} × ${inSize}`,
    );
  }
  const unpacked = new Map<DeployOp, Float32Array>();
  const outSizes = deploy.outputs.map((id) => shapes.get(id)!.reduce((a, b) => a * b, 1));
  const results = outSizes.map((n) => new Float32Array(n * batch));
  for (let b = 0; b < batch; b++) {
    const values = new Map<string, Float32Array>();
    values.set(deploy.input, input.slice(b * inSize, (b + 1) * inSize));
    for (const op of deploy.ops) {
      const ins = op.inputs.map((id) => {
        const v = values.get(id);
        if (!v)
          throw new Error(
            `evaluateDeployGraphFloat: op '${op.op}' (${op.sourceNode}) reads '${id}' before it is written`,
          );
        return v;
      });
      const outShape = shapes.get(op.outputs[0]!)!;
      const inShp = shapes.get(op.inputs[0]!)!;
      const y = runOp(op, ins, inShp, outShape, unpacked, quants);
      values.set(op.outputs[0]!, y);
      observe?.(op.outputs[0]!, b, y);
    }
    for (let i = 0; i < deploy.outputs.length; i++) {
      results[i]!.set(values.get(deploy.outputs[i]!)!, b * outSizes[i]!);
    }
  }
  return results;
}

const act = (v: number, a: FloatActivation) => (a === 'relu' ? Math.max(v, 0) : v);

/** Applies a binary op's output transform to the integer `dot` of channel `c` over `k` taps. */
function transformValue(t: OutputTransform, dot: number, k: number, c: number): number {
  if (t.kind === 'float') {
    const d = clampDot(dot, t.clamp);
    return act(t.multiplier[c]! * d + t.bias[c]!, t.activation);
  }
  const accum = (k - dot) / 2;
  return accum > t.thresholds[c]! ? -1 : 1;
}

/** What one op's float kernel sees of one sample. */
interface OracleArgs {
  ins: Float32Array[];
  /** Quantization of each int8 input, and of an int8 output (int8 ops). */
  inQuant: (Int8Quant | undefined)[];
  outQuant: Int8Quant | undefined;
  inShape: number[];
  outShape: number[];
  /** Channels of the first input. */
  c: number;
  /** The op's packed filter as ±1 floats, `rows × inner` (unpacked once per evaluation). */
  unpack(rows: number, inner: number): Float32Array;
}

type OracleKernel<K extends DeployOpKind> = (op: DeployOpOf<K>, a: OracleArgs) => Float32Array;

const pool = (op: DeployOpOf<'bmaxpool2d' | 'maxpool2d' | 'avgpool2d'>, { ins, inShape, c }: OracleArgs) =>
  F.pool2d(
    ins[0]!,
    inShape[0]!,
    inShape[1]!,
    c,
    op.pool,
    op.strides,
    op.padding,
    op.op === 'avgpool2d' ? 'avg' : 'max',
  ).y;

/** The float kernel of every deploy op (compile-checked against the op table). */
const FLOAT_ORACLE = {
  quantize: (_op, { ins }) => ins[0]!.map((v) => (v < 0 ? -1 : 1)),
  dequantize: (_op, { ins }) => ins[0]!.slice(),
  bconv2d: (op, { ins, inShape, outShape, unpack }) => {
    const x = ins[0]!;
    const [kh, kw] = op.kernel;
    const cin = op.inChannels;
    const cout = op.outChannels;
    const f = unpack(cout * kh * kw, cin); // OHWI
    const g = F.convGeometry(inShape, cin, op);
    const pixels = outShape[0]! * outShape[1]!;
    const dot = new Float64Array(pixels * cout);
    // One-padding reads +1 out of bounds; zero-padding reads 0 (drops the tap from the sum).
    const pad = op.padding === 'same' ? op.padValue : 0;
    F.forEachTap(g, (o, iy, ix, ky, kx, inside) => {
      if (!inside && pad === 0) return;
      const xb = (iy * g.w + ix) * cin;
      for (let co = 0; co < cout; co++) {
        const fb = ((co * kh + ky) * kw + kx) * cin;
        let s = 0;
        if (inside) for (let ci = 0; ci < cin; ci++) s += x[xb + ci]! * f[fb + ci]!;
        else for (let ci = 0; ci < cin; ci++) s += pad * f[fb + ci]!;
        dot[o * cout + co]! += s;
      }
    });
    const k = kh * kw * cin;
    const y = new Float32Array(pixels * cout);
    for (let i = 0; i < y.length; i++) y[i] = transformValue(op.transform, dot[i]!, k, i % cout);
    return y;
  },
  bdepthwise_conv2d: (op, { ins, inShape, outShape, unpack }) => {
    const x = ins[0]!;
    const [kh, kw] = op.kernel;
    const ch = op.channels;
    const f = unpack(kh * kw, ch);
    const g = F.convGeometry(inShape, ch, op);
    const pixels = outShape[0]! * outShape[1]!;
    const dot = new Float64Array(pixels * ch);
    const pad = op.padding === 'same' ? op.padValue : 0;
    F.forEachTap(g, (o, iy, ix, ky, kx, inside) => {
      for (let ci = 0; ci < ch; ci++) {
        const v = inside ? x[(iy * g.w + ix) * ch + ci]! : pad;
        dot[o * ch + ci]! += v * f[(ky * kw + kx) * ch + ci]!;
      }
    });
    const y = new Float32Array(pixels * ch);
    for (let i = 0; i < y.length; i++) y[i] = transformValue(op.transform, dot[i]!, kh * kw, i % ch);
    return y;
  },
  bdense: (op, { ins, unpack }) => {
    const x = ins[0]!;
    const f = unpack(op.outChannels, op.inChannels);
    const y = new Float32Array(op.outChannels);
    for (let o = 0; o < op.outChannels; o++) {
      let dot = 0;
      for (let i = 0; i < op.inChannels; i++) dot += x[i]! * f[o * op.inChannels + i]!;
      y[o] = transformValue(op.transform, dot, op.inChannels, o);
    }
    return y;
  },
  bmaxpool2d: pool,
  maxpool2d: pool,
  avgpool2d: pool,
  conv2d: (op, { ins, inShape }) => {
    const g = F.convGeometry(inShape, op.inChannels, op);
    return biasAct(F.conv2d(ins[0]!, g, op.filter, op.outChannels).y, op.bias, op.outChannels, op.activation);
  },
  depthwise_conv2d: (op, { ins, inShape }) => {
    const g = F.convGeometry(inShape, op.channels, op);
    const n = op.channels * op.depthMultiplier;
    return biasAct(F.depthwiseConv2d(ins[0]!, g, op.filter, op.depthMultiplier).y, op.bias, n, op.activation);
  },
  dense: (op, { ins }) =>
    biasAct(
      F.dense(ins[0]!, op.weights, op.inChannels, op.outChannels),
      op.bias,
      op.outChannels,
      op.activation,
    ),
  scale_shift: (op, { ins, c }) => ins[0]!.map((v, i) => v * op.scale[i % c]! + op.shift[i % c]!),
  global_avgpool: (_op, { ins, inShape, c }) => F.globalAvgPool(ins[0]!, inShape[0]! * inShape[1]!, c),
  add: (_op, { ins }) => F.addAll(ins),
  concat: (_op, { ins, outShape }) => {
    const cout = outShape[outShape.length - 1]!;
    return F.concatChannels(ins, outShape.reduce((a, b) => a * b, 1) / cout, cout);
  },
  reshape: (_op, { ins }) => ins[0]!.slice(),
  relu: (_op, { ins }) => ins[0]!.map((v) => Math.max(v, 0)),
  prelu: (op, { ins, c }) => ins[0]!.map((v, i) => (v >= 0 ? v : op.alpha[i % c]! * v)),
  hard_tanh: (_op, { ins }) => ins[0]!.map(F.hardTanh),
  leaky_tanh: (op, { ins }) => ins[0]!.map((v) => F.leakyTanh(v, op.alpha)),
  softmax: (_op, { ins }) => F.softmax(ins[0]!),
  // imported activations: the semantics in double (the executors follow the float32 order of math/hard-swish.ts)
  relu6: (_op, { ins }) => ins[0]!.map((v) => Math.min(Math.max(v, 0), 6)),
  hard_swish: (_op, { ins }) => ins[0]!.map((v) => (v * Math.min(6, Math.max(0, v + 3))) / 6),
  ...INT8_ORACLE,
} satisfies { [K in DeployOpKind]: OracleKernel<K> };

function runOp(
  op: DeployOp,
  ins: Float32Array[],
  inShape: number[],
  outShape: number[],
  cache: Map<DeployOp, Float32Array>,
  quants: Map<string, Int8Quant | undefined>,
): Float32Array {
  const unpack = (rows: number, inner: number) => {
    let f = cache.get(op);
    if (!f) {
      f = unpackRows((op as { filter: Int32Array }).filter, rows, inner);
      cache.set(op, f);
    }
    return f;
  };
  if (!Object.hasOwn(FLOAT_ORACLE, op.op))
    throw new Error(`evaluateDeployGraphFloat: unknown op ${JSON.stringify(op.op)}`);
  const kernel = FLOAT_ORACLE[op.op] as (op: DeployOp, a: OracleArgs) => Float32Array;
  return kernel(op, {
    ins,
    inShape,
    outShape,
    c: inShape[inShape.length - 1]!,
    unpack,
    inQuant: op.inputs.map((id) => quants.get(id)),
    outQuant: quants.get(op.outputs[0]!),
  });
}

function biasAct(y: Float64Array, bias: Float32Array | null, n: number, a: FloatActivation): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = act(y[i]! + (bias ? bias[i % n]! : 0), a);
  return out;
}
