/**
 * The built-in MNIST test split through `tflite-xcore` exports (issue #14): each preset the xcore profile accepts,
 * lowered with seeded weights and calibrated on real MNIST training images, is exported, read back and run
 * image by image with the independent TFLite/LCE int8 reference (`tflite-int8-reference.ts`), beside the studio's
 * engine on the same deploy graph, and the file imported back (`importTflite`) run whole by the studio's engine. Used by `xcore-test-split.test.ts` (a slice) and the exporters bench (the whole
 * split). Presets with a 96×96 input see each digit upsampled (nearest) and, for 3 channels, repeated.
 */
import {
  type DeployGraph,
  getPreset,
  type Int8Quant,
  listPresets,
  lower,
  randomWeights,
} from '@bnn-studio/bnn-core';
import { loadMnist } from '@bnn-studio/bnn-core/tf';
import {
  createEngine,
  int8AddReference,
  int8Bconv2dReference,
  int8BitpackReference,
  int8Conv2dReference,
  int8DenseReference,
  int8DepthwiseConv2dReference,
  int8MeanReference,
  int8Pool2dReference,
  int8SoftmaxReference,
} from '@bnn-studio/kernels';
import { type CalibrationRanges, calibrateTflite } from './calibrate.js';
import { importTflite } from './import/import-tflite.js';
import { dotClampOf } from './lce-options.js';
import { listTfliteRefusals } from './profile-rules.js';
import { readTflite, type TfliteModelView } from './read-tflite.js';
import { TensorType } from './schema.js';
import { runTfliteInt8Reference } from './tflite-int8-reference.js';
import { writeTflite } from './write-tflite.js';

/** MNIST images (28×28, [0, 1]) as inputs of shape [h, w, c]: nearest upsampling, channels repeated. */
export function adaptImages(x: Float32Array, count: number, [h, w, c]: number[]): Float32Array {
  if (h === 28 && w === 28 && c === 1) return x.slice(0, count * 784);
  const out = new Float32Array(count * h! * w! * c!);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < h!; y++)
      for (let xx = 0; xx < w!; xx++) {
        const v = x[n * 784 + Math.floor((y * 28) / h!) * 28 + Math.floor((xx * 28) / w!)]!;
        for (let k = 0; k < c!; k++) out[((n * h! + y) * w! + xx) * c! + k] = v;
      }
  return out;
}

export interface XcorePresetCase {
  id: string;
  deploy: DeployGraph;
  inputShape: number[];
  bytes: Uint8Array;
  model: TfliteModelView;
  ranges: CalibrationRanges['ranges'];
}

/** The presets the xcore profile accepts, each exported with calibration on `calibrationImages` MNIST train images. */
export async function xcorePresetCases(calibrationImages = 64): Promise<XcorePresetCase[]> {
  const { train } = loadMnist();
  const cases: XcorePresetCase[] = [];
  for (const p of listPresets()) {
    const graph = getPreset(p.id);
    const deploy = lower(graph, randomWeights(graph, 1));
    if (listTfliteRefusals(deploy, 'xcore').length > 0) continue;
    const inputShape = deploy.tensors.find((t) => t.id === deploy.input)!.shape;
    const calibration = await calibrateTflite(deploy, {
      data: adaptImages(train.x, calibrationImages, inputShape),
      batch: calibrationImages,
    });
    const bytes = writeTflite(deploy, { profile: 'xcore', calibration });
    cases.push({ id: p.id, deploy, inputShape, bytes, model: readTflite(bytes), ranges: calibration.ranges });
  }
  return cases;
}

/** TFLite's QUANTIZE of a float input to the file's int8 input: round(x / s) (ties away from zero) + z, saturated. */
export function quantizeInput(model: TfliteModelView, x: Float32Array): number[] {
  const sg = model.subgraphs[0]!;
  const q = sg.tensors[sg.inputs[0]!]!.quantization!;
  const s = q.scale[0]!;
  const z = q.zeroPoint[0]!;
  return Array.from(x, (v) => {
    const r = Math.fround(v / s);
    return Math.max(-128, Math.min(127, Math.sign(r) * Math.round(Math.abs(r)) + z));
  });
}

const argmax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

export interface SplitResult {
  id: string;
  images: number;
  /** Images where the file's logits (reference) and the studio's float outputs have the same argmax. */
  argmaxAgree: number;
  /** The file's int8 logits per image (the SOFTMAX input). */
  logits: number[][];
  /** The studio's int8 kernels on every operator they cover, against the reference, over all images. */
  studio: StudioComparison;
  /** The file imported back (`importTflite`) and run whole by the studio's engine, against the reference. */
  imported: ImportedComparison;
}

/** The studio's own run of the imported file (its whole output) against the reference's output. */
export interface ImportedComparison {
  /** Operators the importer refused (`op #index`); the rest is empty when any is refused. */
  refused: string[];
  /** Output values compared (images × output size). */
  values: number;
  /** Images whose int8 output differs from the reference's in any value, and the values that differ. */
  mismatchingImages: number;
  mismatchingValues: number;
  /** Images where the imported model's output and the reference's output have the same argmax. */
  argmaxAgree: number;
  /** The first few differences, for messages. */
  first: string[];
}

/** Images per engine call: a whole 96×96 split in one batch would need over 2 GiB of working memory. */
const ENGINE_CHUNK = 128;

/** The engine's first output over `n` images, run `ENGINE_CHUNK` images at a time. */
function runInChunks(
  engine: Awaited<ReturnType<typeof createEngine>>,
  x: Float32Array,
  n: number,
  size: number,
): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i += ENGINE_CHUNK) {
    const m = Math.min(ENGINE_CHUNK, n - i);
    parts.push(engine.run(x.subarray(i * size, (i + m) * size), m)[0]!);
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `count` test images through the file (reference) and the studio's engine (wasm) on the deploy graph. */
export async function runTestSplit(c: XcorePresetCase, count: number): Promise<SplitResult> {
  const { test } = loadMnist();
  const n = Math.min(count, test.y.length);
  const x = adaptImages(test.x, n, c.inputShape);
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const engine = await createEngine(c.deploy);
  const studio = runInChunks(engine, x, n, size);
  engine.dispose();
  const classes = studio.length / n;
  // The file imported back: the studio's engine runs the imported int8 graph on the same float images (its
  // int8_quantize is the file's input QUANTIZE, so both sides see the same int8 input).
  const im = importTflite(c.bytes);
  const imported: ImportedComparison = {
    refused: im.refused.map((r) => `${r.op} #${r.operatorIndex}: ${r.message}`),
    values: 0,
    mismatchingImages: 0,
    mismatchingValues: 0,
    argmaxAgree: 0,
    first: [],
  };
  let importedOut: Float32Array | null = null;
  if (im.graph) {
    const e = await createEngine(im.graph);
    importedOut = runInChunks(e, x, n, size);
    e.dispose();
  }
  let agree = 0;
  const logits: number[][] = [];
  const studioCmp: StudioComparison = { compared: {}, notInStudio: {}, mismatches: [] };
  const sg = c.model.subgraphs[0]!;
  for (let i = 0; i < n; i++) {
    const xq = quantizeInput(c.model, x.subarray(i * size, (i + 1) * size));
    const { values, softmaxInput } = runTfliteInt8Reference(c.model, xq);
    const last = softmaxInput ?? sg.outputs[0]!;
    const y = values.get(last)!;
    logits.push(y);
    compareWithStudio(c.model, values, studioCmp);
    if (argmax(y) === argmax(studio.subarray(i * classes, (i + 1) * classes))) agree++;
    if (importedOut) {
      const want = values.get(sg.outputs[0]!)!;
      const got = importedOut.subarray(i * want.length, (i + 1) * want.length);
      let bad = 0;
      want.forEach((v, k) => {
        if (got[k] !== v) {
          bad++;
          if (imported.first.length < 5)
            imported.first.push(`image ${i} value ${k}: studio ${got[k]}, reference ${v}`);
        }
      });
      imported.values += want.length;
      imported.mismatchingValues += bad;
      if (bad > 0) imported.mismatchingImages++;
      if (argmax(want) === argmax(got)) imported.argmaxAgree++;
    }
  }
  return { id: c.id, images: n, argmaxAgree: agree, logits, studio: studioCmp, imported };
}

/**
 * The studio's int8 kernels (kernels' reference kernels, which the WASM kernels equal bit for bit) on one
 * operator of the file, fed the reference's values of its inputs: the operator's output as the studio computes
 * it, or null when this comparison does not run it (MUL, ADD of a constant, RELU, int8 → int8 QUANTIZE, PAD,
 * RESHAPE: the whole-file run of the imported model covers them).
 */
export function studioInt8Operator(
  model: TfliteModelView,
  index: number,
  values: ReadonlyMap<number, number[]>,
): number[] | null {
  const sg = model.subgraphs[0]!;
  const op = sg.operators[index]!;
  const t = (i: number) => sg.tensors[i]!;
  const isConst = (i: number) => (model.buffers[t(i).buffer]?.data?.length ?? 0) > 0;
  const quant = (i: number): Int8Quant => ({
    scale: t(i).quantization!.scale[0]!,
    zeroPoint: t(i).quantization!.zeroPoint[0]!,
  });
  const data = (i: number) => model.buffers[t(i).buffer]!.data!.slice().buffer;
  const i8 = (i: number) => Int8Array.from(values.get(i)!);
  const [x, out] = [op.inputs[0]!, op.outputs[0]!];
  const o = op.builtinOptions ?? {};
  const activation = o.fused_activation_function === 1 ? 'relu' : 'none';
  const common = { sourceNode: `op${index}`, inputs: ['x'], outputs: ['y'] };
  const padding = o.padding === 0 ? ('same' as const) : ('valid' as const);
  const hw = (i: number): [number, number] => [t(i).shape[1]!, t(i).shape[2]!];
  const win = {
    strides: [o.stride_h, o.stride_w] as [number, number],
    dilations: [o.dilation_h_factor ?? 1, o.dilation_w_factor ?? 1] as [number, number],
    padding,
  };
  const bias = (i: number) => (i >= 0 ? new Int32Array(data(i)) : null);
  const y = (() => {
    switch (op.opName) {
      case 'CONV_2D': {
        const [cout, kh, kw, cin] = t(op.inputs[1]!).shape as [number, number, number, number];
        return int8Conv2dReference(
          i8(x),
          ...hw(x),
          {
            ...common,
            op: 'int8_conv2d',
            filter: new Int8Array(data(op.inputs[1]!)),
            filterScales: Float32Array.from(t(op.inputs[1]!).quantization!.scale),
            bias: bias(op.inputs[2]!),
            inChannels: cin,
            outChannels: cout,
            kernel: [kh, kw],
            ...win,
            activation,
          },
          quant(x),
          quant(out),
        );
      }
      case 'DEPTHWISE_CONV_2D': {
        const [, kh, kw, n] = t(op.inputs[1]!).shape as [number, number, number, number];
        const c = t(x).shape[3]!;
        return int8DepthwiseConv2dReference(
          i8(x),
          ...hw(x),
          {
            ...common,
            op: 'int8_depthwise_conv2d',
            filter: new Int8Array(data(op.inputs[1]!)),
            filterScales: Float32Array.from(t(op.inputs[1]!).quantization!.scale),
            bias: bias(op.inputs[2]!),
            channels: c,
            depthMultiplier: n / c,
            kernel: [kh, kw],
            ...win,
            activation,
          },
          quant(x),
          quant(out),
        );
      }
      case 'FULLY_CONNECTED': {
        const [cout, cin] = t(op.inputs[1]!).shape as [number, number];
        const s = t(op.inputs[1]!).quantization!.scale;
        return int8DenseReference(
          i8(x),
          {
            ...common,
            op: 'int8_dense',
            weights: new Int8Array(data(op.inputs[1]!)),
            // a per-tensor filter: the same scale for every output channel
            filterScales: Float32Array.from({ length: cout }, (_, c) => (s.length === 1 ? s[0]! : s[c]!)),
            bias: bias(op.inputs[2]!),
            inChannels: cin,
            outChannels: cout,
            activation,
          },
          quant(x),
          quant(out),
        );
      }
      case 'ADD': {
        const b = op.inputs[1]!;
        if (isConst(b) || t(b).shape.join() !== t(x).shape.join()) return null;
        return int8AddReference(i8(x), i8(b), quant(x), quant(b), quant(out), activation);
      }
      case 'MAX_POOL_2D':
      case 'AVERAGE_POOL_2D':
        return int8Pool2dReference(i8(x), ...hw(x), t(x).shape[3]!, {
          ...common,
          op: op.opName === 'MAX_POOL_2D' ? 'int8_maxpool2d' : 'int8_avgpool2d',
          pool: [o.filter_height, o.filter_width] as [number, number],
          strides: win.strides,
          padding,
        });
      case 'MEAN':
        if (o.keep_dims) return null;
        return int8MeanReference(i8(x), ...hw(x), t(x).shape[3]!, quant(x), quant(out));
      case 'SOFTMAX': {
        const depth = t(x).shape.at(-1)!;
        return int8SoftmaxReference(i8(x), depth, o.beta as number, quant(x));
      }
      case 'LceQuantize':
        return int8BitpackReference(i8(x), t(x).shape.at(-1)!, quant(x).zeroPoint);
      case 'LceBconv2d': {
        if (t(out).type !== TensorType.INT8) return null;
        const opt = op.customOptionsDecoded as Record<string, number>;
        const [cout, kh, kw] = t(op.inputs[1]!).shape as [number, number, number];
        return int8Bconv2dReference(
          Int32Array.from(values.get(x)!),
          ...hw(x),
          {
            ...common,
            op: 'int8_bconv2d',
            filter: new Int32Array(data(op.inputs[1]!)),
            inChannels: opt.channels_in!,
            outChannels: cout,
            kernel: [kh, kw],
            strides: [opt.stride_height!, opt.stride_width!],
            dilations: [opt.dilation_height_factor!, opt.dilation_width_factor!],
            padding: opt.padding === 0 ? 'same' : 'valid',
            padValue: opt.pad_values === 1 ? 1 : 0,
            clamp: dotClampOf(opt.fused_activation_function!) ?? 'none',
            multiplier: new Float32Array(data(op.inputs[2]!)),
            bias: new Float32Array(data(op.inputs[3]!)),
          },
          quant(out),
        );
      }
      default:
        return null;
    }
  })();
  return y === null ? null : Array.from(y);
}

/** Per operator name: how many operator runs the studio computed, and the first mismatches found. */
export interface StudioComparison {
  compared: Record<string, number>;
  notInStudio: Record<string, number>;
  mismatches: string[];
}

/** Every operator of one reference run that the studio has an int8 op for, compared element by element. */
export function compareWithStudio(
  model: TfliteModelView,
  values: ReadonlyMap<number, number[]>,
  into: StudioComparison,
): void {
  const sg = model.subgraphs[0]!;
  sg.operators.forEach((op, index) => {
    const want = values.get(op.outputs[0]!);
    if (!want) return; // after the reference stopped (SOFTMAX)
    const got = studioInt8Operator(model, index, values);
    if (got === null) {
      into.notInStudio[op.opName] = (into.notInStudio[op.opName] ?? 0) + 1;
      return;
    }
    into.compared[op.opName] = (into.compared[op.opName] ?? 0) + 1;
    const bad = want.findIndex((v, i) => got[i] !== v);
    if ((bad >= 0 || got.length !== want.length) && into.mismatches.length < 10)
      into.mismatches.push(
        `operator ${index} (${op.opName}) element ${bad}: studio ${got[bad]}, reference ${want[bad]}`,
      );
  });
}
