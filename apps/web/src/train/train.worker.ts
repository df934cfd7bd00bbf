/// <reference lib="webworker" />
/**
 * Trains a graph with TensorFlow.js off the main thread (WebGL if the worker has it, else wasm, else cpu), so
 * the page stays responsive. Posts per-batch progress (throttled), per-epoch metrics, and at the end the
 * serialised weights (transferred) with a confusion matrix on the held-out samples.
 */
import { deserializeWeights, readTensorsBody, serializeWeights } from '@bnn-studio/bnn-core';
import { createTrainer, type Dataset, predict, type Trainer } from '@bnn-studio/bnn-core/tf';
import { apiFetch } from '../lib/api';
import { pickBackend } from './backend-choice';
import { accuracyOf, argmaxRows, confusionMatrix } from './confusion';
import { readIdx } from './idx';
import type { EpochMetrics, FromWorker, IdxDatasetSpec, ToWorker, WorkerDatasetSpec } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let trainer: Trainer | null = null;
let stopRequested = false;

function post(msg: FromWorker, transfer: Transferable[] = []) {
  self.postMessage(msg, transfer);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`Could not download ${url} (${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

/** An uploaded dataset's train and test splits, decoded by the API (errors carry the API's message and fix). */
async function loadTensors(url: string): Promise<{ train: Dataset; test: Dataset }> {
  post({ type: 'log', text: 'Downloading the dataset from the studio API…' });
  const res = await apiFetch(url);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { header, train, test } = readTensorsBody(bytes);
  post({
    type: 'log',
    text:
      `Dataset ${header.dataset.name}: ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${header.train} of ${header.trainTotal} ` +
      `training and ${header.test} of ${header.testTotal} test samples, shape [${header.shape.join(', ')}].`,
  });
  return { train, test };
}

async function loadDatasets(spec: WorkerDatasetSpec): Promise<{ train: Dataset; test: Dataset }> {
  if (spec.kind === 'tensors') return loadTensors(spec.url);
  return loadIdxDatasets(spec);
}

async function loadIdxDatasets(spec: IdxDatasetSpec): Promise<{ train: Dataset; test: Dataset }> {
  const [imgBytes, lblBytes] = await Promise.all([fetchBytes(spec.imagesUrl), fetchBytes(spec.labelsUrl)]);
  const images = readIdx(imgBytes);
  const labels = readIdx(lblBytes);
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) throw new Error(`Dataset has ${n} images but ${labels.dims[0]} labels.`);
  const sampleShape = images.dims.length === 3 ? [images.dims[1]!, images.dims[2]!, 1] : images.dims.slice(1);
  const per = sampleShape.reduce((a, b) => a * b, 1);
  let numClasses = 0;
  for (const l of labels.data) numClasses = Math.max(numClasses, l + 1);
  const names =
    spec.labels?.length === numClasses
      ? spec.labels
      : Array.from({ length: numClasses }, (_, i) => String(i));
  // The built-in file interleaves the classes, so any contiguous range is class-balanced: the test set is the
  // first `testN` samples and training takes the ones after it.
  const testN = Math.min(spec.testSamples, Math.floor(n / 5));
  const trainAll = n - testN;
  const trainN = spec.maxTrainSamples > 0 ? Math.min(spec.maxTrainSamples, trainAll) : trainAll;
  const slice = (from: number, count: number, name: string): Dataset => {
    const x = new Float32Array(count * per);
    const src = images.data.subarray(from * per, (from + count) * per);
    for (let i = 0; i < x.length; i++) x[i] = src[i]! / 255;
    const y = Int32Array.from(labels.data.subarray(from, from + count));
    return { name, x, y, shape: sampleShape, numClasses, labels: names };
  };
  return { train: slice(testN, trainN, 'train'), test: slice(0, testN, 'test') };
}

async function run(msg: Extract<ToWorker, { type: 'start' }>) {
  stopRequested = false;
  const backend = await pickBackend(msg.backend, msg.wasmPaths, (text) => post({ type: 'log', text }));
  post({ type: 'backend', backend });
  post({ type: 'log', text: `TensorFlow.js backend: ${backend}` });
  const { train, test } = await loadDatasets(msg.dataset);
  post({ type: 'log', text: `Training on ${train.y.length} samples, testing on ${test.y.length}.` });
  const history: EpochMetrics[] = [];
  let lastBatchPost = 0;
  // A distilled run's teacher runs here beside the student (its logits are the soft targets of every batch).
  const distillation = msg.config.distillation as Record<string, unknown> | undefined;
  if (distillation && !msg.teacher)
    throw Object.assign(
      new Error('This run is distilled but no teacher weights reached the training worker.'),
      {
        fix: 'Start the run again from the Train page (it downloads the teacher first).',
      },
    );
  const config = msg.teacher
    ? {
        ...msg.config,
        distillation: {
          ...distillation,
          teacherGraph: msg.teacher.graph,
          teacherWeights: deserializeWeights(new Uint8Array(msg.teacher.weights)),
        },
      }
    : msg.config;
  if (msg.teacher)
    post({ type: 'log', text: 'Distilling: the teacher runs beside the student in this worker.' });
  const t = createTrainer({
    graph: msg.graph,
    dataset: train,
    // The page built the config with toTrainConfig; the trainer's schema validates it and names any problem.
    config: config as Parameters<typeof createTrainer>[0]['config'],
    onBatchEnd: (m) => {
      const now = performance.now();
      if (now - lastBatchPost < 250) return;
      lastBatchPost = now;
      post({
        type: 'batch',
        epoch: m.epoch,
        batch: m.batch,
        batches: m.batches,
        loss: m.loss,
        accuracy: m.accuracy,
        phase: m.phase,
      });
    },
    onEpochEnd: (m) => {
      if (m.phase === 'teacher') {
        post({
          type: 'log',
          text: `Teacher epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, accuracy ${(m.accuracy * 100).toFixed(1)}%`,
        });
        return;
      }
      const row: EpochMetrics = {
        epoch: m.epoch,
        loss: m.loss,
        accuracy: m.accuracy,
        valLoss: m.valLoss,
        valAccuracy: m.valAccuracy,
        flipRatio: m.flipRatio,
        seconds: m.seconds,
      };
      history.push(row);
      post({ type: 'epoch', metrics: row });
    },
  });
  trainer = t;
  const result = await t.start();
  const weights = result.weights;
  post({
    type: 'log',
    text: `Trainer ${result.status} after ${result.epochs} epoch(s); scoring the test set.`,
  });
  const scores = predict(msg.graph, weights, test.x, test.y.length);
  const predicted = argmaxRows(scores, test.numClasses);
  const confusion = confusionMatrix(test.y, predicted, test.numClasses);
  const bytes = serializeWeights(weights);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  t.destroy();
  trainer = null;
  post(
    {
      type: 'done',
      stopped: result.status === 'stopped' || stopRequested,
      weights: buffer,
      testAccuracy: accuracyOf(confusion),
      confusion,
      labels: test.labels,
      history,
    },
    [buffer],
  );
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'stop') {
    stopRequested = true;
    trainer?.stop();
    return;
  }
  if (msg.type === 'start') {
    run(msg).catch((err: unknown) => {
      const e2 = err as Error & { fix?: string };
      post({ type: 'error', message: e2.message ?? String(err), ...(e2.fix ? { fix: e2.fix } : {}) });
    });
  }
};
