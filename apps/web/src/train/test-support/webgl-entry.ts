/**
 * Bundled into a page by webgl.chromium.test.ts: trains and runs a graph on a chosen tfjs backend inside real
 * Chromium, so the test can compare WebGL against cpu. Data and weights cross the page boundary as plain arrays.
 */
import { deserializeWeights, type GraphSpec, serializeWeights } from '@bnn-studio/bnn-core';
import {
  Bop,
  buildModel,
  createTrainer,
  disposeModel,
  makeQuantizer,
  modelInfo,
  predict,
} from '@bnn-studio/bnn-core/tf';
import * as tf from '@tensorflow/tfjs';
import { hasHardwareWebgl, startBackend, webglRenderer } from '../backend-choice';

export interface TrainJob {
  graph: GraphSpec;
  x: number[];
  y: number[];
  shape: number[];
  numClasses: number;
  config: Record<string, unknown>;
}

export interface TrainOutcome {
  backend: string;
  /** Loss of every training step, in order. */
  losses: number[];
  /** serializeWeights bytes of the trained weights. */
  weights: number[];
  /** The trained model's outputs on the training inputs. */
  outputs: number[];
  /** Whether tfjs-backend-webgl computed in full float32 textures. */
  float32: boolean | null;
}

/** Starts a backend the way the training worker does (with its WebGL training kernels). */
async function use(backend: 'cpu' | 'webgl'): Promise<string> {
  return startBackend(backend);
}

async function trainOn(backend: 'cpu' | 'webgl', job: TrainJob): Promise<TrainOutcome> {
  const name = await use(backend);
  const x = Float32Array.from(job.x);
  const dataset = {
    name: 'synthetic',
    x,
    y: Int32Array.from(job.y),
    shape: job.shape,
    numClasses: job.numClasses,
    labels: Array.from({ length: job.numClasses }, (_, i) => String(i)),
  };
  const losses: number[] = [];
  const trainer = createTrainer({
    graph: job.graph,
    dataset,
    config: job.config as Parameters<typeof createTrainer>[0]['config'],
    onBatchEnd: (m) => {
      losses.push(m.loss);
    },
  });
  const result = await trainer.start();
  trainer.destroy();
  const outputs = predict(job.graph, result.weights, x, job.y.length);
  return {
    backend: name,
    losses,
    weights: Array.from(serializeWeights(result.weights)),
    outputs: Array.from(outputs),
    float32: name === 'webgl' ? tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') : null,
  };
}

/** Forward pass of `graph` with the given serialised weights on one backend. */
async function forward(
  backend: 'cpu' | 'webgl',
  graph: GraphSpec,
  weights: number[],
  x: number[],
  batch: number,
): Promise<number[]> {
  await use(backend);
  return Array.from(
    predict(graph, deserializeWeights(Uint8Array.from(weights)), Float32Array.from(x), batch),
  );
}

/**
 * Loss and gradients of every trainable variable (in model order) for one batch, training mode, with the
 * initial weights of `buildModel(graph, { seed })`: the quantity a training step is made of.
 */
async function gradients(
  backend: 'cpu' | 'webgl',
  job: TrainJob,
  seed: number,
): Promise<{ loss: number; grads: { name: string; data: number[] }[] }> {
  await use(backend);
  const model = buildModel(job.graph, { seed });
  const { logitsModel } = modelInfo(model);
  const out = tf.tidy(() => {
    const xs = tf.tensor(Float32Array.from(job.x), [job.y.length, ...job.shape]);
    const ys = tf.oneHot(tf.tensor1d(Int32Array.from(job.y), 'int32'), job.numClasses);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          ys,
          logitsModel.apply(xs, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      vars,
    );
    return {
      loss: value.dataSync()[0]!,
      grads: model.trainableWeights.map((w, i) => ({
        name: w.originalName,
        data: Array.from(grads[vars[i]!.name]?.dataSync() ?? []),
      })),
    };
  });
  disposeModel(model);
  return out;
}

export interface PoolCase {
  shape: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

/**
 * Input gradients of max pooling on inputs full of ties (values in {-1, 0, 1}), weighted by a fixed dy, for
 * each case: which input receives each window's gradient.
 */
async function maxPoolGrads(backend: 'cpu' | 'webgl', cases: PoolCase[]): Promise<number[][]> {
  await use(backend);
  return cases.map((c, k) =>
    tf.tidy(() => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor4d(
        Float32Array.from({ length: n }, (_, i) => ((i * 7 + k) % 3) - 1),
        c.shape,
      );
      const f = (a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, c.pool, c.strides, c.pad);
        const w = Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 5));
        return tf.sum(tf.mul(y, tf.tensor(w, y.shape)));
      };
      return Array.from(tf.grad(f)(x).dataSync());
    }),
  );
}

/** tf.pad of a counting tensor for each case; a failing case returns its error message instead. */
async function pads(
  backend: 'cpu' | 'webgl',
  cases: { shape: number[]; paddings: Array<[number, number]> }[],
): Promise<Array<number[] | string>> {
  await use(backend);
  return cases.map((c) => {
    try {
      return tf.tidy(() => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(
          Float32Array.from({ length: n }, (_, i) => i + 1),
          c.shape,
        );
        return Array.from(tf.pad(x, c.paddings, -1).dataSync());
      });
    } catch (e) {
      return (e as Error).message;
    }
  });
}

/**
 * The places where a backend's `sign` near 0 would matter (tfjs-wasm's is 0 for |x| ≤ 1e-7): ste_sign and
 * ste_tern on values within 1e-7 of their thresholds, and one Bop step (τ = 1e-8) on ±1 weights with momenta
 * near τ. Inputs are given as plain arrays; outputs come back as plain arrays.
 */
async function signChecks(
  backend: 'cpu' | 'webgl',
  input: { x: number[]; tern: number[]; w: number[]; g: number[] },
): Promise<{ steSign: number[]; steTern: number[]; bop: number[] }> {
  await use(backend);
  const steSign = tf.tidy(() =>
    Array.from(makeQuantizer({ id: 'ste_sign' })!(tf.tensor1d(input.x)).dataSync()),
  );
  const steTern = tf.tidy(() =>
    Array.from(
      makeQuantizer({ id: 'ste_tern', config: { threshold_value: 0.05 } })!(
        tf.tensor1d(input.tern),
      ).dataSync(),
    ),
  );
  const variable = tf.variable(tf.tensor1d(input.w), true, `bop_check_${backend}_${Date.now()}`);
  const g = tf.tensor1d(input.g);
  const bop = new Bop({ threshold: 1e-8, gamma: 1e-4 });
  bop.apply([{ key: 'w', variable, binary: true }], [g]);
  const out = Array.from(variable.dataSync());
  bop.dispose();
  variable.dispose();
  g.dispose();
  return { steSign, steTern, bop: out };
}

function webglReport(): { renderer: string | null; hardware: boolean } {
  return { renderer: webglRenderer(), hardware: hasHardwareWebgl() };
}

const api = {
  trainOn,
  forward,
  gradients,
  maxPoolGrads,
  pads,
  signChecks,
  webglReport,
  numTensors: () => tf.memory().numTensors,
  /** Data buffers the active backend holds (intermediates a kernel forgot to dispose stay here). */
  dataIds: () => tf.backend().numDataIds(),
};
export type WebglTestApi = typeof api;
(globalThis as unknown as { webglTest: WebglTestApi }).webglTest = api;
