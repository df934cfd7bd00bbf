/**
 * What one deploy op is, written once: its attribute types (in the op's own file), how many inputs it takes,
 * its output-shape rule and its structural check. `DEPLOY_OPS` (./table.ts) lists every op's contract;
 * `checkDeployGraph` runs them, and every executor and exporter calls `checkDeployGraph` instead of restating
 * the rules.
 */
import { type Window2d, window2d } from '../../math/window.js';
import {
  DOT_CLAMP_RANGE,
  DOT_CLAMPS,
  type Int8Quant,
  type OpBase,
  type OutputTransform,
  type Padding,
  type TensorKind,
} from './common.js';

/** A declared tensor as an op's check sees it. */
export interface OpTensor {
  id: string;
  /** Per-sample shape, `[H, W, C]` or `[C]` (or `[H, C]`), every dimension a positive integer. */
  shape: number[];
  kind: TensorKind;
  /** Channel (last) dimension. */
  channels: number;
  /** Logical elements per sample. */
  elements: number;
  /** Quantization of an `int8` tensor (checked by `checkDeployGraph` before any op sees it). */
  quant?: Int8Quant;
}

/**
 * Stable rule ids of problems an exporter reports as a refusal of the model (the rest are broken graphs).
 * `bconv2d.zero_padding_bitpacked`: 'same' zero-padding with a bit-packed output (K varies at the borders).
 * `weights.finite`: a float weight is NaN or ±Infinity. `io.float_input`: the graph input is not float32.
 * `int8.zero_padding`: a binary conv with int8 output and 'same' zero-padding (LCE refuses it).
 */
export type DeployRule =
  | 'deploy.structure'
  | 'int8.zero_padding'
  | 'bconv2d.zero_padding_bitpacked'
  | 'weights.finite'
  | 'io.float_input';

/** A failed check inside one op's contract; `checkDeployGraph` turns it into a `DeployIssue`. */
export class OpCheckFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly rule: DeployRule = 'deploy.structure',
    /** The op kind is unknown to this version (not a broken op). */
    readonly unsupported = false,
  ) {
    super(message);
  }
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= 1);
}

/** The one wording of the rule that bit-packed output needs a constant K (no zero-padding). */
export const ZERO_PADDING_BITPACKED = {
  message:
    "bit-packed output with zero-padding ('same', padValue 0): K varies at the borders, so thresholds are undefined.",
  fix: "Use one-padding (padValue 1, Larq's pad_values=1), 'valid' padding or a float output transform.",
} as const;

/** Checks of one op; every failure throws `OpCheckFailure` (the first problem of an op is reported). */
export class OpChecker {
  fail(message: string, fix: string, rule?: DeployRule): never {
    throw new OpCheckFailure(message, fix, rule);
  }

  kind(t: OpTensor, kind: TensorKind, role: string): void {
    if (t.kind !== kind) this.fail(`${role} "${t.id}" is ${t.kind}, expected ${kind}.`, 'Fix the lowering.');
  }

  /** Every input and the output have the given kinds. */
  kinds(ins: readonly OpTensor[], inKind: TensorKind, out: OpTensor, outKind: TensorKind): void {
    for (const t of ins) this.kind(t, inKind, 'input');
    this.kind(out, outKind, 'output');
  }

  rank(t: OpTensor, rank: number, role: string): void {
    if (t.shape.length !== rank) {
      this.fail(`${role} "${t.id}" has shape [${t.shape}], expected rank ${rank}.`, 'Fix the tensor shape.');
    }
  }

  outShape(out: OpTensor, expected: readonly number[]): void {
    if (!sameShape(out.shape, expected)) {
      this.fail(
        `output "${out.id}" is declared [${out.shape}] but the op produces [${expected}].`,
        'Declare the shape the op computes.',
      );
    }
  }

  sameShape(a: readonly number[], b: readonly number[]): boolean {
    return sameShape(a, b);
  }

  array(
    v: unknown,
    type: typeof Int32Array | typeof Float32Array | typeof Int8Array,
    length: number,
    name: string,
  ): void {
    if (!(v instanceof type)) {
      this.fail(`${name} must be a ${type.name}.`, `Store ${name} as a ${type.name}.`);
    }
    if ((v as ArrayLike<number>).length !== length) {
      this.fail(
        `${name} has ${(v as ArrayLike<number>).length} elements, expected ${length} (truncated or mismatched weights).`,
        'Re-export the model so the weights match the layer.',
      );
    }
    if (v instanceof Float32Array) {
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i]!)) {
          this.fail(
            `${name}[${i}] is ${v[i]}.`,
            'Weights must be finite numbers: retrain the model (the weights diverged) and export again.',
            'weights.finite',
          );
        }
      }
    }
  }

  /** Per-channel int8 weight scales: a Float32Array of `length` positive finite values. */
  scales(v: unknown, length: number, name: string): void {
    this.array(v, Float32Array, length, name);
    const a = v as Float32Array;
    for (let i = 0; i < a.length; i++) {
      if (!(a[i]! > 0)) {
        this.fail(
          `${name}[${i}] is ${a[i]}; int8 scales must be positive.`,
          'Quantize the weights again (a channel of all-zero weights takes scale 1).',
          'weights.finite',
        );
      }
    }
  }

  /** Int8 weights: symmetric, so −128 never occurs (TFLite's per-channel weights use [−127, 127]). */
  int8Weights(v: unknown, length: number, name: string): void {
    this.array(v, Int8Array, length, name);
    if ((v as Int8Array).includes(-128)) {
      this.fail(
        `${name} holds −128; symmetric int8 weights lie in [−127, 127].`,
        'Quantize the weights again.',
      );
    }
  }

  /** The tensor's int8 quantization (present on every int8 tensor after `checkDeployGraph`'s tensor checks). */
  quant(t: OpTensor): Int8Quant {
    if (t.kind !== 'int8' || !t.quant) this.fail(`"${t.id}" is not an int8 tensor.`, 'Fix the lowering.');
    return t.quant;
  }

  /** Two int8 tensors with the same scale and zero point (TFLite's pooling keeps the quantization). */
  sameQuant(a: OpTensor, b: OpTensor): void {
    const qa = this.quant(a);
    const qb = this.quant(b);
    if (qa.scale !== qb.scale || qa.zeroPoint !== qb.zeroPoint) {
      this.fail(
        `"${a.id}" (scale ${qa.scale}, zero point ${qa.zeroPoint}) and "${b.id}" (scale ${qb.scale}, zero point ${qb.zeroPoint}) must share their quantization.`,
        "Give the op's output its input's scale and zero point.",
      );
    }
  }

  /** A bit-packed filter: `rows` rows of `channels` bits, each row in whole words, tail bits 0. */
  packedFilter(filter: unknown, rows: number, channels: number): void {
    this.array(filter, Int32Array, rows * Math.ceil(channels / 32), 'filter');
    if (!tailBitsClear(filter as Int32Array, channels)) {
      this.fail(
        'filter has non-zero tail bits past the last input channel.',
        'Pack filters with tail bits 0.',
      );
    }
  }

  pairs(op: object): void {
    const o = op as Record<string, unknown>;
    for (const key of ['kernel', 'pool', 'strides', 'dilations'] as const) {
      if (key in o && !isPair(o[key])) this.fail(`${key} must be two positive integers.`, `Fix ${key}.`);
    }
  }

  padding(p: unknown, padValue?: unknown): void {
    if (p !== 'valid' && p !== 'same')
      this.fail(`padding ${JSON.stringify(p)} is unknown.`, "Use 'valid' or 'same'.");
    if (padValue !== undefined && padValue !== 0 && padValue !== 1) {
      this.fail(
        `padValue ${JSON.stringify(padValue)} is not 0 or 1.`,
        'Use 1 (one-padding) or 0 (zero-padding).',
      );
    }
  }

  activation(a: unknown, name: string): void {
    if (a !== 'none' && a !== 'relu')
      this.fail(`${name} ${JSON.stringify(a)} is unknown.`, "Use 'none' or 'relu'.");
  }

  /** A binary layer's clamp of its integer dot product (`DotClamp`). */
  dotClamp(a: unknown, name: string): void {
    if (typeof a !== 'string' || !Object.hasOwn(DOT_CLAMP_RANGE, a))
      this.fail(
        `${name} ${JSON.stringify(a)} is unknown.`,
        `Use ${DOT_CLAMPS.map((k) => `'${k}'`).join(', ')} (LCE's fused_activation_function).`,
      );
  }

  channels(n: unknown, actual: number, name: string): void {
    if (n !== actual) this.fail(`${name} is ${n} but the input has ${actual} channels.`, 'Fix the lowering.');
  }

  positive(n: unknown, name: string): void {
    if (!Number.isInteger(n) || (n as number) < 1) this.fail(`${name} must be ≥ 1.`, 'Fix it.');
  }

  /** Rank-3 input, valid window attributes; returns the window geometry (refusing an empty output). */
  window(
    x: OpTensor,
    op: { strides: [number, number]; padding: Padding },
    size: [number, number],
    dilations: [number, number],
    what: 'kernel' | 'pool window',
  ): Window2d {
    this.rank(x, 3, 'input');
    this.pairs(op);
    const g = window2d(x.shape[0]!, x.shape[1]!, size, op.strides, dilations, op.padding);
    if (g.outH < 1 || g.outW < 1) {
      this.fail(
        `the ${what} is larger than the input.`,
        what === 'kernel' ? "Use 'same' padding or a smaller kernel." : "Use 'same' padding.",
      );
    }
    return g;
  }

  /** A binary layer's output transform: its kind matches the output tensor and its arrays `outChannels` long. */
  transform(t: OutputTransform, outChannels: number, out: OpTensor, zeroPadded: boolean): void {
    if (typeof t !== 'object' || t === null)
      this.fail('transform is missing.', 'Give the op an output transform.');
    if (t.kind === 'float') {
      this.kind(out, 'float32', 'output');
      this.dotClamp(t.clamp, 'transform.clamp');
      this.activation(t.activation, 'transform.activation');
      this.array(t.multiplier, Float32Array, outChannels, 'transform.multiplier');
      this.array(t.bias, Float32Array, outChannels, 'transform.bias');
    } else if (t.kind === 'bitpacked') {
      this.kind(out, 'bitpacked', 'output');
      this.array(t.thresholds, Int32Array, outChannels, 'transform.thresholds');
      if (zeroPadded) {
        this.fail(
          ZERO_PADDING_BITPACKED.message,
          ZERO_PADDING_BITPACKED.fix,
          'bconv2d.zero_padding_bitpacked',
        );
      }
    } else {
      this.fail(
        `transform kind ${JSON.stringify((t as { kind: unknown }).kind)} is unknown.`,
        "Use 'float' or 'bitpacked'.",
      );
    }
  }
}

/** True when every unused tail bit of every row of LCE bit-packed `words` is 0 (a requirement of the layout). */
export function tailBitsClear(words: Int32Array, channels: number): boolean {
  const perRow = Math.ceil(channels / 32);
  const used = channels - (perRow - 1) * 32;
  if (used === 32) return true;
  const mask = ~((1 << used) - 1);
  for (let i = perRow - 1; i < words.length; i += perRow) if ((words[i]! & mask) !== 0) return false;
  return true;
}

/**
 * One deploy op's contract. `O` is the op's attribute type (declared in the op's file).
 * - `arity`: `'one'` input exactly, or `'many'` (at least one).
 * - `outputShape`: the output shape from the (already checked) op and input shapes; `null` when the output
 *   tensor declares it (reshape).
 * - `check`: attributes, input and output kinds, array types and lengths; throws through `c.fail`.
 *   `checkDeployGraph` compares the declared output shape with `outputShape` after `check` passes.
 */
export interface DeployOpContract<O extends OpBase & { op: string }> {
  readonly kind: O['op'];
  readonly arity: 'one' | 'many';
  /** One line for docs and error messages. */
  readonly summary: string;
  outputShape(op: O, ins: readonly OpTensor[]): number[] | null;
  check(op: O, c: OpChecker, ins: readonly OpTensor[], out: OpTensor): void;
}

/** The op's attribute type of a contract. */
export type ContractOp<C> = C extends DeployOpContract<infer O> ? O : never;

/** Builds a contract, inferring the op type from the annotation on `check`. */
export function defineOp<O extends OpBase & { op: string }>(
  contract: DeployOpContract<O>,
): DeployOpContract<O> {
  return contract;
}

/** Output height and width of a window over an `[H, W, ·]` shape (TensorFlow's `valid` / `same`). */
export function windowOut(
  shape: readonly number[],
  size: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding,
): [number, number] {
  const g = window2d(shape[0]!, shape[1]!, size, strides, dilations, padding);
  return [g.outH, g.outW];
}
