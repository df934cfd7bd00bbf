/**
 * A small reference interpreter for the TensorFlow Lite subset this package writes (builtins and LCE ops),
 * used by tests to check that an exported file computes what the studio computes. Float tensors are plain
 * floats; int8 tensors are simulated as real values rounded to their int8 grid (dequantise inputs, compute in
 * float, quantise the output), which is TFLite's int8 semantics up to fixed-point rounding (int8 MEAN is computed
 * in TFLite's fixed point). Bit-packed INT32
 * tensors follow LCE (bit 1 = −1). Batch 1.
 */
import { int8MeanElement, int8MeanParams, window2d } from '@bnn-studio/bnn-core';
import { readTflite, type TfliteModelView, type TfliteTensorView } from './read-tflite.js';
import { TensorType, type TfliteOperatorName } from './schema.js';

type Value = Float32Array | Int32Array;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

export class TfliteInterpreter {
  readonly model: TfliteModelView;
  readonly values = new Map<number, Value>();

  constructor(bytes: Uint8Array) {
    this.model = readTflite(bytes);
  }

  get sg() {
    return this.model.subgraphs[0]!;
  }
  tensor(i: number): TfliteTensorView {
    return this.sg.tensors[i]!;
  }

  /** Real value of a constant or computed tensor (int8 dequantised per channel). */
  get(i: number): Value {
    const have = this.values.get(i);
    if (have) return have;
    const t = this.tensor(i);
    const data = this.model.buffers[t.buffer]?.data;
    if (!data) throw new Error(`interpreter: tensor ${t.name} has no value`);
    const copy = data.slice().buffer;
    let v: Value;
    if (t.type === TensorType.FLOAT32) v = new Float32Array(copy);
    else if (t.type === TensorType.INT8) v = this.dequantize(t, new Int8Array(copy));
    else if (t.type === TensorType.INT32) {
      const ints = new Int32Array(copy);
      const q = t.quantization;
      // Quantised int32 (biases) → real values; plain INT32 (packed bits, shapes) stays integer.
      v = q && q.scale.length > 0 ? this.dequantize(t, ints) : ints;
    } else throw new Error(`interpreter: tensor type ${t.type}`);
    this.values.set(i, v);
    return v;
  }

  dequantize(t: TfliteTensorView, q: Int8Array | Int32Array): Float32Array {
    const qp = t.quantization!;
    const out = new Float32Array(q.length);
    const per = qp.scale.length > 1;
    const inner = per ? size(t.shape.slice(qp.quantizedDimension + 1)) : 1;
    const dim = per ? t.shape[qp.quantizedDimension]! : 1;
    for (let i = 0; i < q.length; i++) {
      const c = per ? Math.floor(i / inner) % dim : 0;
      out[i] = qp.scale[c]! * (q[i]! - qp.zeroPoint[c]!);
    }
    return out;
  }

  /** Rounds a computed float tensor to its int8 grid when the tensor is INT8. */
  set(i: number, v: Value): void {
    const t = this.tensor(i);
    if (t.type === TensorType.INT8 && v instanceof Float32Array) {
      const s = t.quantization!.scale[0]!;
      const z = t.quantization!.zeroPoint[0]!;
      for (let k = 0; k < v.length; k++)
        v[k] = s * (Math.max(-128, Math.min(127, Math.round(v[k]! / s) + z)) - z);
    }
    this.values.set(i, v);
  }

  run(input: Float32Array): Float32Array[] {
    this.values.clear();
    const inT = this.sg.inputs[0]!;
    const x = Float32Array.from(input);
    this.set(inT, x);
    for (const op of this.sg.operators) this.exec(op);
    return this.sg.outputs.map((o) => {
      const v = this.values.get(o)!;
      return v instanceof Float32Array ? v : Float32Array.from(v);
    });
  }

  exec(op: TfliteModelView['subgraphs'][0]['operators'][0]): void {
    const shapeOf = (i: number) => this.tensor(i).shape;
    const out = op.outputs[0]!;
    const outShape = shapeOf(out);
    const o = op.builtinOptions ?? {};
    const actf = (v: number, a: number) =>
      a === 1
        ? Math.max(v, 0)
        : a === 2
          ? Math.max(-1, Math.min(1, v))
          : a === 3
            ? Math.max(0, Math.min(6, v))
            : v;
    const f = (i: number) => this.get(op.inputs[i]!) as Float32Array;
    const kernel = Object.hasOwn(OPERATOR_KERNELS, op.opName)
      ? OPERATOR_KERNELS[op.opName as TfliteOperatorName]
      : undefined;
    if (!kernel) throw new Error(`interpreter: no kernel for ${op.opName}`);
    kernel(this, { op, shapeOf, out, outShape, o, actf, f });
  }

  /** Top/left padding of TensorFlow SAME (or 0 for VALID), as TFLite computes it (bnn-core's `window2d`). */
  padBefore(
    same: boolean,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
  ): [number, number] {
    if (!same) return [0, 0];
    const g = window2d(h, w, [kh, kw], [sh, sw], [dh, dw], 'same');
    return [g.padTop, g.padLeft];
  }

  bconv(op: TfliteModelView['subgraphs'][0]['operators'][0]): void {
    const opt = op.customOptionsDecoded as Record<string, number>;
    const x = this.get(op.inputs[0]!) as Int32Array;
    const filter = this.get(op.inputs[1]!) as Int32Array;
    const [, h, w, words] = this.tensor(op.inputs[0]!).shape as [number, number, number, number];
    const [cout, kh, kw] = this.tensor(op.inputs[1]!).shape as [number, number, number, number];
    const out = op.outputs[0]!;
    const [, oh, ow] = this.tensor(out).shape as [number, number, number, number];
    const cin = opt.channels_in!;
    const [sh, sw, dh, dw] = [
      opt.stride_height!,
      opt.stride_width!,
      opt.dilation_height_factor!,
      opt.dilation_width_factor!,
    ];
    if (opt.padding === 0 && opt.pad_values === 0 && opt.fused_activation_function !== 0) {
      // LCE's bconv2d Prepare: fused activations need "valid" padding or one-padding.
      throw new Error(
        `interpreter: LceBconv2d with SAME zero-padding and fused activation ${opt.fused_activation_function} (LCE refuses it in Prepare)`,
      );
    }
    const [pt, pl] = this.padBefore(opt.padding === 0, h, w, kh, kw, sh, sw, dh, dw);
    const thresholds = op.inputs[4]! >= 0 ? (this.get(op.inputs[4]!) as Int32Array) : null;
    const mult = op.inputs[2]! >= 0 ? (this.get(op.inputs[2]!) as Float32Array) : null;
    const bias = op.inputs[3]! >= 0 ? (this.get(op.inputs[3]!) as Float32Array) : null;
    const outWords = Math.ceil(cout / 32);
    const yBits = new Int32Array(oh * ow * outWords);
    const yFloat = new Float32Array(oh * ow * cout);
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let oc = 0; oc < cout; oc++) {
          let accum = 0;
          let taps = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const yy = r * sh + i * dh - pt;
              const xx = c * sw + j * dw - pl;
              const inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
              if (!inside && opt.pad_values === 0) continue;
              taps++;
              for (let k = 0; k < words; k++) {
                const xv = inside ? x[(yy * w + xx) * words + k]! : 0;
                accum += popcount(xv ^ filter[((oc * kh + i) * kw + j) * words + k]!);
              }
            }
          if (thresholds) {
            if (accum > thresholds[oc]!) yBits[(r * ow + c) * outWords + (oc >> 5)]! |= 1 << (oc & 31);
          } else {
            // LCE clamps the int32 dot to TFLite's integer CalculateActivationRange of the fused activation.
            const [lo, hi] = LCE_DOT_RANGE[opt.fused_activation_function as 0 | 1 | 2 | 3];
            const dot = Math.min(Math.max(taps * cin - 2 * accum, lo), hi);
            yFloat[(r * ow + c) * cout + oc] = Math.fround(mult![oc]! * dot) + bias![oc]!;
          }
        }
    this.set(out, thresholds ? yBits : yFloat);
  }
}

/** int32 range of each LceBconv2d fused_activation_function (NONE, RELU, RELU_N1_TO_1, RELU6). */
const LCE_DOT_RANGE = {
  0: [-2147483648, 2147483647],
  1: [0, 2147483647],
  2: [-1, 1],
  3: [0, 6],
} as const;

/** What one operator's kernel sees: the operator and the helpers `exec` builds for it. */
interface OperatorContext {
  op: TfliteModelView['subgraphs'][0]['operators'][0];
  shapeOf(i: number): number[];
  out: number;
  outShape: number[];
  o: Record<string, unknown>;
  actf(v: number, a: number): number;
  f(i: number): Float32Array;
}

type OperatorKernel = (it: TfliteInterpreter, ctx: OperatorContext) => void;

const runConv2dFamily: OperatorKernel = (it, ctx) => {
  const { op, shapeOf, out, outShape, o, actf, f } = ctx;
  const x = f(0);
  const wts = f(1);
  const bias = op.inputs[2]! >= 0 ? f(2) : null;
  const [, h, w, cin] = shapeOf(op.inputs[0]!) as [number, number, number, number];
  const [, oh, ow, cout] = outShape as [number, number, number, number];
  const fs = shapeOf(op.inputs[1]!);
  const [kh, kw] = [fs[1]!, fs[2]!];
  const dw = op.opName === 'DEPTHWISE_CONV_2D';
  const mult = dw ? cout / cin : 1;
  const [sh, sw, dh, dwl] = [
    o.stride_h as number,
    o.stride_w as number,
    o.dilation_h_factor as number,
    o.dilation_w_factor as number,
  ];
  const [pt, pl] = it.padBefore(o.padding === 0, h, w, kh, kw, sh, sw, dh, dwl);
  const y = new Float32Array(oh * ow * cout);
  for (let r = 0; r < oh; r++)
    for (let c = 0; c < ow; c++)
      for (let oc = 0; oc < cout; oc++) {
        let acc = bias ? bias[oc]! : 0;
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const yy = r * sh + i * dh - pt;
            const xx = c * sw + j * dwl - pl;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            if (dw) acc += x[(yy * w + xx) * cin + Math.floor(oc / mult)]! * wts[(i * kw + j) * cout + oc]!;
            else
              for (let ic = 0; ic < cin; ic++)
                acc += x[(yy * w + xx) * cin + ic]! * wts[((oc * kh + i) * kw + j) * cin + ic]!;
          }
        y[(r * ow + c) * cout + oc] = actf(acc, o.fused_activation_function as number);
      }
  it.set(out, y);
};
const runMaxPool2dFamily: OperatorKernel = (it, ctx) => {
  const { op, shapeOf, out, outShape, o, f } = ctx;
  const x = f(0);
  const [, h, w, ch] = shapeOf(op.inputs[0]!) as [number, number, number, number];
  const [, oh, ow] = outShape as [number, number, number, number];
  const [fh, fw, sh, sw] = [
    o.filter_height as number,
    o.filter_width as number,
    o.stride_h as number,
    o.stride_w as number,
  ];
  const [pt, pl] = it.padBefore(o.padding === 0, h, w, fh, fw, sh, sw, 1, 1);
  const y = new Float32Array(oh * ow * ch);
  for (let r = 0; r < oh; r++)
    for (let c = 0; c < ow; c++)
      for (let k = 0; k < ch; k++) {
        let acc = op.opName === 'MAX_POOL_2D' ? Number.NEGATIVE_INFINITY : 0;
        let n = 0;
        for (let i = 0; i < fh; i++)
          for (let j = 0; j < fw; j++) {
            const yy = r * sh + i - pt;
            const xx = c * sw + j - pl;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            const v = x[(yy * w + xx) * ch + k]!;
            acc = op.opName === 'MAX_POOL_2D' ? Math.max(acc, v) : acc + v;
            n++;
          }
        y[(r * ow + c) * ch + k] = op.opName === 'MAX_POOL_2D' ? acc : acc / n;
      }
  it.set(out, y);
};
const runAddFamily: OperatorKernel = (it, ctx) => {
  const { op, out, o, actf, f } = ctx;
  const a = f(0);
  const b = f(1);
  const y = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const bv = b.length === a.length ? b[i]! : b.length === 1 ? b[0]! : b[i % b.length]!;
    const v =
      op.opName === 'ADD'
        ? a[i]! + bv
        : op.opName === 'SUB'
          ? a[i]! - bv
          : op.opName === 'MUL'
            ? a[i]! * bv
            : op.opName === 'MINIMUM'
              ? Math.min(a[i]!, bv)
              : Math.max(a[i]!, bv);
    y[i] = actf(v, (o.fused_activation_function as number | undefined) ?? 0);
  }
  it.set(out, y);
};
const runQuantizeFamily: OperatorKernel = (it, ctx) => {
  const { out, f } = ctx;
  // Real values throughout: set() rounds to the output's int8 grid when it is INT8.
  it.set(out, Float32Array.from(f(0)));
};
const runReluFamily: OperatorKernel = (it, ctx) => {
  const { op, out, actf, f } = ctx;
  it.set(
    out,
    Float32Array.from(f(0), (v) => actf(v, op.opName === 'RELU' ? 1 : op.opName === 'RELU6' ? 3 : 2)),
  );
};
const runPadFamily: OperatorKernel = (it, ctx) => {
  const { op, shapeOf, out, outShape, f } = ctx;
  const x = it.get(op.inputs[0]!);
  const p = it.get(op.inputs[1]!) as Int32Array;
  const fill = op.opName === 'PADV2' ? f(2)[0]! : 0;
  const [, h, w, ch] = shapeOf(op.inputs[0]!) as [number, number, number, number];
  const [, oh, ow] = outShape as [number, number, number, number];
  const y =
    x instanceof Int32Array ? new Int32Array(oh * ow * ch) : new Float32Array(oh * ow * ch).fill(fill);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++)
      for (let k = 0; k < ch; k++) y[((r + p[2]!) * ow + c + p[4]!) * ch + k] = x[(r * w + c) * ch + k]!;
  it.set(out, y);
};

/**
 * The kernel of every TFLite operator a written file may contain (`TfliteOperatorName`; the writer's `builtin`
 * and `custom` take only these names): a name added to that union without a kernel here does not compile, and
 * the writer cannot emit an operator this interpreter does not know.
 */
const OPERATOR_KERNELS = {
  LceQuantize: (it, ctx) => {
    const { op, shapeOf, out, f } = ctx;
    const x = f(0);
    const c = shapeOf(op.inputs[0]!).at(-1)!;
    const w = Math.ceil(c / 32);
    const n = x.length / c;
    const y = new Int32Array(n * w);
    for (let p = 0; p < n; p++)
      for (let ch = 0; ch < c; ch++) if (x[p * c + ch]! < 0) y[p * w + (ch >> 5)]! |= 1 << (ch & 31);
    it.set(out, y);
  },
  LceDequantize: (it, ctx) => {
    const { op, out, outShape } = ctx;
    const x = it.get(op.inputs[0]!) as Int32Array;
    const c = outShape.at(-1)!;
    const w = Math.ceil(c / 32);
    const n = size(outShape) / c;
    const y = new Float32Array(n * c);
    for (let p = 0; p < n; p++)
      for (let ch = 0; ch < c; ch++) y[p * c + ch] = (x[p * w + (ch >> 5)]! >>> (ch & 31)) & 1 ? -1 : 1;
    it.set(out, y);
  },
  LceBconv2d: (it, ctx) => {
    const { op } = ctx;
    it.bconv(op);
  },
  LceBMaxPool2d: (it, ctx) => {
    const { op, shapeOf, out, outShape } = ctx;
    const opt = op.customOptionsDecoded as Record<string, number>;
    const x = it.get(op.inputs[0]!) as Int32Array;
    const [, h, w, words] = shapeOf(op.inputs[0]!) as [number, number, number, number];
    const [, oh, ow] = outShape as [number, number, number, number];
    const y = new Int32Array(oh * ow * words);
    const [pt, pl] = it.padBefore(
      opt.padding === 0,
      h,
      w,
      opt.filter_height!,
      opt.filter_width!,
      opt.stride_height!,
      opt.stride_width!,
      1,
      1,
    );
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let k = 0; k < words; k++) {
          let acc = -1;
          for (let i = 0; i < opt.filter_height!; i++)
            for (let j = 0; j < opt.filter_width!; j++) {
              const yy = r * opt.stride_height! + i - pt;
              const xx = c * opt.stride_width! + j - pl;
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) acc &= x[(yy * w + xx) * words + k]!;
            }
          y[(r * ow + c) * words + k] = acc;
        }
    it.set(out, y);
  },
  CONV_2D: runConv2dFamily,
  DEPTHWISE_CONV_2D: runConv2dFamily,
  FULLY_CONNECTED: (it, ctx) => {
    const { op, shapeOf, out, o, actf, f } = ctx;
    const x = f(0);
    const wts = f(1);
    const bias = op.inputs[2]! >= 0 ? f(2) : null;
    const [cout, cin] = shapeOf(op.inputs[1]!) as [number, number];
    const y = new Float32Array(cout);
    for (let oc = 0; oc < cout; oc++) {
      let acc = bias ? bias[oc]! : 0;
      for (let i = 0; i < cin; i++) acc += x[i]! * wts[oc * cin + i]!;
      y[oc] = actf(acc, o.fused_activation_function as number);
    }
    it.set(out, y);
  },
  MAX_POOL_2D: runMaxPool2dFamily,
  AVERAGE_POOL_2D: runMaxPool2dFamily,
  MEAN: (it, ctx) => {
    const { op, shapeOf, out, f } = ctx;
    const x = f(0);
    const [, h, w, ch] = shapeOf(op.inputs[0]!) as [number, number, number, number];
    const y = new Float32Array(ch);
    const inT = it.tensor(op.inputs[0]!);
    const outT = it.tensor(out);
    if (inT.type === TensorType.INT8 && outT.type === TensorType.INT8) {
      // int8 MEAN in TFLite's fixed point (its float simulation would differ by a step): int32 sums of the
      // integer values, 1/n folded into the requantisation (bnn-core int8MeanParams).
      const q = (t: TfliteTensorView) => ({
        scale: t.quantization!.scale[0]!,
        zeroPoint: t.quantization!.zeroPoint[0]!,
      });
      const [inQ, outQ] = [q(inT), q(outT)];
      const p = int8MeanParams(inQ, outQ, h * w);
      for (let k = 0; k < ch; k++) {
        let sum = 0;
        for (let i = 0; i < h * w; i++) sum += Math.round(x[i * ch + k]! / inQ.scale) + inQ.zeroPoint;
        const yq = Math.max(-128, Math.min(127, int8MeanElement(sum, h * w, inQ, outQ, p)));
        y[k] = outQ.scale * (yq - outQ.zeroPoint);
      }
      it.set(out, y);
      return;
    }
    for (let p = 0; p < h * w; p++) for (let k = 0; k < ch; k++) y[k]! += x[p * ch + k]!;
    for (let k = 0; k < ch; k++) y[k]! /= h * w;
    it.set(out, y);
  },
  ADD: runAddFamily,
  SUB: runAddFamily,
  MUL: runAddFamily,
  MINIMUM: runAddFamily,
  MAXIMUM: runAddFamily,
  QUANTIZE: runQuantizeFamily,
  DEQUANTIZE: runQuantizeFamily,
  RESHAPE: (it, ctx) => {
    const { op, out } = ctx;
    const x = it.get(op.inputs[0]!);
    it.set(out, x instanceof Int32Array ? Int32Array.from(x) : Float32Array.from(x));
  },
  CONCATENATION: (it, ctx) => {
    const { op, shapeOf, out, outShape } = ctx;
    const parts = op.inputs.map((i) => ({ v: it.get(i) as Float32Array, c: shapeOf(i).at(-1)! }));
    const total = outShape.at(-1)!;
    const n = size(outShape) / total;
    const y = new Float32Array(n * total);
    for (let p = 0; p < n; p++) {
      let off = 0;
      for (const { v, c } of parts) {
        for (let k = 0; k < c; k++) y[p * total + off + k] = v[p * c + k]!;
        off += c;
      }
    }
    it.set(out, y);
  },
  SOFTMAX: (it, ctx) => {
    const { out, f } = ctx;
    const x = f(0);
    const m = Math.max(...x);
    const e = Array.from(x, (v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    it.set(
      out,
      Float32Array.from(e, (v) => v / s),
    );
  },
  RELU: runReluFamily,
  RELU6: runReluFamily,
  RELU_N1_TO_1: runReluFamily,
  PRELU: (it, ctx) => {
    const { out, f } = ctx;
    const x = f(0);
    const alpha = f(1);
    it.set(
      out,
      Float32Array.from(x, (v, i) => (v >= 0 ? v : alpha[i % alpha.length]! * v)),
    );
  },
  PAD: runPadFamily,
  PADV2: runPadFamily,
  HARD_SWISH: (it, ctx) => {
    const { out, f } = ctx;
    it.set(
      out,
      Float32Array.from(f(0), (v) => (v * Math.min(6, Math.max(0, v + 3))) / 6),
    );
  },
} satisfies Record<TfliteOperatorName, OperatorKernel>;
