/**
 * What every op's C emitter shares: the constant-data emitter (`Emitter`), the per-op context (`CEmitContext`)
 * and the C spellings of windows, activations, paddings and output transforms. The emitters themselves live
 * per op family (`binary.ts`, `float-conv.ts`, `elementwise.ts`); `table.ts` lists them.
 */
import {
  type DeployOpKind,
  type DeployOpOf,
  type DeployTensor,
  DOT_CLAMP_RANGE,
  type DotClamp,
  type FloatActivation,
  type OutputTransform,
  type Padding,
  type Window2d,
  window2d,
} from '@bnn-studio/bnn-core';
import { cFloatArray, cI8Array, cI32, cI32Array, cIdent, cU32Array } from '../c-literals.js';

/** Collects the model's constant arrays and parameter structs (flash), counting each layer's bytes. */
export class Emitter {
  data: string[] = [];
  constBytes = 0;
  layerBytes = 0;
  private used = new Set<string>();

  name(base: string): string {
    let n = cIdent(base);
    for (let i = 2; this.used.has(n); i++) n = `${cIdent(base)}_${i}`;
    this.used.add(n);
    return n;
  }

  floats(base: string, values: Float32Array): string {
    const n = this.name(base);
    this.data.push(`static const float ${n}[${values.length}] BNN_ALIGN(8) = {\n${cFloatArray(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  words(base: string, values: Int32Array): string {
    const n = this.name(base);
    this.data.push(`static const uint32_t ${n}[${values.length}] BNN_ALIGN(8) = {\n${cU32Array(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  int8s(base: string, values: Int8Array): string {
    const n = this.name(base);
    this.data.push(`static const int8_t ${n}[${values.length}] BNN_ALIGN(8) = {\n${cI8Array(values)}\n};`);
    this.layerBytes += values.length;
    return n;
  }

  ints(base: string, values: Int32Array): string {
    const n = this.name(base);
    this.data.push(`static const int32_t ${n}[${values.length}] BNN_ALIGN(8) = {\n${cI32Array(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  params(type: string, base: string, body: string): string {
    const n = this.name(base);
    this.data.push(`static const ${type} ${n} = ${body};`);
    return n;
  }
}

/** One op as its emitter sees it (the graph was validated by `checkDeployGraph`). */
export interface CEmitContext {
  e: Emitter;
  /** Prefix of this layer's constant names, `l<index>_<node>`. */
  prefix: string;
  inT: DeployTensor;
  outT: DeployTensor;
  tensor(id: string): DeployTensor;
  /** Arena pointers of a tensor: `BNN_F32(offset)`, `BNN_U32(offset)`, `BNN_PTR(offset)`. */
  F(id: string): string;
  U(id: string): string;
  P(id: string): string;
  /** Arena offset of this op's scratch (ops with `scratchBytes`). */
  scratch: number | undefined;
  /** Elements of the output. */
  n: number;
}

/** The tensors an op reads and writes (for scratch sizes that depend on shapes). */
export interface CTensorsOf {
  inT: DeployTensor;
  outT: DeployTensor;
}

/** How one op kind becomes C: its call in `bnn_invoke` (constants go to `c.e`), and its scratch bytes. */
export interface CKernel<K extends DeployOpKind> {
  emit(op: DeployOpOf<K>, c: CEmitContext): string;
  scratchBytes?(op: DeployOpOf<K>, io: CTensorsOf): number;
}

export const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
export const words = (c: number) => Math.ceil(c / 32);
/** Positions (all dimensions but the last) and channels of a tensor. */
export const pixels = (t: DeployTensor) => prod(t.shape.slice(0, -1));
export const chans = (t: DeployTensor) => t.shape[t.shape.length - 1] ?? 1;

export const act = (a: FloatActivation) => (a === 'relu' ? 'BNN_ACT_RELU' : 'BNN_ACT_NONE');

/** The window of an op over its `[H, W, C]` input (bnn-core's one copy of TensorFlow's arithmetic). */
export function windowOf(
  inShape: number[],
  k: [number, number],
  s: [number, number],
  d: [number, number],
  padding: Padding,
): Window2d {
  return window2d(inShape[0]!, inShape[1]!, k, s, d, padding);
}

export function cWindow(w: Window2d, k: [number, number], s: [number, number], d: [number, number]): string {
  return (
    `{.in_h = ${w.inH}, .in_w = ${w.inW}, .out_h = ${w.outH}, .out_w = ${w.outW}, .k_h = ${k[0]}, .k_w = ${k[1]}, ` +
    `.stride_h = ${s[0]}, .stride_w = ${s[1]}, .dil_h = ${d[0]}, .dil_w = ${d[1]}, .pad_top = ${w.padTop}, ` +
    `.pad_left = ${w.padLeft}}`
  );
}

export function transformInit(e: Emitter, prefix: string, t: OutputTransform): string {
  if (t.kind === 'bitpacked') {
    const th = e.ints(`${prefix}_thresholds`, t.thresholds);
    return (
      `{.bitpacked = 1, .thresholds = ${th}, ${dotClampInit('none')}, .multiplier = NULL, .bias = NULL, ` +
      '.activation = 0}'
    );
  }
  const m = e.floats(`${prefix}_multiplier`, t.multiplier);
  const b = e.floats(`${prefix}_bias`, t.bias);
  return (
    `{.bitpacked = 0, .thresholds = NULL, ${dotClampInit(t.clamp)}, .multiplier = ${m}, ` +
    `.bias = ${b}, .activation = ${act(t.activation)}}`
  );
}

/** The `bnn_output_transform` fields of a dot clamp: its int32 range from bnn-core's `DOT_CLAMP_RANGE`. */
export function dotClampInit(clamp: DotClamp): string {
  const [lo, hi] = DOT_CLAMP_RANGE[clamp];
  return `.clamp = ${clamp === 'none' ? 0 : 1}, .clamp_min = ${cI32(lo)}, .clamp_max = ${cI32(hi)}`;
}

export function binaryPad(op: { padding: Padding; padValue: 0 | 1 }): string {
  if (op.padding === 'valid') return 'BNN_PAD_VALID';
  return op.padValue === 1 ? 'BNN_PAD_ONE' : 'BNN_PAD_ZERO';
}
