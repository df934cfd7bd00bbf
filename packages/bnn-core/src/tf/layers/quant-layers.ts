/**
 * Larq's quantized layers as custom tfjs-layers classes, registered with tfjs serialization so a model saves
 * and loads (`tf.loadLayersModel`). Float `Conv2D`, `DepthwiseConv2D` and `Dense` graph nodes use the same
 * classes with no quantizers, so a graph and its float twin share one implementation.
 *
 * Shared semantics (larq/layers_base.py):
 * - the input quantizer is applied to the input, the kernel quantizer to the latent kernel, on every call;
 * - `pad_values = 1` with `same` padding pads the (already binarised) input with +1 explicitly and runs the
 *   conv with `valid` padding (TensorFlow's `same` split: total = max((out−1)·s + k_eff − in, 0),
 *   before = floor(total / 2));
 * - dilation is applied by expanding the kernel with zeros ((k−1)·d + 1 taps), which keeps every op
 *   differentiable in tfjs (its conv gradients reject dilation > 1) and gives the same result;
 * - constraints (`weight_clip`) are applied by the trainer after each optimizer step (`constrainedWeights`).
 *
 * Quantizer and constraint references are stored in layer configs hex-encoded (see `encodeRef`).
 */
import * as tf from '@tensorflow/tfjs';
import { axisWindow } from '../../math/window.js';
import { resolveConstraintConfig } from '../../registry/constraints.js';
import type { ConstraintRef, QuantizerRef } from '../../spec/graph-types.js';
import { makeQuantizer, precisionOf, type QuantizerFn } from '../quantizers.js';
import {
  addInt8Ranges,
  channelScales,
  fakeQuantActivations,
  fakeQuantBias,
  fakeQuantWeights,
  type Int8Ranges,
  rangeQuantTensors,
  trackRange,
} from './int8-fake-quant.js';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;
type Kwargs = Record<string, unknown>;

export interface ConstrainedWeight {
  variable: LayerVariable;
  clip: number;
}

/** A weight the trainer may treat specially: binary latent kernels go to Bop and count in the flip ratio. */
export interface QuantizedWeight {
  variable: LayerVariable;
  precision: number;
}

export interface BnnWeightInfo {
  constrainedWeights(): ConstrainedWeight[];
  quantizedWeights(): QuantizedWeight[];
}

/**
 * Quantizer/constraint references travel in layer configs as lowercase hex of their JSON: tfjs rewrites
 * string config values between snake_case and camelCase on save/load, which would corrupt `ste_sign`.
 */
export function encodeRef(ref: QuantizerRef | ConstraintRef | null | undefined): string | null {
  if (!ref) return null;
  const bytes = new TextEncoder().encode(JSON.stringify(ref));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
function parseRef<T>(s: string | null | undefined): T | null {
  if (!s) return null;
  const bytes = new Uint8Array(s.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}
function clipOf(ref: ConstraintRef | null): number | null {
  if (!ref) return null;
  const cfg = resolveConstraintConfig(ref);
  return Number(cfg.clip_value);
}

/** `[KH, KW, A, B]` → `[(KH−1)·dh + 1, (KW−1)·dw + 1, A, B]` with zeros between taps. */
export function dilateKernel(k: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return tf.tidy(() => {
    let out: tf.Tensor4D = k;
    const [KH, KW, A, B] = k.shape;
    if (dh > 1) {
      const e = tf.pad(tf.reshape(out, [KH, 1, KW, A, B]), [
        [0, 0],
        [0, dh - 1],
        [0, 0],
        [0, 0],
        [0, 0],
      ]);
      out = tf.slice(
        tf.reshape(e, [KH * dh, KW, A, B]),
        [0, 0, 0, 0],
        [(KH - 1) * dh + 1, KW, A, B],
      ) as tf.Tensor4D;
    }
    if (dw > 1) {
      const H = out.shape[0];
      const e = tf.pad(tf.reshape(out, [H, KW, 1, A, B]), [
        [0, 0],
        [0, 0],
        [0, dw - 1],
        [0, 0],
        [0, 0],
      ]);
      out = tf.slice(
        tf.reshape(e, [H, KW * dw, A, B]),
        [0, 0, 0, 0],
        [H, (KW - 1) * dw + 1, A, B],
      ) as tf.Tensor4D;
    }
    return out;
  });
}

/** TensorFlow's `same` padding for one spatial dim: [before, after]. */
export function samePadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const g = axisWindow(size, kernel, stride, dilation, 'same');
  return [g.padBefore, g.padAfter];
}

function convOutSize(size: number, kernel: number, stride: number, dilation: number, padding: string) {
  return axisWindow(size, kernel, stride, dilation, padding === 'same' ? 'same' : 'valid').out;
}

// ---------------------------------------------------------------------------------------------------------
// Convolutions

export interface QuantConvConfig {
  /** 'conv' (Conv2D), 'depthwise' (DepthwiseConv2D), 'separable' (depthwise then 1×1 pointwise). */
  mode: 'conv' | 'depthwise' | 'separable';
  filters?: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  padValues: number;
  dilationRate: [number, number];
  depthMultiplier?: number;
  useBias: boolean;
  inputQuantizer?: string | null;
  kernelQuantizer?: string | null;
  kernelConstraint?: string | null;
  pointwiseQuantizer?: string | null;
  pointwiseConstraint?: string | null;
  /** Seed of the kernel initialiser (Glorot uniform, as Keras/Larq). */
  seed?: number;
  /** 'int8': quantization-aware training on TFLite's int8 grids (`./int8-fake-quant.ts`). */
  precision?: 'float32' | 'int8';
}

/**
 * The int8 forward pass of a layer: track the ranges in training, fake-quantize the input, the kernel (per
 * output channel, the kernel's last axis) and the bias, run `op`, fake-quantize the output.
 */
function int8Call(
  r: Int8Ranges,
  x: tf.Tensor,
  kernel: tf.Tensor,
  channels: number,
  bias: tf.Tensor | null,
  training: boolean,
  op: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  if (training) trackRange(r.inputMin, r.inputMax, x);
  const xq = fakeQuantActivations(x, r.inputMin.read(), r.inputMax.read());
  let y = op(xq, fakeQuantWeights(kernel, channels));
  if (bias) {
    const inScale = rangeQuantTensors(r.inputMin.read(), r.inputMax.read()).scale;
    y = tf.add(y, fakeQuantBias(bias, inScale, channelScales(kernel, channels)));
  }
  if (training) trackRange(r.outputMin, r.outputMax, y);
  return fakeQuantActivations(y, r.outputMin.read(), r.outputMax.read());
}

export class QuantConv extends tf.layers.Layer implements BnnWeightInfo {
  static className = 'BnnQuantConv';
  readonly cfg: QuantConvConfig;
  private kernel: LayerVariable | null = null;
  private pointwise: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  private ranges: Int8Ranges | null = null;
  private inQ: QuantizerFn | null;
  private kQ: QuantizerFn | null;
  private pQ: QuantizerFn | null;

  constructor(config: QuantConvConfig & LayerArgs) {
    super(config);
    this.cfg = {
      mode: config.mode,
      filters: config.filters,
      kernelSize: config.kernelSize,
      strides: config.strides,
      padding: config.padding,
      padValues: config.padValues ?? 0,
      dilationRate: config.dilationRate ?? [1, 1],
      depthMultiplier: config.depthMultiplier ?? 1,
      useBias: config.useBias,
      inputQuantizer: config.inputQuantizer ?? null,
      kernelQuantizer: config.kernelQuantizer ?? null,
      kernelConstraint: config.kernelConstraint ?? null,
      pointwiseQuantizer: config.pointwiseQuantizer ?? null,
      pointwiseConstraint: config.pointwiseConstraint ?? null,
      seed: config.seed,
      precision: config.precision ?? 'float32',
    };
    if (this.cfg.precision === 'int8' && this.cfg.mode === 'separable') {
      throw new Error(
        `bnn-core/tf: layer '${config.name}': int8 precision applies to Conv2D, DepthwiseConv2D and Dense`,
      );
    }
    this.inQ = makeQuantizer(parseRef<QuantizerRef>(this.cfg.inputQuantizer));
    this.kQ = makeQuantizer(parseRef<QuantizerRef>(this.cfg.kernelQuantizer));
    this.pQ = makeQuantizer(parseRef<QuantizerRef>(this.cfg.pointwiseQuantizer));
  }

  /** Keras variable name of the main kernel. */
  get kernelName(): string {
    return this.cfg.mode === 'conv' ? 'kernel' : 'depthwise_kernel';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = shape[shape.length - 1] as number;
    const [kh, kw] = this.cfg.kernelSize;
    let seedCounter = this.cfg.seed;
    const initN = () => {
      const i = tf.initializers.glorotUniform(seedCounter === undefined ? {} : { seed: seedCounter });
      if (seedCounter !== undefined) seedCounter += 1;
      return i;
    };
    const m = this.cfg.depthMultiplier ?? 1;
    if (this.cfg.mode === 'conv') {
      this.kernel = this.addWeight('kernel', [kh, kw, cin, this.cfg.filters!], 'float32', initN());
    } else {
      this.kernel = this.addWeight('depthwise_kernel', [kh, kw, cin, m], 'float32', initN());
      if (this.cfg.mode === 'separable') {
        this.pointwise = this.addWeight(
          'pointwise_kernel',
          [1, 1, cin * m, this.cfg.filters!],
          'float32',
          initN(),
        );
      }
    }
    if (this.cfg.useBias) {
      const outC = this.cfg.mode === 'depthwise' ? cin * m : this.cfg.filters!;
      this.bias = this.addWeight('bias', [outC], 'float32', tf.initializers.zeros());
    }
    if (this.cfg.precision === 'int8') {
      this.ranges = addInt8Ranges((n) =>
        this.addWeight(n, [1], 'float32', tf.initializers.zeros(), undefined, false),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [kh, kw] = this.cfg.kernelSize;
    const [sh, sw] = this.cfg.strides;
    const [dh, dw] = this.cfg.dilationRate;
    const oh = convOutSize(s[1] as number, kh, sh, dh, this.cfg.padding);
    const ow = convOutSize(s[2] as number, kw, sw, dw, this.cfg.padding);
    const cin = s[3] as number;
    const outC = this.cfg.mode === 'depthwise' ? cin * (this.cfg.depthMultiplier ?? 1) : this.cfg.filters!;
    return [s[0] ?? null, oh, ow, outC];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (this.ranges) {
        const [dh, dw] = this.cfg.dilationRate;
        const k = this.kernel!.read() as tf.Tensor4D;
        const n = this.cfg.mode === 'conv' ? this.cfg.filters! : k.shape[2] * k.shape[3];
        return int8Call(
          this.ranges,
          x,
          k,
          n,
          this.bias?.read() ?? null,
          kwargs.training === true,
          (xq, kq) => {
            const kd = dh > 1 || dw > 1 ? dilateKernel(kq as tf.Tensor4D, dh, dw) : (kq as tf.Tensor4D);
            return this.cfg.mode === 'conv'
              ? tf.conv2d(xq as tf.Tensor4D, kd, this.cfg.strides, this.cfg.padding)
              : tf.depthwiseConv2d(xq as tf.Tensor4D, kd, this.cfg.strides, this.cfg.padding);
          },
        );
      }
      if (this.inQ) x = this.inQ(x) as tf.Tensor4D;
      const [kh, kw] = this.cfg.kernelSize;
      const [dh, dw] = this.cfg.dilationRate;
      let padding: 'valid' | 'same' = this.cfg.padding;
      if (padding === 'same' && this.cfg.padValues !== 0) {
        const [sh, sw] = this.cfg.strides;
        const ph = samePadding(x.shape[1], kh, sh, dh);
        const pw = samePadding(x.shape[2], kw, sw, dw);
        x = tf.pad(x, [[0, 0], ph, pw, [0, 0]], this.cfg.padValues);
        padding = 'valid';
      }
      let k = this.kernel!.read() as tf.Tensor4D;
      if (this.kQ) k = this.kQ(k) as tf.Tensor4D;
      if (dh > 1 || dw > 1) k = dilateKernel(k, dh, dw);
      let y: tf.Tensor4D;
      if (this.cfg.mode === 'conv') {
        y = tf.conv2d(x, k, this.cfg.strides, padding);
      } else {
        y = tf.depthwiseConv2d(x, k, this.cfg.strides, padding);
        if (this.cfg.mode === 'separable') {
          let p = this.pointwise!.read() as tf.Tensor4D;
          if (this.pQ) p = this.pQ(p) as tf.Tensor4D;
          y = tf.conv2d(y, p, 1, 'valid');
        }
      }
      if (this.bias) y = tf.add(y, this.bias.read());
      return y;
    });
  }

  constrainedWeights(): ConstrainedWeight[] {
    const out: ConstrainedWeight[] = [];
    const kc = clipOf(parseRef<ConstraintRef>(this.cfg.kernelConstraint));
    if (kc !== null && this.kernel) out.push({ variable: this.kernel, clip: kc });
    const pc = clipOf(parseRef<ConstraintRef>(this.cfg.pointwiseConstraint));
    if (pc !== null && this.pointwise) out.push({ variable: this.pointwise, clip: pc });
    return out;
  }

  quantizedWeights(): QuantizedWeight[] {
    const out: QuantizedWeight[] = [];
    const kq = parseRef<QuantizerRef>(this.cfg.kernelQuantizer);
    if (kq && this.kernel) out.push({ variable: this.kernel, precision: precisionOf(kq) });
    const pq = parseRef<QuantizerRef>(this.cfg.pointwiseQuantizer);
    if (pq && this.pointwise) out.push({ variable: this.pointwise, precision: precisionOf(pq) });
    return out;
  }

  /** Keras variable name → variable. */
  namedWeights(): Record<string, LayerVariable> {
    const out: Record<string, LayerVariable> = {};
    if (this.kernel) out[this.kernelName] = this.kernel;
    if (this.pointwise) out.pointwise_kernel = this.pointwise;
    if (this.bias) out.bias = this.bias;
    if (this.ranges) {
      out.input_min = this.ranges.inputMin;
      out.input_max = this.ranges.inputMax;
      out.output_min = this.ranges.outputMin;
      out.output_max = this.ranges.outputMax;
    }
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.cfg as unknown as tf.serialization.ConfigDict) };
  }
}
tf.serialization.registerClass(QuantConv);

// ---------------------------------------------------------------------------------------------------------
// Dense

export interface QuantDenseConfig {
  units: number;
  useBias: boolean;
  inputQuantizer?: string | null;
  kernelQuantizer?: string | null;
  kernelConstraint?: string | null;
  seed?: number;
  /** 'int8': quantization-aware training on TFLite's int8 grids (`./int8-fake-quant.ts`). */
  precision?: 'float32' | 'int8';
}

export class QuantDense extends tf.layers.Layer implements BnnWeightInfo {
  static className = 'BnnQuantDense';
  readonly cfg: QuantDenseConfig;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  private inQ: QuantizerFn | null;
  private kQ: QuantizerFn | null;

  constructor(config: QuantDenseConfig & LayerArgs) {
    super(config);
    this.cfg = {
      units: config.units,
      useBias: config.useBias,
      inputQuantizer: config.inputQuantizer ?? null,
      kernelQuantizer: config.kernelQuantizer ?? null,
      kernelConstraint: config.kernelConstraint ?? null,
      seed: config.seed,
      precision: config.precision ?? 'float32',
    };
    this.inQ = makeQuantizer(parseRef<QuantizerRef>(this.cfg.inputQuantizer));
    this.kQ = makeQuantizer(parseRef<QuantizerRef>(this.cfg.kernelQuantizer));
  }

  private ranges: Int8Ranges | null = null;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = shape[shape.length - 1] as number;
    const seed = this.cfg.seed;
    this.kernel = this.addWeight(
      'kernel',
      [cin, this.cfg.units],
      'float32',
      tf.initializers.glorotUniform(seed === undefined ? {} : { seed }),
    );
    if (this.cfg.useBias)
      this.bias = this.addWeight('bias', [this.cfg.units], 'float32', tf.initializers.zeros());
    if (this.cfg.precision === 'int8') {
      this.ranges = addInt8Ranges((n) =>
        this.addWeight(n, [1], 'float32', tf.initializers.zeros(), undefined, false),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...s.slice(0, -1), this.cfg.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      if (this.ranges) {
        const k = this.kernel!.read();
        return int8Call(
          this.ranges,
          x,
          k,
          this.cfg.units,
          this.bias?.read() ?? null,
          kwargs.training === true,
          (xq, kq) => tf.matMul(xq as tf.Tensor2D, kq as tf.Tensor2D),
        );
      }
      if (this.inQ) x = this.inQ(x) as tf.Tensor2D;
      let k = this.kernel!.read() as tf.Tensor2D;
      if (this.kQ) k = this.kQ(k) as tf.Tensor2D;
      let y = tf.matMul(x, k);
      if (this.bias) y = tf.add(y, this.bias.read());
      return y;
    });
  }

  constrainedWeights(): ConstrainedWeight[] {
    const kc = clipOf(parseRef<ConstraintRef>(this.cfg.kernelConstraint));
    return kc !== null && this.kernel ? [{ variable: this.kernel, clip: kc }] : [];
  }

  quantizedWeights(): QuantizedWeight[] {
    const kq = parseRef<QuantizerRef>(this.cfg.kernelQuantizer);
    return kq && this.kernel ? [{ variable: this.kernel, precision: precisionOf(kq) }] : [];
  }

  namedWeights(): Record<string, LayerVariable> {
    const out: Record<string, LayerVariable> = {};
    if (this.kernel) out.kernel = this.kernel;
    if (this.bias) out.bias = this.bias;
    if (this.ranges) {
      out.input_min = this.ranges.inputMin;
      out.input_max = this.ranges.inputMax;
      out.output_min = this.ranges.outputMin;
      out.output_max = this.ranges.outputMax;
    }
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.cfg as unknown as tf.serialization.ConfigDict) };
  }
}
tf.serialization.registerClass(QuantDense);
