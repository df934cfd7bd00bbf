/**
 * DeployGraph → TensorFlow Lite flatbuffer with Larq Compute Engine custom ops.
 *
 * Profiles (./profile-rules.ts):
 * - `arm`: float32 I/O and float builtins around LCE ops, for the LCE interpreter.
 * - `xcore`: int8 I/O and int8 builtins (calibrated on representative inputs), LceQuantize fed by int8,
 *   LceBconv2d with VALID padding (one-padding written as PAD of the packed words + VALID), INT32 or int8 outputs.
 *
 * Tensors get a batch dimension of 1: `[H, W, C]` → `[1, H, W, C]`, `[C]` → `[1, C]`; bit-packed tensors store
 * `ceil(C / 32)` INT32 words in the channel dimension.
 */
import {
  axisWindow,
  type DeployGraph,
  type DeployOp,
  type DeployOpKind,
  type DeployOpOf,
  type DeployTensor,
  type Int8Quant,
} from '@bnn-studio/bnn-core';
import { deployGraphProblems } from '../bnn/validate-graph.js';
import { ExportRefusedError } from '../errors.js';
import {
  type CalibrationData,
  type CalibrationRanges,
  calibrateRanges,
  defaultFloatEvaluator,
  type FloatEvaluator,
} from './calibrate.js';
import {
  activationQuant,
  quantizeBias,
  quantizeValue,
  quantizeWeightsSymmetric,
  type Range,
} from './int8.js';
import { INT8_TFLITE_EMITTERS } from './int8-emitters.js';
import { bconvOptions, bmaxpoolOptions, DOT_CLAMP_ACTIVATION, EMPTY_CUSTOM_OPTIONS } from './lce-options.js';
import { type QuantParams, TfliteModelBuilder } from './model-builder.js';
import { listTfliteRefusals, producersOf, type TfliteProfile } from './profile-rules.js';
import { readTflite } from './read-tflite.js';
import {
  Activation,
  LceOp,
  type LceOpName,
  BuiltinOperator as Op,
  Padding,
  TensorType,
  type TensorTypeCode,
  type TfliteBuiltinName,
} from './schema.js';
import { xcoreFileProblems } from './xcore-acceptance.js';

export interface WriteTfliteOptions {
  profile: TfliteProfile;
  /**
   * int8 calibration (required by `xcore`; ignored by `arm`): either ranges measured with `calibrateTflite`
   * (kernels' reference engine), or representative inputs (typically 50–500 training samples) that are run
   * through `evaluate` here.
   */
  calibration?: CalibrationData | CalibrationRanges;
  /** Float reference used with representative inputs; defaults to bnn-core's evaluateDeployGraphFloat. */
  evaluate?: FloatEvaluator;
  /**
   * xcore only: the model's input/output type. 'int8' (default, as `lce.convert_keras_model(...,
   * inference_input_type=tf.int8, inference_output_type=tf.int8)`): the firmware quantises the input with the
   * input tensor's scale/zero point. 'float32': a QUANTIZE op after the float input and DEQUANTIZE ops before
   * the float outputs.
   */
  io?: 'int8' | 'float32';
}

export interface TfliteExport {
  bytes: Uint8Array;
  profile: TfliteProfile;
  /** TFLite operators written, in order, with the graph node each came from. */
  operators: { op: string; sourceNode: string }[];
  /** int8 quantisation of the model input and outputs (xcore): real = scale · (q − zeroPoint). */
  io: { input: IoSpec; outputs: IoSpec[] };
}

export interface IoSpec {
  name: string;
  shape: number[];
  type: 'float32' | 'int8' | 'int32';
  scale?: number;
  zeroPoint?: number;
}

/** Writes the `.tflite` bytes; throws ExportRefusedError when the profile cannot express the graph. */
export function writeTflite(deploy: DeployGraph, options: WriteTfliteOptions): Uint8Array {
  return writeTfliteWithReport(deploy, options).bytes;
}

export function writeTfliteWithReport(deploy: DeployGraph, options: WriteTfliteOptions): TfliteExport {
  const { profile } = options;
  if (profile !== 'arm' && profile !== 'xcore') {
    throw new Error(`writeTflite: unknown profile "${String(profile)}"; use 'arm' or 'xcore'.`);
  }
  const problems = deployGraphProblems(deploy);
  if (problems.length > 0) {
    throw new TypeError(`writeTflite: the deploy graph is inconsistent: ${problems.slice(0, 3).join('; ')}.`);
  }
  const refusals = listTfliteRefusals(deploy, profile);
  if (refusals.length > 0) throw refusals[0]!;
  let ranges: Map<string, Range> | null = null;
  const inputQuant = profile === 'xcore' ? impliedInputQuant(deploy) : null;
  if (profile === 'xcore') {
    const cal = options.calibration;
    // A graph whose only float tensor is an input quantised straight to int8 (an imported int8 model) needs no
    // calibration: the file's int8 input takes that quantization.
    const onlyInputFloat = deploy.tensors.every((t) => t.kind !== 'float32' || t.id === deploy.input);
    if (!cal && inputQuant && onlyInputFloat) ranges = new Map();
    else if (!cal || ('batch' in cal && cal.batch < 1)) {
      throw new ExportRefusedError({
        nodeId: '',
        rule: 'xcore.calibration_data_required',
        message: 'the xcore profile is int8 and needs representative inputs to choose quantisation ranges.',
        fix: 'Pass calibration: { data, batch } with 50–500 training samples (or the ranges from await calibrateTflite(deploy, { data, batch })).',
        target: 'tflite-xcore',
      });
    } else if ('ranges' in cal) {
      ranges = new Map(Object.entries(cal.ranges));
      const missing = deploy.tensors.find((t) => t.kind === 'float32' && !ranges!.has(t.id));
      if (missing)
        throw new Error(
          `writeTflite: calibration ranges lack tensor "${missing.id}"; recompute them for this graph.`,
        );
    } else {
      const evaluate = options.evaluate ?? defaultFloatEvaluator();
      ranges = calibrateRanges(deploy, cal, evaluate);
    }
  }
  return new TfliteEmitter(
    deploy,
    profile,
    ranges,
    profile === 'xcore' && options.io === 'float32',
    inputQuant,
  ).run();
}

/**
 * The quantization of a float graph input that only feeds `int8_quantize` ops of one quantization (an imported
 * int8 model's input): the xcore file's int8 input takes it and those QUANTIZE operators vanish, so the file
 * imports back to the same graph. Null otherwise.
 */
export function impliedInputQuant(deploy: DeployGraph): Int8Quant | null {
  const input = deploy.tensors.find((t) => t.id === deploy.input);
  if (input?.kind !== 'float32' || deploy.outputs.includes(deploy.input)) return null;
  const consumers = deploy.ops.filter((o) => o.inputs.includes(deploy.input));
  if (consumers.length === 0 || consumers.some((o) => o.op !== 'int8_quantize')) return null;
  const qs = consumers.map((o) => deploy.tensors.find((t) => t.id === o.outputs[0])!.quant!);
  const q = qs[0]!;
  return qs.every((x) => x.scale === q.scale && x.zeroPoint === q.zeroPoint) ? q : null;
}

const words = (c: number) => Math.ceil(c / 32);
const act = (a: 'none' | 'relu') => (a === 'relu' ? Activation.RELU : Activation.NONE);
const pad = (p: 'valid' | 'same') => (p === 'same' ? Padding.SAME : Padding.VALID);

/** TensorFlow's SAME padding split for one dimension: [before, after]. */
export function samePadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const g = axisWindow(size, kernel, stride, dilation, 'same');
  return [g.padBefore, g.padAfter];
}

export class TfliteEmitter {
  readonly mb = new TfliteModelBuilder();
  readonly tensorOf = new Map<string, number>();
  readonly byId: Map<string, DeployTensor>;
  readonly int8: boolean;
  readonly quant = new Map<string, QuantParams>();
  readonly written: { op: string; sourceNode: string }[] = [];
  node = '';
  elided = new Set<DeployOp>();

  constructor(
    readonly deploy: DeployGraph,
    readonly profile: TfliteProfile,
    ranges: Map<string, Range> | null,
    readonly floatIo = false,
    /** `impliedInputQuant` of the graph (xcore): the file's int8 input, its `int8_quantize` ops not written. */
    readonly inputQuant: Int8Quant | null = null,
  ) {
    this.byId = new Map(deploy.tensors.map((t) => [t.id, t]));
    this.int8 = profile === 'xcore';
    if (ranges) this.assignQuant(ranges);
    if (inputQuant)
      this.quant.set(deploy.input, { scale: [inputQuant.scale], zeroPoint: [inputQuant.zeroPoint] });
  }

  /** int8 parameters per float tensor; tensors an op needs to share parameters (pools, reshape, concat) share them. */
  assignQuant(ranges: Map<string, Range>): void {
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      return r;
    };
    const union = (a: string, b: string) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
    };
    for (const op of this.deploy.ops) {
      if (['maxpool2d', 'avgpool2d', 'reshape', 'concat', 'hard_tanh'].includes(op.op)) {
        for (const i of op.inputs) union(i, op.outputs[0]!);
      }
    }
    const group = new Map<string, Range>();
    for (const [id, r] of ranges) {
      const g = find(id);
      const cur = group.get(g);
      group.set(g, cur ? { min: Math.min(cur.min, r.min), max: Math.max(cur.max, r.max) } : r);
    }
    const softmaxOut = new Set(this.deploy.ops.filter((o) => o.op === 'softmax').map((o) => o.outputs[0]!));
    for (const [id] of ranges) {
      if (softmaxOut.has(id)) this.quant.set(id, { scale: [1 / 256], zeroPoint: [-128] });
      else this.quant.set(id, activationQuant(group.get(find(id))!));
    }
  }

  tensorInfo(id: string): DeployTensor {
    const t = this.byId.get(id);
    if (!t) throw new Error(`writeTflite: tensor "${id}" is not declared in the deploy graph.`);
    return t;
  }

  /**
   * `[H, W, C]` → `[1, H, W, C]`, float `[C]` → `[1, C]`. Bit-packed tensors pack C into words; bit-packed
   * vectors are `[1, 1, 1, words]`, so LceQuantize, 1×1 LceBconv2d (binary dense) and LceDequantize all see
   * 4-D tensors and chains of binary dense layers need no reshapes.
   */
  tfShape(t: DeployTensor): number[] {
    const s = [...t.shape];
    if (t.kind !== 'bitpacked') return [1, ...s];
    s[s.length - 1] = words(s[s.length - 1]!);
    return s.length === 1 ? [1, 1, 1, s[0]!] : [1, ...s];
  }

  /** Index of the TFLite tensor for a deploy tensor (created on first use). */
  t(id: string): number {
    const have = this.tensorOf.get(id);
    if (have !== undefined) return have;
    const info = this.tensorInfo(id);
    let type: TensorTypeCode = TensorType.FLOAT32;
    let quant: QuantParams | undefined;
    if (info.kind === 'bitpacked') type = TensorType.INT32;
    else if (info.kind === 'int8') {
      // An int8 deploy tensor keeps its own quantization (both profiles).
      type = TensorType.INT8;
      quant = { scale: [info.quant!.scale], zeroPoint: [info.quant!.zeroPoint] };
    } else if (this.int8) {
      type = TensorType.INT8;
      quant = this.quant.get(id);
      if (!quant) throw new Error(`writeTflite: no calibration range for tensor "${id}".`);
    }
    const idx = this.mb.addTensor(id, this.tfShape(info), type, quant);
    this.tensorOf.set(id, idx);
    return idx;
  }

  q(id: string): { scale: number; zeroPoint: number } {
    const p = this.quant.get(id)!;
    return { scale: p.scale[0]!, zeroPoint: p.zeroPoint[0]! };
  }

  constF32(name: string, shape: number[], data: Float32Array): number {
    return this.mb.addConstTensor(`${this.node}/${name}`, shape, TensorType.FLOAT32, data);
  }
  constI32(name: string, shape: number[], data: Int32Array, quant?: QuantParams): number {
    return this.mb.addConstTensor(`${this.node}/${name}`, shape, TensorType.INT32, data, quant);
  }
  /** A float constant, int8-quantised per tensor (asymmetric) in the xcore profile. */
  constAct(name: string, shape: number[], data: Float32Array): number {
    if (!this.int8) return this.constF32(name, shape, data);
    let min = 0;
    let max = 0;
    for (const x of data) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const qp = activationQuant({ min, max });
    const q = { scale: qp.scale[0]!, zeroPoint: qp.zeroPoint[0]! };
    const out = Int8Array.from(data, (x) => quantizeValue(x, q));
    return this.mb.addConstTensor(`${this.node}/${name}`, shape, TensorType.INT8, out, qp);
  }
  temp(name: string, shape: number[], type: TensorTypeCode, quant?: QuantParams): number {
    return this.mb.addTensor(`${this.node}/${name}`, shape, type, quant);
  }
  floatType(): TensorTypeCode {
    return this.int8 ? TensorType.INT8 : TensorType.FLOAT32;
  }
  builtin(
    code: number,
    name: TfliteBuiltinName,
    inputs: number[],
    outputs: number[],
    options?: Parameters<TfliteModelBuilder['addBuiltin']>[4],
    int8Version = 2,
  ) {
    this.mb.addBuiltin(code, this.int8 ? int8Version : 1, inputs, outputs, options);
    this.written.push({ op: name, sourceNode: this.node });
  }
  custom(name: LceOpName, inputs: number[], outputs: number[], options: Uint8Array) {
    this.mb.addCustom(name, inputs, outputs, options);
    this.written.push({ op: name, sourceNode: this.node });
  }
  reshape(input: number, shape: number[], output: number) {
    const shapeT = this.constI32(`shape_${this.written.length}`, [shape.length], Int32Array.from(shape));
    this.builtin(
      Op.RESHAPE,
      'RESHAPE',
      [input, shapeT],
      [output],
      { table: 'ReshapeOptions', values: { new_shape: shape } },
      1,
    );
  }

  run(): TfliteExport {
    const producers = producersOf(this.deploy);
    this.elided = this.elidedQuantizes();
    const input = this.t(this.deploy.input);
    let modelInput = input;
    if (this.floatIo && this.mb.tensors[input]!.type === TensorType.INT8) {
      this.node = 'input';
      modelInput = this.mb.addTensor('input_float', this.mb.tensors[input]!.shape, TensorType.FLOAT32);
      this.builtin(Op.QUANTIZE, 'QUANTIZE', [modelInput], [input], undefined, 1);
    }
    for (const op of this.deploy.ops) {
      this.node = op.sourceNode;
      this.emit(op, producers);
    }
    const modelOutputs = this.deploy.outputs.map((id) => {
      const t = this.t(id);
      if (!this.floatIo || this.mb.tensors[t]!.type !== TensorType.INT8) return t;
      this.node = id;
      const f = this.mb.addTensor(`${id}_float`, this.mb.tensors[t]!.shape, TensorType.FLOAT32);
      this.builtin(Op.DEQUANTIZE, 'DEQUANTIZE', [t], [f], undefined, 2);
      return f;
    });
    this.mb.inputs = [modelInput];
    this.mb.outputs = modelOutputs;
    const bytes = this.mb.serialize({
      inputs: ['input'],
      outputs: this.deploy.outputs.map((_, i) =>
        this.deploy.outputs.length === 1 ? 'output' : `output_${i}`,
      ),
    });
    if (this.int8) {
      // Postcondition: never hand out an xcore file that xformer / LCE / TFLite's int8 kernels would refuse.
      const problems = xcoreFileProblems(readTflite(bytes));
      if (problems.length > 0)
        throw new Error(
          `writeTflite: the xcore file breaks ${problems.length} rule(s): ${problems.slice(0, 3).join('; ')}.`,
        );
    }
    const io = (id: string, index: number): IoSpec => {
      const tf = this.mb.tensors[index]!;
      const spec: IoSpec = {
        name: id,
        shape: tf.shape,
        type: tf.type === TensorType.INT8 ? 'int8' : tf.type === TensorType.INT32 ? 'int32' : 'float32',
      };
      if (tf.quant && tf.type === TensorType.INT8) {
        spec.scale = tf.quant.scale[0]!;
        spec.zeroPoint = tf.quant.zeroPoint[0]!;
      }
      return spec;
    };
    return {
      bytes,
      profile: this.profile,
      operators: this.written,
      io: {
        input: io(this.deploy.input, modelInput),
        outputs: this.deploy.outputs.map((id, i) => io(id, modelOutputs[i]!)),
      },
    };
  }

  /**
   * xcore: LceQuantize ops whose only consumers are binary max-pools (rewritten as int8 MAX_POOL_2D +
   * LceQuantize) and which are not graph outputs are left out.
   */
  elidedQuantizes(): Set<DeployOp> {
    const out = new Set<DeployOp>();
    if (this.profile !== 'xcore') return out;
    for (const op of this.deploy.ops) {
      if (op.op !== 'quantize' || this.deploy.outputs.includes(op.outputs[0]!)) continue;
      const consumers = this.deploy.ops.filter((c) => c.inputs.includes(op.outputs[0]!));
      if (consumers.length > 0 && consumers.every((c) => c.op === 'bmaxpool2d')) out.add(op);
    }
    return out;
  }

  emit(op: DeployOp, producers: Map<string, DeployOp>): void {
    (TFLITE_EMITTERS[op.op] as TfliteOpEmitter<DeployOpKind>)(this, op as never, producers);
  }

  /** Weight + bias constants: float, or int8 symmetric weights with int32 bias (scale = s_in · s_w). */
  weightsAndBias(
    inputId: string,
    w: Float32Array,
    wShape: number[],
    bias: Float32Array,
    channels: number,
    channelOf: (i: number) => number,
    quantizedDimension: number,
  ): [number, number] {
    if (!this.int8) return [this.constF32('filter', wShape, w), this.constF32('bias', [bias.length], bias)];
    const qw = quantizeWeightsSymmetric(w, channels, channelOf);
    const wT = this.mb.addConstTensor(`${this.node}/filter`, wShape, TensorType.INT8, qw.data, {
      scale: qw.scales,
      zeroPoint: qw.scales.map(() => 0),
      quantizedDimension,
    });
    const qb = quantizeBias(bias, this.q(inputId).scale, qw.scales);
    const bT = this.constI32('bias', [bias.length], qb.data, {
      scale: qb.scales,
      zeroPoint: qb.scales.map(() => 0),
      quantizedDimension: 0,
    });
    return [wT, bT];
  }

  emitBconv(op: Extract<DeployOp, { op: 'bconv2d' }>): void {
    const outId = op.outputs[0]!;
    let input = this.t(op.inputs[0]!);
    let padding = op.padding;
    let padValue = op.padValue;
    if (this.profile === 'xcore' && op.padding === 'same') {
      input = this.padPackedOnes(op.inputs[0]!, op.kernel, op.strides, op.dilations);
      padding = 'valid';
      padValue = 0;
    }
    this.emitBinaryConvCore({ ...op, input, output: this.t(outId), padding, padValue, outId });
  }

  /**
   * xcore: one-padding as PAD + VALID: the packed input padded with 0 words, i.e. every padded bit is +1.
   * Returns the padded tensor.
   */
  padPackedOnes(
    inputId: string,
    kernel: [number, number],
    strides: [number, number],
    dilations: [number, number],
  ): number {
    const input = this.t(inputId);
    const [h, w] = this.tensorInfo(inputId).shape as [number, number, number];
    const [pt, pb] = samePadding(h, kernel[0], strides[0], dilations[0]);
    const [pl, pr] = samePadding(w, kernel[1], strides[1], dilations[1]);
    const inShape = this.mb.tensors[input]!.shape;
    const padded = this.temp(
      'padded',
      [1, inShape[1]! + pt + pb, inShape[2]! + pl + pr, inShape[3]!],
      TensorType.INT32,
    );
    const paddings = this.constI32('paddings', [4, 2], Int32Array.of(0, 0, pt, pb, pl, pr, 0, 0));
    this.builtin(Op.PAD, 'PAD', [input, paddings], [padded], { table: 'PadOptions', values: {} });
    return padded;
  }

  emitBinaryConvCore(c: {
    input: number;
    output: number;
    filter: Int32Array;
    inChannels: number;
    outChannels: number;
    kernel: [number, number];
    strides: [number, number];
    dilations: [number, number];
    padding: 'valid' | 'same';
    padValue: 0 | 1;
    transform: Extract<DeployOp, { op: 'bconv2d' }>['transform'];
    outId: string;
  }): void {
    const [kh, kw] = c.kernel;
    const filterT = this.constI32('filter', [c.outChannels, kh, kw, words(c.inChannels)], c.filter);
    const t = c.transform;
    let inputs: number[];
    let output = c.output;
    let trailingRelu = false;
    const zeroPadded = c.padding === 'same' && c.padValue === 0;
    if (t.kind === 'float' && t.clamp !== 'none' && zeroPadded) {
      this.emitZeroPaddedClampedBconv(c, filterT, t);
      return;
    }
    if (t.kind === 'bitpacked') {
      // Lowering already flipped the filter signs of channels with a negative BatchNorm multiplier.
      inputs = [c.input, filterT, -1, -1, this.constI32('output_threshold', [c.outChannels], t.thresholds)];
    } else {
      inputs = [
        c.input,
        filterT,
        this.constF32('post_activation_multiplier', [c.outChannels], t.multiplier),
        this.constF32('post_activation_bias', [c.outChannels], t.bias),
        -1,
      ];
      // A ReLU after the affine map: an int8 output whose range starts at 0 saturates negatives to 0, which is
      // that ReLU; a float output needs a RELU op.
      const outTf = this.mb.tensors[c.output]!;
      const saturatesAtZero = this.int8 && outTf.quant!.zeroPoint[0] === -128;
      if (t.activation === 'relu' && !saturatesAtZero) {
        trailingRelu = true;
        output = this.temp('pre_relu', outTf.shape, outTf.type, outTf.quant);
      }
    }
    const options = bconvOptions({
      channels_in: c.inChannels,
      dilation_height_factor: c.dilations[0],
      dilation_width_factor: c.dilations[1],
      fused_activation_function: t.kind === 'float' ? DOT_CLAMP_ACTIVATION[t.clamp] : Activation.NONE,
      pad_values: c.padding === 'same' ? c.padValue : 0,
      padding: pad(c.padding),
      stride_height: c.strides[0],
      stride_width: c.strides[1],
    });
    this.custom(LceOp.Bconv2d, inputs, [output], options);
    if (trailingRelu) this.builtin(Op.RELU, 'RELU', [output], [c.output]);
  }

  /**
   * LCE never fuses an activation into a zero-padded ("same", pad_values 0) LceBconv2d (its converter leaves the
   * ReLU out, its Init refuses it), so y = act(mult · clamp(dot) + bias) is written unfused: LceBconv2d with
   * multiplier 1 and bias 0 (the exact dot, as LCE's converter emits a bconv without a following BatchNorm),
   * the clamp as a float RELU / RELU6 / RELU_N1_TO_1 on that integer-valued dot (exact), then MUL and ADD with the
   * transform (ADD carries `activation`). Same float32 steps as the fused form.
   */
  emitZeroPaddedClampedBconv(
    c: Parameters<TfliteEmitter['emitBinaryConvCore']>[0],
    filterT: number,
    t: Extract<Extract<DeployOp, { op: 'bconv2d' }>['transform'], { kind: 'float' }>,
  ): void {
    const outTf = this.mb.tensors[c.output]!;
    const n = c.outChannels;
    const dot = this.temp('dot', outTf.shape, TensorType.FLOAT32);
    const clamped = this.temp('dot_relu', outTf.shape, TensorType.FLOAT32);
    const scaled = this.temp('scaled', outTf.shape, TensorType.FLOAT32);
    const options = bconvOptions({
      channels_in: c.inChannels,
      dilation_height_factor: c.dilations[0],
      dilation_width_factor: c.dilations[1],
      fused_activation_function: Activation.NONE,
      pad_values: 0,
      padding: Padding.SAME,
      stride_height: c.strides[0],
      stride_width: c.strides[1],
    });
    const ones = new Float32Array(n).fill(1);
    this.custom(
      LceOp.Bconv2d,
      [
        c.input,
        filterT,
        this.constF32('unit_multiplier', [n], ones),
        this.constF32('zero_bias', [n], new Float32Array(n)),
        -1,
      ],
      [dot],
      options,
    );
    if (t.clamp === 'relu6') this.builtin(Op.RELU6, 'RELU6', [dot], [clamped]);
    else if (t.clamp === 'relu_n1_to_1') this.builtin(Op.RELU_N1_TO_1, 'RELU_N1_TO_1', [dot], [clamped]);
    else this.builtin(Op.RELU, 'RELU', [dot], [clamped]);
    this.builtin(
      Op.MUL,
      'MUL',
      [clamped, this.constF32('post_activation_multiplier', [n], t.multiplier)],
      [scaled],
      { table: 'MulOptions', values: {} },
    );
    this.builtin(Op.ADD, 'ADD', [scaled, this.constF32('post_activation_bias', [n], t.bias)], [c.output], {
      table: 'AddOptions',
      values: { fused_activation_function: act(t.activation) },
    });
  }

  /**
   * Binary depthwise conv (arm only): LCE has no such op, so unpack to ±1 (LceDequantize), pad with +1 for
   * one-padding (PADV2), and run a float DEPTHWISE_CONV_2D with ±1 weights, then the output transform.
   */
  emitBinaryDepthwise(op: Extract<DeployOp, { op: 'bdepthwise_conv2d' }>): void {
    const inInfo = this.tensorInfo(op.inputs[0]!);
    const [h, w, ch] = inInfo.shape as [number, number, number];
    const [kh, kw] = op.kernel;
    let x = this.temp('unpacked', [1, h, w, ch], TensorType.FLOAT32);
    this.custom(LceOp.Dequantize, [this.t(op.inputs[0]!)], [x], EMPTY_CUSTOM_OPTIONS);
    let padding = op.padding;
    if (op.padding === 'same' && op.padValue === 1) {
      const [pt, pb] = samePadding(h, kh, op.strides[0], op.dilations[0]);
      const [pl, pr] = samePadding(w, kw, op.strides[1], op.dilations[1]);
      const padded = this.temp('one_padded', [1, h + pt + pb, w + pl + pr, ch], TensorType.FLOAT32);
      const paddings = this.constI32('paddings', [4, 2], Int32Array.of(0, 0, pt, pb, pl, pr, 0, 0));
      this.builtin(
        Op.PADV2,
        'PADV2',
        [x, paddings, this.constF32('pad_value', [1], Float32Array.of(1))],
        [padded],
        { table: 'PadV2Options', values: {} },
      );
      x = padded;
      padding = 'valid';
    }
    const words32 = words(ch);
    const t = op.transform;
    const outT = this.t(op.outputs[0]!);
    const outShape = this.mb.tensors[outT]!.shape;
    // ±1 weights [1, KH, KW, C]; with no clamp, mult·dot + bias folds into the conv (weights ·mult, bias); with
    // one, the conv's fused RELU / RELU6 / RELU_N1_TO_1 clamps the integer-valued dot exactly.
    const fold = t.clamp === 'none';
    const weights = new Float32Array(kh * kw * ch);
    for (let k = 0; k < kh * kw; k++)
      for (let c = 0; c < ch; c++) {
        const bit = (op.filter[k * words32 + (c >> 5)]! >>> (c & 31)) & 1;
        weights[k * ch + c] = (bit ? -1 : 1) * (fold ? t.multiplier[c]! : 1);
      }
    const options = (fused: number) => ({
      table: 'DepthwiseConv2DOptions' as const,
      values: {
        padding: pad(padding),
        stride_w: op.strides[1],
        stride_h: op.strides[0],
        depth_multiplier: 1,
        fused_activation_function: fused,
        dilation_w_factor: op.dilations[1],
        dilation_h_factor: op.dilations[0],
      },
    });
    const filterT = this.constF32('filter_pm1', [1, kh, kw, ch], weights);
    if (fold) {
      this.builtin(
        Op.DEPTHWISE_CONV_2D,
        'DEPTHWISE_CONV_2D',
        [x, filterT, this.constF32('bias', [ch], t.bias)],
        [outT],
        options(act(t.activation)),
      );
      return;
    }
    const dot = this.temp('dot', outShape, TensorType.FLOAT32);
    const scaled = this.temp('scaled', outShape, TensorType.FLOAT32);
    this.builtin(
      Op.DEPTHWISE_CONV_2D,
      'DEPTHWISE_CONV_2D',
      [x, filterT, this.constF32('zero_bias', [ch], new Float32Array(ch))],
      [dot],
      options(DOT_CLAMP_ACTIVATION[t.clamp]),
    );
    this.builtin(
      Op.MUL,
      'MUL',
      [dot, this.constF32('post_activation_multiplier', [ch], t.multiplier)],
      [scaled],
      { table: 'MulOptions', values: {} },
    );
    this.builtin(Op.ADD, 'ADD', [scaled, this.constF32('post_activation_bias', [ch], t.bias)], [outT], {
      table: 'AddOptions',
      values: { fused_activation_function: act(t.activation) },
    });
  }
}

/** How one op kind becomes TFLite operators (builtins or LCE custom ops) for the emitter's profile. */
export type TfliteOpEmitter<K extends DeployOpKind> = (
  em: TfliteEmitter,
  op: DeployOpOf<K>,
  producers: Map<string, DeployOp>,
) => void;

const emitPool2d: TfliteOpEmitter<'maxpool2d' | 'avgpool2d'> = (em, op) => {
  const inT = () => em.t(op.inputs[0]!);
  const outId = op.outputs[0]!;
  em.builtin(
    op.op === 'maxpool2d' ? Op.MAX_POOL_2D : Op.AVERAGE_POOL_2D,
    op.op === 'maxpool2d' ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D',
    [inT()],
    [em.t(outId)],
    {
      table: 'Pool2DOptions',
      values: {
        padding: pad(op.padding),
        stride_w: op.strides[1],
        stride_h: op.strides[0],
        filter_width: op.pool[1],
        filter_height: op.pool[0],
      },
    },
  );
};

/**
 * The TFLite operators of every deploy op, one table the compiler checks against bnn-core's op table: a new op
 * kind without an entry here does not compile.
 */
const TFLITE_EMITTERS = {
  quantize: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    if (em.elided.has(op)) return;
    let x = inT();
    const xt = em.mb.tensors[x]!;
    if (xt.shape.length === 2) {
      // A float vector [1, C] is viewed as [1, 1, 1, C] before packing (see tfShape).
      const x4 = em.temp('input_4d', [1, 1, 1, xt.shape[1]!], xt.type, xt.quant);
      em.reshape(x, [1, 1, 1, xt.shape[1]!], x4);
      x = x4;
    }
    em.custom(LceOp.Quantize, [x], [em.t(outId)], EMPTY_CUSTOM_OPTIONS);
  },
  dequantize: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const out = em.t(outId);
    const outShape = em.mb.tensors[out]!.shape;
    if (outShape.length === 2) {
      const y4 = em.temp('output_4d', [1, 1, 1, outShape[1]!], TensorType.FLOAT32);
      em.custom(LceOp.Dequantize, [inT()], [y4], EMPTY_CUSTOM_OPTIONS);
      em.reshape(y4, outShape, out);
    } else em.custom(LceOp.Dequantize, [inT()], [out], EMPTY_CUSTOM_OPTIONS);
  },
  bconv2d: (em, op) => {
    em.emitBconv(op);
  },
  bdense: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    // LCE has no binary dense: a 1×1 LceBconv2d on the [1, 1, 1, words] input (see tfShape).
    const out = em.t(outId);
    const outTf = em.mb.tensors[out]!;
    const float = outTf.shape.length === 2;
    const y4 = float ? em.temp('output_4d', [1, 1, 1, outTf.shape[1]!], outTf.type, outTf.quant) : out;
    em.emitBinaryConvCore({
      input: inT(),
      output: y4,
      filter: op.filter,
      inChannels: op.inChannels,
      outChannels: op.outChannels,
      kernel: [1, 1],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'valid',
      padValue: 0,
      transform: op.transform,
      outId,
    });
    if (float) em.reshape(y4, outTf.shape, out);
  },
  bmaxpool2d: (em, op, producers) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const options = {
      padding: pad(op.padding),
      stride_width: op.strides[1],
      stride_height: op.strides[0],
      filter_width: op.pool[1],
      filter_height: op.pool[0],
    };
    if (em.profile === 'arm') {
      em.custom(LceOp.BMaxPool2d, [inT()], [em.t(outId)], bmaxpoolOptions(options));
      return;
    }
    // xcore: max-pool commutes with sign (sign is monotone, sign(0) = +1), so pool the int8 input of the
    // LceQuantize that feeds this op and quantize again.
    const src = producers.get(op.inputs[0]!)!;
    const x = src.inputs[0]!;
    const xT = em.t(x);
    const pooled = em.temp(
      'int8_pool',
      em.tfShape({ ...em.tensorInfo(outId), kind: 'float32' }),
      TensorType.INT8,
      em.quant.get(x),
    );
    em.builtin(Op.MAX_POOL_2D, 'MAX_POOL_2D', [xT], [pooled], {
      table: 'Pool2DOptions',
      values: {
        padding: options.padding,
        stride_w: options.stride_width,
        stride_h: options.stride_height,
        filter_width: options.filter_width,
        filter_height: options.filter_height,
      },
    });
    em.custom(LceOp.Quantize, [pooled], [em.t(outId)], EMPTY_CUSTOM_OPTIONS);
  },
  bdepthwise_conv2d: (em, op) => {
    em.emitBinaryDepthwise(op);
  },
  conv2d: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const [kh, kw] = op.kernel;
    const { inChannels: cin, outChannels: cout } = op;
    // HWIO [KH, KW, Cin, Cout] → OHWI [Cout, KH, KW, Cin].
    const ohwi = new Float32Array(op.filter.length);
    for (let h = 0; h < kh; h++)
      for (let w = 0; w < kw; w++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++)
            ohwi[((o * kh + h) * kw + w) * cin + i] = op.filter[((h * kw + w) * cin + i) * cout + o]!;
    const bias = op.bias ?? new Float32Array(cout);
    const [filterT, biasT] = em.weightsAndBias(
      op.inputs[0]!,
      ohwi,
      [cout, kh, kw, cin],
      bias,
      cout,
      (i) => Math.floor(i / (kh * kw * cin)),
      0,
    );
    em.builtin(
      Op.CONV_2D,
      'CONV_2D',
      [inT(), filterT, biasT],
      [em.t(outId)],
      {
        table: 'Conv2DOptions',
        values: {
          padding: pad(op.padding),
          stride_w: op.strides[1],
          stride_h: op.strides[0],
          fused_activation_function: act(op.activation),
          dilation_w_factor: op.dilations[1],
          dilation_h_factor: op.dilations[0],
        },
      },
      3,
    );
  },
  depthwise_conv2d: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const [kh, kw] = op.kernel;
    const cm = op.channels * op.depthMultiplier;
    // [KH, KW, C, M] is already TFLite's [1, KH, KW, C·M] in memory (output channel c·M + m).
    const bias = op.bias ?? new Float32Array(cm);
    const [filterT, biasT] = em.weightsAndBias(
      op.inputs[0]!,
      op.filter,
      [1, kh, kw, cm],
      bias,
      cm,
      (i) => i % cm,
      3,
    );
    em.builtin(
      Op.DEPTHWISE_CONV_2D,
      'DEPTHWISE_CONV_2D',
      [inT(), filterT, biasT],
      [em.t(outId)],
      {
        table: 'DepthwiseConv2DOptions',
        values: {
          padding: pad(op.padding),
          stride_w: op.strides[1],
          stride_h: op.strides[0],
          depth_multiplier: op.depthMultiplier,
          fused_activation_function: act(op.activation),
          dilation_w_factor: op.dilations[1],
          dilation_h_factor: op.dilations[0],
        },
      },
      3,
    );
  },
  dense: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const { inChannels: cin, outChannels: cout } = op;
    // Keras [Cin, Cout] → TFLite [Cout, Cin].
    const w = new Float32Array(cin * cout);
    for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) w[o * cin + i] = op.weights[i * cout + o]!;
    const bias = op.bias ?? new Float32Array(cout);
    const [wT, bT] = em.weightsAndBias(op.inputs[0]!, w, [cout, cin], bias, 1, () => 0, 0);
    em.builtin(
      Op.FULLY_CONNECTED,
      'FULLY_CONNECTED',
      [inT(), wT, bT],
      [em.t(outId)],
      {
        table: 'FullyConnectedOptions',
        values: { fused_activation_function: act(op.activation) },
      },
      4,
    );
  },
  scale_shift: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const c = op.scale.length;
    const outT = em.t(outId);
    let mid: number;
    if (em.int8) {
      // x·scale lies in [y − shift]: take its range from the calibrated output range.
      const y = em.quant.get(outId)!;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const s of op.shift) {
        lo = Math.min(lo, y.min![0]! - s);
        hi = Math.max(hi, y.max![0]! - s);
      }
      mid = em.temp(
        'scaled',
        em.mb.tensors[outT]!.shape,
        TensorType.INT8,
        activationQuant({ min: lo, max: hi }),
      );
    } else mid = em.temp('scaled', em.mb.tensors[outT]!.shape, TensorType.FLOAT32);
    const scaleT = em.constAct('scale', [c], op.scale);
    const shiftT = em.constAct('shift', [c], op.shift);
    em.builtin(Op.MUL, 'MUL', [inT(), scaleT], [mid], { table: 'MulOptions', values: {} });
    em.builtin(Op.ADD, 'ADD', [mid, shiftT], [outT], { table: 'AddOptions', values: {} });
  },
  maxpool2d: emitPool2d,
  avgpool2d: emitPool2d,
  global_avgpool: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const axes = em.constI32('axes', [2], Int32Array.of(1, 2));
    em.builtin(Op.MEAN, 'MEAN', [inT(), axes], [em.t(outId)], {
      table: 'ReducerOptions',
      values: { keep_dims: 0 },
    });
  },
  add: (em, op) => {
    const outId = op.outputs[0]!;
    let acc = em.t(op.inputs[0]!);
    const outT = em.t(outId);
    for (let k = 1; k < op.inputs.length; k++) {
      const last = k === op.inputs.length - 1;
      const target = last
        ? outT
        : em.temp(`sum${k}`, em.mb.tensors[outT]!.shape, em.floatType(), em.quant.get(outId));
      em.builtin(Op.ADD, 'ADD', [acc, em.t(op.inputs[k]!)], [target], {
        table: 'AddOptions',
        values: {},
      });
      acc = target;
    }
  },
  concat: (em, op) => {
    const outId = op.outputs[0]!;
    const outT = em.t(outId);
    em.builtin(
      Op.CONCATENATION,
      'CONCATENATION',
      op.inputs.map((i) => em.t(i)),
      [outT],
      {
        table: 'ConcatenationOptions',
        values: { axis: em.mb.tensors[outT]!.shape.length - 1 },
      },
    );
  },
  reshape: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const outT = em.t(outId);
    em.reshape(inT(), em.mb.tensors[outT]!.shape, outT);
  },
  relu: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    em.builtin(Op.RELU, 'RELU', [inT()], [em.t(outId)]);
  },
  prelu: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    const inShape = em.mb.tensors[inT()]!.shape;
    const alphaShape = [...inShape.slice(1, -1).map(() => 1), op.alpha.length];
    em.builtin(Op.PRELU, 'PRELU', [inT(), em.constAct('alpha', alphaShape, op.alpha)], [em.t(outId)]);
  },
  hard_tanh: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    if (!em.int8) {
      em.builtin(Op.RELU_N1_TO_1, 'RELU_N1_TO_1', [inT()], [em.t(outId)]);
      return;
    }
    // int8: MINIMUM(x, 1) then MAXIMUM(·, −1), all in the input's quantisation (shared with the output).
    const qp = em.quant.get(op.inputs[0]!)!;
    const q = em.q(op.inputs[0]!);
    const one = em.mb.addConstTensor(
      `${em.node}/one`,
      [1],
      TensorType.INT8,
      Int8Array.of(quantizeValue(1, q)),
      qp,
    );
    const minusOne = em.mb.addConstTensor(
      `${em.node}/minus_one`,
      [1],
      TensorType.INT8,
      Int8Array.of(quantizeValue(-1, q)),
      qp,
    );
    const outT = em.t(outId);
    const mid = em.temp('upper_clamped', em.mb.tensors[outT]!.shape, TensorType.INT8, qp);
    em.builtin(Op.MINIMUM, 'MINIMUM', [inT(), one], [mid], {
      table: 'MaximumMinimumOptions',
      values: {},
    });
    em.builtin(Op.MAXIMUM, 'MAXIMUM', [mid, minusOne], [outT], {
      table: 'MaximumMinimumOptions',
      values: {},
    });
  },
  leaky_tanh: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    // y = h + alpha·(x − h), h = clamp(x, −1, 1). Float only (xcore refuses it).
    const x = inT();
    const outT = em.t(outId);
    const shape = em.mb.tensors[outT]!.shape;
    const h = em.temp('hard_tanh', shape, TensorType.FLOAT32);
    const d = em.temp('excess', shape, TensorType.FLOAT32);
    const m = em.temp('scaled_excess', shape, TensorType.FLOAT32);
    em.builtin(Op.RELU_N1_TO_1, 'RELU_N1_TO_1', [x], [h]);
    em.builtin(Op.SUB, 'SUB', [x, h], [d], { table: 'SubOptions', values: {} });
    em.builtin(Op.MUL, 'MUL', [d, em.constF32('alpha', [1], Float32Array.of(op.alpha))], [m], {
      table: 'MulOptions',
      values: {},
    });
    em.builtin(Op.ADD, 'ADD', [h, m], [outT], { table: 'AddOptions', values: {} });
  },
  softmax: (em, op) => {
    const inT = () => em.t(op.inputs[0]!);
    const outId = op.outputs[0]!;
    em.builtin(Op.SOFTMAX, 'SOFTMAX', [inT()], [em.t(outId)], {
      table: 'SoftmaxOptions',
      values: { beta: 1 },
    });
  },
  ...INT8_TFLITE_EMITTERS,
  // imported activations (issue 16): one builtin each, float or int8 (the tensors carry the type)
  relu6: (em, op) => em.builtin(Op.RELU6, 'RELU6', [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)]),
  hard_swish: (em, op) =>
    em.builtin(Op.HARD_SWISH, 'HARD_SWISH', [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)]),
  int8_hard_swish: (em, op) =>
    em.builtin(Op.HARD_SWISH, 'HARD_SWISH', [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)]),
} satisfies { [K in DeployOpKind]: TfliteOpEmitter<K> };
