/**
 * Test support: an independent reference of TensorFlow Lite's int8 reference kernels and Larq Compute Engine's
 * binary ops, written from their definitions (BigInt fixed point, plain loops over one sample) — not the studio's
 * kernels, not bnn-core's int8 math. The importer tests (`import/import-lce.test.ts`) check imported graphs
 * against it; `runTfliteInt8Reference` runs a whole int8 `.tflite` (every operator a `tflite-xcore` file holds)
 * for `xcore-test-split.test.ts` and the exporters bench.
 *
 * Semantics (TFLite `reference_integer_ops` / `reference_ops`, LCE `bconv2d` / `quantize`):
 * - requantisation `MultiplyByQuantizedMultiplier` (`srdhm` + `roundingDivideByPot`), the multiplier from
 *   `QuantizeMultiplier(double)`; conv / depthwise / fully-connected: `double(s_in)·double(s_w[c])/double(s_out)`;
 * - ADD: left shift 20, per-input multipliers `s_i / (2·max(s1, s2))`, output `2·max / float(2^20·s_out)`;
 * - MUL: `(x1 − z1)·(x2 − z2)` requantised by `s1·s2/s_out`; RELU / QUANTIZE (int8 → int8): `(x − z_in)`
 *   requantised by `s_in/s_out`; MEAN over H, W (keep_dims false): `reference_ops::QuantizedMeanOrSum`, what
 *   TFLite's reduce.cc `EvalQuantizedMean` and TFLite Micro's `EvalIntegerMean` run — the int32 sum minus
 *   `z_in·n`, requantised by `QuantizeMultiplier(s_in/s_out)` with 1/n folded in (`k = min(⌊log2 n⌋, 32, 31 + S)`,
 *   `M' = (M << k) / n`, `S' = S − k`), plus `z_out`, saturated (older TFLite builds took
 *   `reference_integer_ops::Mean`, dividing after the requantisation, or a float path: not modelled);
 * - pools over the in-bounds taps (average: C division of `sum ± count/2`);
 * - LceQuantize of int8: bit 1 (−1) where `q < zero_point`; LceBconv2d: `dot = K − 2·popcount`, fused ReLU as
 *   `max(dot, 0)`, int8 output `sat(round(float(float(dot·m') + b')))`, `m' = float(m/s_out)`,
 *   `b' = float(b/s_out + z_out)`; bit-packed output `(K − dot)/2 > threshold` → −1.
 * - HARD_SWISH (int8): `reference_ops::HardSwish` in int16 fixed point with `HardSwishPrepare`'s parameters
 *   (`refHardSwishInt8`: float32 `s_in/128`, multipliers `hires/s_out` and `hires/(3/32768)`, QuantizeMultiplier
 *   then DownScaleInt32ToInt16Multiplier; gemmlowp's int16 rounding doubling high multiply, TFLite's truncating
 *   one, saturating left shifts, the relu-ish factor `(r + 2^15) >> 1`);
 * - SOFTMAX (int8): TFLite's reference fixed-point kernel (`refSoftmaxInt8`, gemmlowp `exp_on_negative_values`,
 *   output scale 1/256, zero point −128).
 */
import type { TfliteModelView, TfliteOperatorView } from './read-tflite.js';
import { TensorType } from './schema.js';

// ---- fixed point ------------------------------------------------------------------------------------------------

const I32_MIN = -2147483648n;
const I32_MAX = 2147483647n;
export function srdhm(a: bigint, b: bigint): bigint {
  if (a === b && a === I32_MIN) return I32_MAX;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return (ab + nudge) / (1n << 31n); // BigInt division truncates toward zero, like C++.
}
export function roundingDivideByPot(x: bigint, e: bigint): bigint {
  const mask = (1n << e) - 1n;
  const rem = x & mask;
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> e) + (rem > threshold ? 1n : 0n);
}
export function quantizeMultiplier(m: number): [bigint, number] {
  if (m === 0) return [0n, 0];
  let exp = Math.floor(Math.log2(m)) + 1;
  let frac = m / 2 ** exp;
  if (frac >= 1) {
    frac /= 2;
    exp += 1;
  } else if (frac < 0.5) {
    frac *= 2;
    exp -= 1;
  }
  let q = BigInt(Math.round(frac * 2 ** 31));
  if (q === 1n << 31n) {
    q /= 2n;
    exp += 1;
  }
  return exp < -31 ? [0n, 0] : [q, exp];
}
/** `MultiplyByQuantizedMultiplier(x, QuantizeMultiplier(m))`; the left shift wraps like the int32 C++ product. */
const multipliers = new Map<number, [bigint, number]>();
export function mulByQuantizedMultiplier(x: number, m: number): number {
  let qs = multipliers.get(m);
  if (!qs) {
    qs = quantizeMultiplier(m);
    multipliers.set(m, qs);
  }
  const [q, shift] = qs;
  const left = shift > 0 ? BigInt(shift) : 0n;
  const right = shift > 0 ? 0n : BigInt(-shift);
  return Number(roundingDivideByPot(srdhm(BigInt.asIntN(32, BigInt(x) * (1n << left)), q), right));
}
export const sat8 = (v: number) => Math.max(-128, Math.min(127, v));
export const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

/** gemmlowp SaturatingRoundingMultiplyByPOT<e>. */
function satMulByPot(x: bigint, e: number): bigint {
  if (e < 0) return roundingDivideByPot(x, BigInt(-e));
  const t = (1n << BigInt(31 - e)) - 1n;
  return x > t ? I32_MAX : x < -t ? I32_MIN : x << BigInt(e);
}
const i32 = (x: bigint) => BigInt.asIntN(32, x);
/** gemmlowp exp_on_negative_values: Q5.26 → Q0.31 (Taylor series around −1/8, then the barrel shifter). */
function expOnNegative(a: bigint): bigint {
  if (a === 0n) return I32_MAX;
  const aMod = i32((BigInt.asUintN(32, a) & ((1n << 24n) - 1n)) - (1n << 24n));
  const x = i32(satMulByPot(aMod, 5) + (1n << 28n));
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const p = satMulByPot(i32(srdhm(i32(satMulByPot(x4, -2) + x3), 715827883n) + x2), -1);
  let r = i32(1895147668n + srdhm(1895147668n, i32(x + p)));
  const rem = BigInt.asUintN(32, i32(aMod - a));
  const muls = [1672461947n, 1302514674n, 790015084n, 290630308n, 39332535n, 720401n, 242n];
  muls.forEach((m, k) => {
    if (rem & (1n << BigInt(24 + k))) r = srdhm(r, m);
  });
  return r;
}
/** TFLite's reference int8 Softmax (Prepare: QuantizeMultiplierGreaterThanOne, CalculateInputRadius). */
export function refSoftmaxInt8(row: number[], beta: number, inScale: number): number[] {
  const [m, shift] = quantizeMultiplier(Math.min(beta * inScale * 2 ** 26, 2 ** 31 - 1));
  const diffMin = -Math.floor((31 * 2 ** 26) / 2 ** shift);
  const max = Math.max(-128, ...row);
  const e = row.map((v) =>
    v - max >= diffMin ? expOnNegative(srdhm(i32(BigInt(v - max) << BigInt(shift)), m)) : null,
  );
  const sum = e.reduce<bigint>((a, v) => (v === null ? a : a + roundingDivideByPot(v, 12n)), 0n);
  const headroom = 32 - sum.toString(2).length;
  const half = (i32((sum << BigInt(headroom)) - (1n << 31n)) + I32_MAX + 1n) / 2n;
  let x = i32(1515870810n + srdhm(half, -1010580540n));
  for (let i = 0; i < 3; i++) x = i32(x + satMulByPot(srdhm(x, i32((1n << 29n) - srdhm(half, x))), 2));
  const recip = satMulByPot(x, 1);
  return e.map((v) =>
    v === null ? -128 : sat8(Number(roundingDivideByPot(srdhm(recip, v), BigInt(12 - headroom + 23))) - 128),
  );
}

// ---- one-sample maps and the per-op references ------------------------------------------------------------------

export interface Map3 {
  h: number;
  w: number;
  c: number;
  d: number[]; // NHWC, one sample
}
export const at = (m: Map3, y: number, x: number, c: number) => m.d[(y * m.w + x) * m.c + c]!;
export function outSize(n: number, k: number, s: number, dil: number, same: boolean) {
  const ext = (k - 1) * dil + 1;
  if (!same) return { out: Math.floor((n - ext) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + ext - n, 0) / 2) };
}
const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** TFLite reference_integer_ops::ConvPerChannel (OHWI filter); `scales` per output channel or one. */
export function refConvInt8(
  x: Map3,
  f: { w: Int8Array; o: number; kh: number; kw: number; scales: number[]; bias: Int32Array | null },
  q: { inS: number; inZ: number; outS: number; outZ: number },
  same: boolean,
  stride: number | [number, number],
  relu: boolean,
  dil: number | [number, number] = 1,
): Map3 {
  const [sh, sw] = pair(stride);
  const [dh, dw] = pair(dil);
  const gh = outSize(x.h, f.kh, sh, dh, same);
  const gw = outSize(x.w, f.kw, sw, dw, same);
  const out: number[] = [];
  for (let oy = 0; oy < gh.out; oy++)
    for (let ox = 0; ox < gw.out; ox++)
      for (let o = 0; o < f.o; o++) {
        let acc = 0;
        for (let ky = 0; ky < f.kh; ky++)
          for (let kx = 0; kx < f.kw; kx++) {
            const iy = oy * sh - gh.before + ky * dh;
            const ix = ox * sw - gw.before + kx * dw;
            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
            for (let i = 0; i < x.c; i++)
              acc += f.w[((o * f.kh + ky) * f.kw + kx) * x.c + i]! * (at(x, iy, ix, i) - q.inZ);
          }
        acc += f.bias ? f.bias[o]! : 0;
        const s = f.scales.length === 1 ? f.scales[0]! : f.scales[o]!;
        const m = (Math.fround(q.inS) * Math.fround(s)) / Math.fround(q.outS);
        let v = sat8(mulByQuantizedMultiplier(acc, m) + q.outZ);
        if (relu) v = Math.max(v, Math.max(-128, q.outZ));
        out.push(v);
      }
  return { h: gh.out, w: gw.out, c: f.o, d: out };
}

/** TFLite reference_integer_ops::DepthwiseConvPerChannel (`[1, KH, KW, C·M]` filter). */
export function refDepthwiseInt8(
  x: Map3,
  f: { w: Int8Array; kh: number; kw: number; mult: number; scales: number[]; bias: Int32Array | null },
  q: { inS: number; inZ: number; outS: number; outZ: number },
  same: boolean,
  stride: [number, number],
  relu: boolean,
  dil: [number, number],
): Map3 {
  const n = x.c * f.mult;
  const gh = outSize(x.h, f.kh, stride[0], dil[0], same);
  const gw = outSize(x.w, f.kw, stride[1], dil[1], same);
  const out: number[] = [];
  for (let oy = 0; oy < gh.out; oy++)
    for (let ox = 0; ox < gw.out; ox++)
      for (let oc = 0; oc < n; oc++) {
        let acc = 0;
        for (let ky = 0; ky < f.kh; ky++)
          for (let kx = 0; kx < f.kw; kx++) {
            const iy = oy * stride[0] - gh.before + ky * dil[0];
            const ix = ox * stride[1] - gw.before + kx * dil[1];
            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
            acc += f.w[(ky * f.kw + kx) * n + oc]! * (at(x, iy, ix, Math.floor(oc / f.mult)) - q.inZ);
          }
        acc += f.bias ? f.bias[oc]! : 0;
        const s = f.scales.length === 1 ? f.scales[0]! : f.scales[oc]!;
        const m = (Math.fround(q.inS) * Math.fround(s)) / Math.fround(q.outS);
        let v = sat8(mulByQuantizedMultiplier(acc, m) + q.outZ);
        if (relu) v = Math.max(v, Math.max(-128, q.outZ));
        out.push(v);
      }
  return { h: gh.out, w: gw.out, c: n, d: out };
}

/** LCE's binary conv on ±1 values (input as signs), one-padding (+1) or zero-padding. Returns the dot per output. */
export function refBconvDots(
  xSigns: Map3,
  f: { bits: number[][]; kh: number; kw: number }, // bits[o][(ky*kw+kx)*cin+i] = 1 for −1
  same: boolean,
  padValue: 0 | 1,
  stride: number | [number, number],
  dil: number | [number, number],
): { h: number; w: number; o: number; dot: number[] } {
  const [sh, sw] = pair(stride);
  const [dh, dw] = pair(dil);
  const gh = outSize(xSigns.h, f.kh, sh, dh, same);
  const gw = outSize(xSigns.w, f.kw, sw, dw, same);
  const dot: number[] = [];
  for (let oy = 0; oy < gh.out; oy++)
    for (let ox = 0; ox < gw.out; ox++)
      for (let o = 0; o < f.bits.length; o++) {
        let s = 0;
        for (let ky = 0; ky < f.kh; ky++)
          for (let kx = 0; kx < f.kw; kx++) {
            const iy = oy * sh - gh.before + ky * dh;
            const ix = ox * sw - gw.before + kx * dw;
            const inside = iy >= 0 && ix >= 0 && iy < xSigns.h && ix < xSigns.w;
            for (let i = 0; i < xSigns.c; i++) {
              const wv = f.bits[o]![(ky * f.kw + kx) * xSigns.c + i] ? -1 : 1;
              const xv = inside ? at(xSigns, iy, ix, i) : padValue === 1 ? 1 : 0;
              s += wv * xv;
            }
          }
        dot.push(s);
      }
  return { h: gh.out, w: gw.out, o: f.bits.length, dot };
}

// ---- int8 HARD_SWISH (TFLite reference_ops::HardSwish, int16 fixed point) ---------------------------------------

const I16_MIN = -32768n;
const I16_MAX = 32767n;
const clamp16 = (v: bigint) => (v < I16_MIN ? I16_MIN : v > I16_MAX ? I16_MAX : v);
/** gemmlowp SaturatingRoundingDoublingHighMul<int16>. */
function srdhm16(a: bigint, b: bigint): bigint {
  if (a === b && a === I16_MIN) return I16_MAX;
  const ab = a * b;
  return (ab + (ab >= 0n ? 1n << 14n : 1n - (1n << 14n))) / (1n << 15n);
}
/** TFLite's SaturatingDoublingHighMul (int16, truncating). */
function sdhm16(a: bigint, b: bigint): bigint {
  if (a === b && a === I16_MIN) return I16_MAX;
  return (a * b) / (1n << 15n);
}
/** TFLite's DownScaleInt32ToInt16Multiplier. */
function downScale16(m: bigint): bigint {
  if (m >= I32_MAX - (1n << 15n)) return I16_MAX;
  return (m + (1n << 15n)) >> 16n;
}

/**
 * int8 HARD_SWISH of `xs` (int8 values) from input (`inS`, `inZ`) to output (`outS`, `outZ`): TFLite's
 * `HardSwishPrepare` + `reference_ops::HardSwish<int8_t>`. Throws where TFLite's Prepare fails (output exponent > 0).
 */
export function refHardSwishInt8(
  xs: number[],
  inS: number,
  inZ: number,
  outS: number,
  outZ: number,
): number[] {
  const hires = Math.fround((1 / 128) * Math.fround(inS));
  const outMul = Math.fround(hires / Math.fround(outS));
  const reluMul = Math.fround(hires / Math.fround(3 / 32768));
  const [oq, oe] = quantizeMultiplier(outMul);
  const [rq, re] = quantizeMultiplier(reluMul);
  if (oe > 0) throw new Error(`reference: HARD_SWISH output multiplier exponent ${oe} > 0 (TFLite refuses)`);
  const om = downScale16(oq);
  const rm = downScale16(rq);
  return xs.map((x) => {
    const v = BigInt(x - inZ) * 128n;
    const pre = srdhm16(v, om);
    let r = v;
    if (re > 0) r = clamp16(r * (1n << BigInt(re - 1)));
    r = srdhm16(r, rm);
    if (re > 0) r = clamp16(r * 2n);
    if (re < 0) r = roundingDivideByPot(r, BigInt(-re));
    r = (r + (1n << 15n)) >> 1n;
    const y = roundingDivideByPot(sdhm16(r, pre), BigInt(-oe)) + BigInt(outZ);
    return sat8(Number(y));
  });
}

// ---- a whole int8 file -------------------------------------------------------------------------------------------

/** Values of a file's tensors for one sample: int8 and int32 tensors as their integers. */
export type ReferenceValues = Map<number, number[]>;

const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

function constant(model: TfliteModelView, i: number): number[] {
  const t = model.subgraphs[0]!.tensors[i]!;
  const data = model.buffers[t.buffer]?.data;
  if (!data) throw new Error(`reference: tensor ${t.name} has no data`);
  const copy = data.slice().buffer;
  if (t.type === TensorType.INT8) return Array.from(new Int8Array(copy));
  if (t.type === TensorType.INT32) return Array.from(new Int32Array(copy));
  if (t.type === TensorType.FLOAT32) return Array.from(new Float32Array(copy));
  throw new Error(`reference: constant ${t.name} of type ${t.type}`);
}

/** Per-tensor int8 quantization of tensor `i` (throws when it has none or is per-channel). */
function q1(model: TfliteModelView, i: number): { s: number; z: number } {
  const t = model.subgraphs[0]!.tensors[i]!;
  const q = t.quantization;
  if (q?.scale.length !== 1) throw new Error(`reference: tensor ${t.name} needs one scale`);
  return { s: q.scale[0]!, z: q.zeroPoint[0] ?? 0 };
}

const ACT_NONE = 0;
const ACT_RELU = 1;
/**
 * LceBconv2d's int32 clamp of the dot per fused_activation_function (NONE, RELU, RELU_N1_TO_1, RELU6): TFLite's
 * integer `CalculateActivationRange`, which LCE's Prepare calls.
 */
const LCE_DOT_RANGES: Record<number, [number, number]> = {
  0: [-(2 ** 31), 2 ** 31 - 1],
  1: [0, 2 ** 31 - 1],
  2: [-1, 1],
  3: [0, 6],
};

/** Real clamp ranges of TFLite's other fused activations (RELU_N1_TO_1 = 2, RELU6 = 3) on builtin int8 ops. */
const ACT_RANGES: Record<number, [number, number]> = { 2: [-1, 1], 3: [0, 6] };

/**
 * TFLite's `CalculateActivationRangeQuantized` for RELU_N1_TO_1 / RELU6: `[max(−128, q(lo)), min(127, q(hi))]` with
 * `q(f) = zp + round(f / scale)` (float32 division, rounding half away from zero).
 */
function fusedRange(act: number, s: number, z: number): [number, number] {
  const [lo, hi] = ACT_RANGES[act]!;
  const q = (f: number) => z + roundAway(Math.fround(f / Math.fround(s)));
  return [Math.max(-128, q(lo)), Math.min(127, q(hi))];
}

/**
 * Runs an int8 `.tflite` (batch 1) on one int8 input sample with the reference above, operator by operator.
 * Refuses (throws, naming the operator) what TFLite or LCE would refuse: a non-int8 activation tensor, DEQUANTIZE
 * to a non-float output, fused activations other than NONE / RELU (RELU_N1_TO_1 / RELU6 on builtin int8 ops and on
 * LceBconv2d), an LceBconv2d with SAME zero-padding and a fused activation. Returns every computed tensor's values; `softmaxInput` is the tensor the (last) SOFTMAX reads
 * (the logits), if the file has one.
 */
export function runTfliteInt8Reference(
  model: TfliteModelView,
  input: ArrayLike<number>,
): { values: ReferenceValues; softmaxInput: number | null } {
  const sg = model.subgraphs[0]!;
  const values: ReferenceValues = new Map([[sg.inputs[0]!, Array.from(input)]]);
  const tensor = (i: number) => sg.tensors[i]!;
  const get = (i: number) => values.get(i) ?? constant(model, i);
  let softmaxInput: number | null = null;
  for (let index = 0; index < sg.operators.length; index++) {
    const op = sg.operators[index]!;
    const name = `operator ${index} (${op.opName})`;
    if (op.opName === 'SOFTMAX') softmaxInput = op.inputs[0]!;
    const out = op.outputs[0]!;
    const outT = tensor(out);
    const o = op.builtinOptions ?? {};
    const act = (o.fused_activation_function as number | undefined) ?? ACT_NONE;
    if (act !== ACT_NONE && act !== ACT_RELU && !(act in ACT_RANGES && outT.type === TensorType.INT8))
      throw new Error(`reference: ${name} fused activation ${act}`);
    const map3 = (i: number): Map3 => {
      const s = tensor(i).shape;
      return { h: s[1]!, w: s[2]!, c: s[3]!, d: get(i) };
    };
    const y = runOperator(model, op, name, { get, map3, tensor, act, o, outT });
    if (act in ACT_RANGES) {
      const { s, z } = q1(model, out);
      const [lo, hi] = fusedRange(act, s, z);
      for (let i = 0; i < y.length; i++) y[i] = Math.min(hi, Math.max(lo, y[i]!));
    }
    values.set(out, y);
  }
  return { values, softmaxInput };
}

interface OpEnv {
  get: (i: number) => number[];
  map3: (i: number) => Map3;
  tensor: (i: number) => TfliteModelView['subgraphs'][0]['tensors'][0];
  act: number;
  o: Record<string, number | number[]>;
  outT: TfliteModelView['subgraphs'][0]['tensors'][0];
}

function runOperator(model: TfliteModelView, op: TfliteOperatorView, name: string, env: OpEnv): number[] {
  const { get, map3, tensor, act, o, outT } = env;
  const int8 = (i: number) => {
    if (tensor(i).type !== TensorType.INT8)
      throw new Error(`reference: ${name} tensor ${tensor(i).name} is not int8`);
    return q1(model, i);
  };
  const [x0, x1] = [op.inputs[0]!, op.inputs[1]!];
  switch (op.opName) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const qi = int8(x0);
      const qo = int8(op.outputs[0]!);
      const ft = tensor(x1);
      const fq = ft.quantization!;
      if (fq.zeroPoint.some((z) => z !== 0)) throw new Error(`reference: ${name} filter zero point`);
      const w = Int8Array.from(get(x1));
      const bias = op.inputs[2]! >= 0 ? Int32Array.from(get(op.inputs[2]!)) : null;
      const same = o.padding === 0;
      const stride: [number, number] = [o.stride_h as number, o.stride_w as number];
      const dil: [number, number] = [
        (o.dilation_h_factor as number | undefined) ?? 1,
        (o.dilation_w_factor as number | undefined) ?? 1,
      ];
      const q = { inS: qi.s, inZ: qi.z, outS: qo.s, outZ: qo.z };
      const x = map3(x0);
      if (op.opName === 'CONV_2D') {
        const [oc, kh, kw] = ft.shape as [number, number, number];
        return refConvInt8(
          x,
          { w, o: oc, kh, kw, scales: fq.scale, bias },
          q,
          same,
          stride,
          act === ACT_RELU,
          dil,
        ).d;
      }
      const [, kh, kw, n] = ft.shape as [number, number, number, number];
      return refDepthwiseInt8(
        x,
        { w, kh, kw, mult: n / x.c, scales: fq.scale, bias },
        q,
        same,
        stride,
        act === ACT_RELU,
        dil,
      ).d;
    }
    case 'FULLY_CONNECTED': {
      const qi = int8(x0);
      const qo = int8(op.outputs[0]!);
      const ft = tensor(x1);
      const [cout, cin] = ft.shape as [number, number];
      const x = get(x0);
      const w = get(x1);
      const bias = op.inputs[2]! >= 0 ? get(op.inputs[2]!) : null;
      const scales = ft.quantization!.scale;
      const y: number[] = [];
      for (let c = 0; c < cout; c++) {
        let acc = bias ? bias[c]! : 0;
        for (let i = 0; i < cin; i++) acc += w[c * cin + i]! * (x[i]! - qi.z);
        const s = scales.length === 1 ? scales[0]! : scales[c]!;
        const m = (Math.fround(qi.s) * Math.fround(s)) / Math.fround(qo.s);
        let v = sat8(mulByQuantizedMultiplier(acc, m) + qo.z);
        if (act === ACT_RELU) v = Math.max(v, Math.max(-128, qo.z));
        y.push(v);
      }
      return y;
    }
    case 'ADD':
    case 'MUL': {
      const [qa, qb, qo] = [int8(x0), int8(x1), int8(op.outputs[0]!)];
      const a = get(x0);
      const b = get(x1);
      const n = product(outT.shape);
      const bAt = (i: number) => (b.length === n ? b[i]! : b.length === 1 ? b[0]! : b[i % b.length]!);
      const lo = act === ACT_RELU ? Math.max(-128, qo.z) : -128;
      const y: number[] = [];
      if (op.opName === 'MUL') {
        const m = (Math.fround(qa.s) * Math.fround(qb.s)) / Math.fround(qo.s);
        for (let i = 0; i < n; i++) {
          const v = mulByQuantizedMultiplier((a[i]! - qa.z) * (bAt(i) - qb.z), m) + qo.z;
          y.push(Math.max(lo, sat8(v)));
        }
        return y;
      }
      const twiceMax = 2 * Math.max(Math.fround(qa.s), Math.fround(qb.s));
      const m1 = Math.fround(qa.s) / twiceMax;
      const m2 = Math.fround(qb.s) / twiceMax;
      const mo = twiceMax / Math.fround(2 ** 20 * Math.fround(qo.s));
      for (let i = 0; i < n; i++) {
        const s1 = mulByQuantizedMultiplier((a[i]! - qa.z) * 2 ** 20, m1);
        const s2 = mulByQuantizedMultiplier((bAt(i) - qb.z) * 2 ** 20, m2);
        y.push(Math.max(lo, sat8(mulByQuantizedMultiplier(s1 + s2, mo) + qo.z)));
      }
      return y;
    }
    case 'RELU':
    case 'QUANTIZE': {
      const [qi, qo] = [int8(x0), int8(op.outputs[0]!)];
      const m = Math.fround(qi.s) / Math.fround(qo.s);
      const lo = op.opName === 'RELU' ? Math.max(-128, qo.z) : -128;
      return get(x0).map((v) => Math.max(lo, sat8(mulByQuantizedMultiplier(v - qi.z, m) + qo.z)));
    }
    case 'HARD_SWISH': {
      const [qi, qo] = [int8(x0), int8(op.outputs[0]!)];
      return refHardSwishInt8(get(x0), qi.s, qi.z, qo.s, qo.z);
    }
    case 'DEQUANTIZE':
      // TFLite's DEQUANTIZE writes float32 only; an int8 output would be refused in Prepare.
      throw new Error(
        `reference: ${name} writes ${outT.type === TensorType.INT8 ? 'int8' : outT.type}, not float32`,
      );
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const qi = int8(x0);
      const qo = int8(op.outputs[0]!);
      if (qi.s !== qo.s || qi.z !== qo.z) throw new Error(`reference: ${name} changes the quantization`);
      const x = map3(x0);
      const [fh, fw, sh, sw] = [o.filter_height, o.filter_width, o.stride_h, o.stride_w] as number[];
      const gh = outSize(x.h, fh!, sh!, 1, o.padding === 0);
      const gw = outSize(x.w, fw!, sw!, 1, o.padding === 0);
      const lo = act === ACT_RELU ? Math.max(-128, qo.z) : -128;
      const y: number[] = [];
      for (let oy = 0; oy < gh.out; oy++)
        for (let ox = 0; ox < gw.out; ox++)
          for (let c = 0; c < x.c; c++) {
            let acc = op.opName === 'MAX_POOL_2D' ? -128 : 0;
            let count = 0;
            for (let ky = 0; ky < fh!; ky++)
              for (let kx = 0; kx < fw!; kx++) {
                const iy = oy * sh! - gh.before + ky;
                const ix = ox * sw! - gw.before + kx;
                if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
                const v = at(x, iy, ix, c);
                acc = op.opName === 'MAX_POOL_2D' ? Math.max(acc, v) : acc + v;
                count++;
              }
            if (op.opName === 'AVERAGE_POOL_2D')
              acc = Math.trunc(
                acc > 0 ? (acc + Math.trunc(count / 2)) / count : (acc - Math.trunc(count / 2)) / count,
              );
            y.push(Math.max(lo, sat8(acc)));
          }
      return y;
    }
    case 'MEAN': {
      const [qi, qo] = [int8(x0), int8(op.outputs[0]!)];
      const axes = get(x1);
      if (axes.join() !== '1,2') throw new Error(`reference: ${name} over axes ${axes.join()} (1,2 only)`);
      if (o.keep_dims) throw new Error(`reference: ${name} keep_dims (TFLite's optimized int8 kernel path)`);
      const x = map3(x0);
      const n = BigInt(x.h * x.w);
      // Prepare: QuantizeMultiplier(double(s_in) / double(s_out)); Eval folds 1/n into it (int64 arithmetic).
      const [m, shift] = quantizeMultiplier(qi.s / qo.s);
      let k = BigInt(n.toString(2).length - 1); // 63 − CountLeadingZeros(n)
      if (k > 32n) k = 32n;
      if (k > BigInt(31 + shift)) k = BigInt(31 + shift);
      const mk = (m << k) / n;
      const sk = shift - Number(k);
      const y: number[] = [];
      for (let c = 0; c < x.c; c++) {
        let sum = 0n;
        for (let p = 0; p < x.h * x.w; p++) sum += BigInt(x.d[p * x.c + c]!);
        const shifted = BigInt.asIntN(32, sum - BigInt(qi.z) * n);
        const left = sk > 0 ? BigInt(sk) : 0n;
        const right = sk > 0 ? 0n : BigInt(-sk);
        const v = roundingDivideByPot(srdhm(BigInt.asIntN(32, shifted << left), mk), right);
        y.push(sat8(Number(v) + qo.z));
      }
      return y;
    }
    case 'RESHAPE':
      return get(x0).slice();
    case 'SOFTMAX': {
      const [qi, qo] = [int8(x0), int8(op.outputs[0]!)];
      // TFLite's int8 Prepare: the output is fixed at scale 1/256, zero point −128.
      if (qo.z !== -128 || qo.s !== 1 / 256)
        throw new Error(`reference: ${name} output quantization ${qo.s}, ${qo.z}`);
      const x = get(x0);
      const depth = tensor(x0).shape.at(-1)!;
      const y: number[] = [];
      for (let r = 0; r < x.length; r += depth)
        y.push(...refSoftmaxInt8(x.slice(r, r + depth), o.beta as number, qi.s));
      return y;
    }
    case 'PAD': {
      const x = get(x0);
      const pads = get(x1);
      const s = tensor(x0).shape;
      if (pads[0] !== 0 || pads[1] !== 0 || pads[6] !== 0 || pads[7] !== 0)
        throw new Error(`reference: ${name} pads the batch or channel axis`);
      const [, oh, ow, c] = outT.shape as [number, number, number, number];
      const pad0 = tensor(x0).type === TensorType.INT8 ? q1(model, x0).z : 0;
      const y = new Array<number>(oh * ow * c).fill(pad0);
      for (let iy = 0; iy < s[1]!; iy++)
        for (let ix = 0; ix < s[2]!; ix++)
          for (let k = 0; k < c; k++)
            y[((iy + pads[2]!) * ow + ix + pads[4]!) * c + k] = x[(iy * s[2]! + ix) * c + k]!;
      return y;
    }
    case 'LceQuantize': {
      const qi = int8(x0);
      const x = get(x0);
      const c = tensor(x0).shape.at(-1)!;
      const words = Math.ceil(c / 32);
      const y = new Array<number>((x.length / c) * words).fill(0);
      for (let p = 0; p < x.length / c; p++)
        for (let k = 0; k < c; k++) if (x[p * c + k]! < qi.z) y[p * words + (k >> 5)]! |= 1 << (k & 31);
      return y;
    }
    case 'LceBconv2d':
      return lceBconv2d(model, op, name, env);
    default:
      throw new Error(`reference: ${name} is not modelled`);
  }
}

function lceBconv2d(model: TfliteModelView, op: TfliteOperatorView, name: string, env: OpEnv): number[] {
  const { get, tensor, outT } = env;
  const opt = op.customOptionsDecoded as Record<string, number>;
  const cin = opt.channels_in!;
  const [, h, w] = tensor(op.inputs[0]!).shape as [number, number, number, number];
  const [cout, kh, kw, words] = tensor(op.inputs[1]!).shape as [number, number, number, number];
  const unpack = (v: number[], rows: number): number[] => {
    const d: number[] = [];
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < cin; k++) d.push((v[r * words + (k >> 5)]! >>> (k & 31)) & 1);
    return d;
  };
  const xBits = unpack(get(op.inputs[0]!), h * w);
  const fBits = unpack(get(op.inputs[1]!), cout * kh * kw);
  const bits = Array.from({ length: cout }, (_, c) =>
    fBits.slice(c * kh * kw * cin, (c + 1) * kh * kw * cin),
  );
  const same = opt.padding === 0;
  // LCE: the int32 dot clamped to TFLite's integer CalculateActivationRange of the fused activation.
  const range = LCE_DOT_RANGES[opt.fused_activation_function!];
  if (!range) throw new Error(`reference: ${name} fused activation ${opt.fused_activation_function}`);
  const [lo, hi] = range;
  if (same && opt.pad_values === 0 && opt.fused_activation_function !== ACT_NONE)
    throw new Error(`reference: ${name} SAME zero-padding with a fused activation (LCE refuses it)`);
  const d = refBconvDots(
    { h, w, c: cin, d: xBits.map((b) => (b ? -1 : 1)) },
    { bits, kh, kw },
    same,
    opt.pad_values === 1 ? 1 : 0,
    [opt.stride_height!, opt.stride_width!],
    [opt.dilation_height_factor!, opt.dilation_width_factor!],
  );
  const K = kh * kw * cin;
  if (outT.type === TensorType.INT32) {
    const th = get(op.inputs[4]!);
    const oWords = Math.ceil(cout / 32);
    const y = new Array<number>(d.h * d.w * oWords).fill(0);
    d.dot.forEach((dot, i) => {
      const p = Math.floor(i / cout);
      const c = i % cout;
      if ((K - dot) / 2 > th[c]!) y[p * oWords + (c >> 5)]! |= 1 << (c & 31);
    });
    return y;
  }
  if (outT.type !== TensorType.INT8)
    throw new Error(`reference: ${name} writes a float output (int8 files only)`);
  const qo = q1(model, op.outputs[0]!);
  const mul = get(op.inputs[2]!);
  const bias = get(op.inputs[3]!);
  return d.dot.map((dot, i) => {
    const c = i % cout;
    const m = Math.fround(mul[c]! / Math.fround(qo.s));
    const b = Math.fround(bias[c]! / Math.fround(qo.s) + qo.z);
    // (| 0: an int8 has no −0, which rounding a small negative float gives)
    return sat8(roundAway(Math.fround(Math.fround(Math.min(Math.max(dot, lo), hi) * m) + b))) | 0;
  });
}
