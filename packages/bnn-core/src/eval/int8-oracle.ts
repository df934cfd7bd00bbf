/**
 * The int8 ops of the deploy-graph oracle (`evaluateDeployGraphFloat`), written as plain loops over the
 * definitions (TFLite's reference integer kernels, LCE's int8 output transform) with bnn-core's fixed-point
 * primitives (`math/int8.ts`). The oracle holds an int8 tensor as a Float32Array of its integer values q
 * (exact), bit-packed tensors as ±1 floats.
 */
import type { DeployOpOf, FloatActivation, Int8Constant, Int8Quant } from '../deploy/deploy-types.js';
import { clampDot } from '../deploy/ops/common.js';
import { int8HardSwishElement, int8HardSwishParams, isHardSwishRefusal } from '../math/hard-swish.js';
import {
  bconvInt8Effective,
  bconvInt8Value,
  channelMultipliers,
  clampInt,
  dequantizeInt8,
  int8ActivationRange,
  int8AddElement,
  int8AddParams,
  int8MeanElement,
  int8MeanParams,
  int8MulElement,
  int8MulParams,
  int8RequantizeElement,
  int8RequantizeParams,
  int8SoftmaxParams,
  int8SoftmaxRow,
  multiplyByQuantizedMultiplier,
  quantizeToInt8,
  roundedAverage,
} from '../math/int8.js';
import { axisWindow } from '../math/window.js';
import * as F from './float-ops.js';

/** What an int8 oracle kernel sees of one sample. */
export interface Int8OracleArgs {
  ins: Float32Array[];
  inShape: number[];
  outShape: number[];
  /** Quantization of each input (int8 inputs only). */
  inQuant: (Int8Quant | undefined)[];
  /** Quantization of the output (int8 output only). */
  outQuant: Int8Quant | undefined;
  /** The op's packed filter as ±1 floats, `rows × inner`. */
  unpack(rows: number, inner: number): Float32Array;
}

type Int8Kind =
  | 'int8_quantize'
  | 'int8_dequantize'
  | 'int8_bitpack'
  | 'int8_conv2d'
  | 'int8_depthwise_conv2d'
  | 'int8_dense'
  | 'int8_add'
  | 'int8_maxpool2d'
  | 'int8_avgpool2d'
  | 'int8_bconv2d'
  | 'int8_softmax'
  | 'int8_mul'
  | 'int8_requantize'
  | 'int8_hard_swish'
  | 'int8_mean';

type Int8OracleKernel<K extends Int8Kind> = (op: DeployOpOf<K>, a: Int8OracleArgs) => Float32Array;

/** Requantizes int32 accumulators per output channel and clamps (TFLite's per-channel output stage). */
function requantize(
  acc: Float64Array,
  n: number,
  inQ: Int8Quant,
  filterScales: Float32Array,
  outQ: Int8Quant,
  bias: Int32Array | null,
  activation: FloatActivation,
): Float32Array {
  const { multipliers, shifts } = channelMultipliers(inQ.scale, filterScales, outQ.scale);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  const y = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const c = i % n;
    const a = acc[i]! + (bias ? bias[c]! : 0);
    y[i] = clampInt(multiplyByQuantizedMultiplier(a, multipliers[c]!, shifts[c]!) + outQ.zeroPoint, lo, hi);
  }
  return y;
}

function pool(
  op: DeployOpOf<'int8_maxpool2d' | 'int8_avgpool2d'>,
  { ins, inShape }: Int8OracleArgs,
): Float32Array {
  const x = ins[0]!;
  const [h, w, c] = inShape as [number, number, number];
  const gy = axisWindow(h, op.pool[0], op.strides[0], 1, op.padding);
  const gx = axisWindow(w, op.pool[1], op.strides[1], 1, op.padding);
  const y = new Float32Array(gy.out * gx.out * c);
  for (let oy = 0; oy < gy.out; oy++) {
    for (let ox = 0; ox < gx.out; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = op.op === 'int8_maxpool2d' ? -Infinity : 0;
        let count = 0;
        for (let ky = 0; ky < op.pool[0]; ky++) {
          const iy = oy * op.strides[0] + ky - gy.padBefore;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < op.pool[1]; kx++) {
            const ix = ox * op.strides[1] + kx - gx.padBefore;
            if (ix < 0 || ix >= w) continue;
            const v = x[(iy * w + ix) * c + ch]!;
            acc = op.op === 'int8_maxpool2d' ? Math.max(acc, v) : acc + v;
            count++;
          }
        }
        y[(oy * gx.out + ox) * c + ch] = op.op === 'int8_maxpool2d' ? acc : roundedAverage(acc, count);
      }
    }
  }
  return y;
}

/** The two operands of an element-wise int8 op: a second tensor, or a constant broadcast along the last axis. */
function operands(constant: Int8Constant | null | undefined, { ins, inShape, inQuant }: Int8OracleArgs) {
  const x = ins[0]!;
  if (!constant) return { x, y: (i: number) => ins[1]![i]!, qx: inQuant[0]!, qy: inQuant[1]! };
  const c = inShape[inShape.length - 1]!;
  const v = constant.values;
  return { x, y: (i: number) => v[v.length === 1 ? 0 : i % c]!, qx: inQuant[0]!, qy: constant.quant };
}

export const INT8_ORACLE = {
  int8_quantize: (_op, { ins, outQuant }) => ins[0]!.map((v) => quantizeToInt8(v, outQuant!)),
  int8_dequantize: (_op, { ins, inQuant }) => ins[0]!.map((v) => dequantizeInt8(v, inQuant[0]!)),
  int8_bitpack: (_op, { ins, inQuant }) => ins[0]!.map((v) => (v < inQuant[0]!.zeroPoint ? -1 : 1)),
  int8_conv2d: (op, { ins, inShape, outShape, inQuant, outQuant }) => {
    const x = ins[0]!;
    const inQ = inQuant[0]!;
    const [kh, kw] = op.kernel;
    const cin = op.inChannels;
    const cout = op.outChannels;
    const g = F.convGeometry(inShape, cin, op);
    const acc = new Float64Array(outShape[0]! * outShape[1]! * cout);
    F.forEachTap(g, (o, iy, ix, ky, kx, inside) => {
      if (!inside) return; // TFLite skips taps outside the input (padding reads the zero point)
      for (let co = 0; co < cout; co++) {
        let s = 0;
        for (let ci = 0; ci < cin; ci++) {
          s +=
            op.filter[((co * kh + ky) * kw + kx) * cin + ci]! *
            (x[(iy * g.w + ix) * cin + ci]! - inQ.zeroPoint);
        }
        acc[o * cout + co]! += s;
      }
    });
    return requantize(acc, cout, inQ, op.filterScales, outQuant!, op.bias, op.activation);
  },
  int8_depthwise_conv2d: (op, { ins, inShape, outShape, inQuant, outQuant }) => {
    const x = ins[0]!;
    const inQ = inQuant[0]!;
    const kw = op.kernel[1];
    const ch = op.channels;
    const m = op.depthMultiplier;
    const n = ch * m;
    const g = F.convGeometry(inShape, ch, op);
    const acc = new Float64Array(outShape[0]! * outShape[1]! * n);
    F.forEachTap(g, (o, iy, ix, ky, kx, inside) => {
      if (!inside) return;
      for (let oc = 0; oc < n; oc++) {
        const ic = Math.floor(oc / m);
        acc[o * n + oc]! +=
          op.filter[(ky * kw + kx) * n + oc]! * (x[(iy * g.w + ix) * ch + ic]! - inQ.zeroPoint);
      }
    });
    return requantize(acc, n, inQ, op.filterScales, outQuant!, op.bias, op.activation);
  },
  int8_dense: (op, { ins, inQuant, outQuant }) => {
    const x = ins[0]!;
    const inQ = inQuant[0]!;
    const acc = new Float64Array(op.outChannels);
    for (let o = 0; o < op.outChannels; o++) {
      let s = 0;
      for (let i = 0; i < op.inChannels; i++)
        s += op.weights[o * op.inChannels + i]! * (x[i]! - inQ.zeroPoint);
      acc[o] = s;
    }
    return requantize(acc, op.outChannels, inQ, op.filterScales, outQuant!, op.bias, op.activation);
  },
  int8_add: (op, a) => {
    const { x, y, qx, qy } = operands(op.constant, a);
    const p = int8AddParams(qx, qy, a.outQuant!);
    const [lo, hi] = int8ActivationRange(op.activation, a.outQuant!);
    return x.map((v, i) => clampInt(int8AddElement(v, y(i), p), lo, hi));
  },
  int8_mul: (op, a) => {
    const { x, y, qx, qy } = operands(op.constant, a);
    const p = int8MulParams(qx, qy, a.outQuant!);
    const [lo, hi] = int8ActivationRange(op.activation, a.outQuant!);
    return x.map((v, i) =>
      clampInt(int8MulElement(v, y(i), qx.zeroPoint, qy.zeroPoint, p, a.outQuant!.zeroPoint), lo, hi),
    );
  },
  int8_maxpool2d: pool,
  int8_avgpool2d: pool,
  int8_bconv2d: (op, { ins, inShape, outShape, outQuant, unpack }) => {
    const x = ins[0]!;
    const [kh, kw] = op.kernel;
    const cin = op.inChannels;
    const cout = op.outChannels;
    const f = unpack(cout * kh * kw, cin); // OHWI ±1
    const g = F.convGeometry(inShape, cin, op);
    const dot = new Float64Array(outShape[0]! * outShape[1]! * cout);
    F.forEachTap(g, (o, iy, ix, ky, kx, inside) => {
      // One-padding: out-of-bounds taps read +1 (zero-padding is refused by the contract).
      for (let co = 0; co < cout; co++) {
        const fb = ((co * kh + ky) * kw + kx) * cin;
        let s = 0;
        for (let ci = 0; ci < cin; ci++) s += (inside ? x[(iy * g.w + ix) * cin + ci]! : 1) * f[fb + ci]!;
        dot[o * cout + co]! += s;
      }
    });
    const eff = bconvInt8Effective(op.multiplier, op.bias, outQuant!);
    const y = new Float32Array(dot.length);
    for (let i = 0; i < y.length; i++) {
      const c = i % cout;
      const d = clampDot(dot[i]!, op.clamp);
      y[i] = bconvInt8Value(d, eff.multiplier[c]!, eff.bias[c]!);
    }
    return y;
  },
  int8_softmax: (op, { ins, inShape, inQuant }) => {
    const x = ins[0]!;
    const depth = inShape[inShape.length - 1]!;
    const p = int8SoftmaxParams(op.beta, inQuant[0]!.scale)!;
    const y = new Float32Array(x.length);
    for (let r = 0; r < x.length; r += depth) int8SoftmaxRow(x, y, r, depth, p);
    return y;
  },
  int8_requantize: (op, { ins, inQuant, outQuant }) => {
    const p = int8RequantizeParams(inQuant[0]!, outQuant!);
    return ins[0]!.map((v) => clampInt(int8RequantizeElement(v, inQuant[0]!, outQuant!, p), op.min, op.max));
  },
  int8_hard_swish: (_op, { ins, inQuant, outQuant }) => {
    const p = int8HardSwishParams(inQuant[0]!, outQuant!);
    if (isHardSwishRefusal(p)) throw new Error(`int8_hard_swish: ${p.error}`);
    return ins[0]!.map((v) => int8HardSwishElement(v, p));
  },
  int8_mean: (_op, { ins, inShape, inQuant, outQuant }) => {
    const c = inShape[2]!;
    const n = inShape[0]! * inShape[1]!;
    const p = int8MeanParams(inQuant[0]!, outQuant!, n);
    const y = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += ins[0]![i * c + k]!;
      y[k] = clampInt(int8MeanElement(sum, n, inQuant[0]!, outQuant!, p), -128, 127);
    }
    return y;
  },
} satisfies { [K in Int8Kind]: Int8OracleKernel<K> };
