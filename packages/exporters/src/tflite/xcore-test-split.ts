/**
 * The built-in MNIST test split through `tflite-xcore` exports (issue #14): each preset the xcore profile accepts,
 * lowered with seeded weights and calibrated on real MNIST training images, is exported, read back and run
 * image by image with the independent TFLite/LCE int8 reference (`tflite-int8-reference.ts`), beside the studio's
 * engine on the same deploy graph. Used by `xcore-test-split.test.ts` (a slice) and the exporters bench (the whole
 * split). Presets with a 96×96 input see each digit upsampled (nearest) and, for 3 channels, repeated.
 */
import { type DeployGraph, getPreset, listPresets, lower, randomWeights } from '@bnn-studio/bnn-core';
import { loadMnist } from '@bnn-studio/bnn-core/tf';
import { createEngine } from '@bnn-studio/kernels';
import { type CalibrationRanges, calibrateTflite } from './calibrate.js';
import { listTfliteRefusals } from './profile-rules.js';
import { readTflite, type TfliteModelView } from './read-tflite.js';
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
  /** The file's int8 logits per image (the SOFTMAX input), for exact comparisons. */
  logits: number[][];
}

/** Runs `count` test images through the file (reference) and the studio's engine (wasm) on the deploy graph. */
export async function runTestSplit(c: XcorePresetCase, count: number): Promise<SplitResult> {
  const { test } = loadMnist();
  const n = Math.min(count, test.y.length);
  const x = adaptImages(test.x, n, c.inputShape);
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const engine = await createEngine(c.deploy);
  const studio = engine.run(x, n)[0]!;
  engine.dispose();
  const classes = studio.length / n;
  let agree = 0;
  const logits: number[][] = [];
  for (let i = 0; i < n; i++) {
    const xq = quantizeInput(c.model, x.subarray(i * size, (i + 1) * size));
    const { values, stoppedAt } = runTfliteInt8Reference(c.model, xq);
    const sg = c.model.subgraphs[0]!;
    const last = stoppedAt === null ? sg.outputs[0]! : sg.operators[stoppedAt]!.inputs[0]!;
    const y = values.get(last)!;
    logits.push(y);
    if (argmax(y) === argmax(studio.subarray(i * classes, (i + 1) * classes))) agree++;
  }
  return { id: c.id, images: n, argmaxAgree: agree, logits };
}
