// The compute half of a server training run, run inside a worker thread: load data, train with bnn-core/tf,
// evaluate on the test split. It only reports (epochs, checkpoints, final weights); the job persists.
import {
  deserializeWeights,
  type GraphSpec,
  type PruneOptions,
  pruneModel,
  serializeWeights,
  type WeightMap,
} from '@bnn-studio/bnn-core';
import type { Dataset } from '@bnn-studio/bnn-core/tf';
import { type CoreTf, loadCoreTf } from '../lib/core-tf.js';
import {
  decodeStoredDataset,
  isStoredKind,
  splitOf,
  stridedIndices,
  takeSamples,
  uploadSplit,
} from '../services/datasets/stored-dataset.js';
import type { DatasetSpec, FromTrainer, TrainTask } from './protocol.js';

/** The first n samples of an evenly strided pass over the dataset (stored datasets may be ordered by class). */
function subset(d: Dataset, n: number | undefined): Dataset {
  return !n || n >= d.y.length ? d : takeSamples(d, stridedIndices(d.y.length, n));
}

async function loadData(api: CoreTf, spec: DatasetSpec): Promise<{ train: Dataset; test: Dataset }> {
  if (spec.kind === 'builtin' && spec.id === 'mnist') return api.loadMnist();
  if (spec.kind === 'builtin' && spec.id === 'fashion-mnist') return api.loadFashionMnist();
  if (!spec.dir) throw new Error(`training: dataset '${spec.id}' has no stored files`);
  if (!isStoredKind(spec.kind)) throw new Error(`training: unknown dataset kind '${spec.kind}'`);
  const all = await decodeStoredDataset(api, spec.kind, spec.dir, spec.options);
  const { train, test } = uploadSplit(all.y, splitOf(spec.options));
  return { train: takeSamples(all, train), test: takeSamples(all, test) };
}

/** Test accuracy and confusion matrix from the model's class scores. */
function evaluate(api: CoreTf, graph: GraphSpec, weights: WeightMap, test: Dataset) {
  const n = test.y.length;
  if (n === 0) return null;
  const scores = api.predict(graph, weights, test.x, n);
  const k = Math.round(scores.length / n);
  const confusion = Array.from({ length: test.numClasses }, () => new Array<number>(test.numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c]! > scores[i * k + best]!) best = c;
    const truth = test.y[i]!;
    if (best === truth) correct++;
    if (confusion[truth] && best < test.numClasses) confusion[truth]![best]!++;
  }
  return { accuracy: correct / n, confusionMatrix: confusion, labels: test.labels, testSamples: n };
}

export async function runTrainTask(
  task: TrainTask,
  emit: (m: FromTrainer) => void,
  onTrainer: (stop: () => void) => void,
): Promise<void> {
  const api = await loadCoreTf();
  const backend = await api.initBackend(task.backend);
  emit({ type: 'log', message: `tfjs backend: ${backend}` });
  const data = await loadData(api, task.dataset);
  const train = subset(data.train, task.limits.trainSamples);
  const test = subset(data.test, task.limits.testSamples);
  emit({
    type: 'log',
    message: `dataset ${task.dataset.id}: ${train.y.length} train / ${test.y.length} test samples`,
  });
  const resumeFrom = task.resumeFrom ?? undefined;
  if (task.teacher) emit({ type: 'log', message: `teacher: run ${task.teacher.runId}` });
  if (task.resumeFrom) emit({ type: 'log', message: 'resuming from the last checkpoint' });

  let lastLoss: number | null = null;
  let stopped = false;
  let lastProgress = 0;
  let current: { stop(): void } | null = null;
  const onBatchEnd = (b: { epoch: number; batch: number; batches: number; loss: number }) => {
    const now = Date.now();
    if (now - lastProgress < 1000) return;
    lastProgress = now;
    emit({
      type: 'progress',
      epoch: Number(b.epoch),
      batch: Number(b.batch),
      batches: Number(b.batches),
      loss: Number(b.loss),
    });
  };
  const trainer = api.createTrainer({
    graph: task.graph,
    dataset: train,
    // Server runs checkpoint every epoch unless told otherwise, so a crash loses at most one epoch.
    config: { checkpointEvery: 1, ...task.config, ...teacherDistillation(task) },
    resumeFrom,
    onBatchEnd,
    onEpochEnd: (m) => {
      lastLoss = typeof m.valLoss === 'number' ? m.valLoss : m.loss;
      emit({ type: 'epoch', metrics: { ...m } });
    },
    onCheckpoint: (c, toBytes) => {
      emit({ type: 'checkpoint', epoch: c.epoch, bytes: toBytes() });
    },
  });
  current = trainer;
  onTrainer(() => {
    stopped = true;
    current?.stop();
  });
  try {
    const result = await trainer.start();
    stopped = stopped || result.status === 'stopped';
    let { weights } = result;
    let graph = task.graph;
    let pruned: Extract<FromTrainer, { type: 'done' }>['pruned'] = null;
    const prune = (task.config as { prune?: PruneOptions }).prune;
    if (prune && !stopped) {
      const p = pruneModel(task.graph, weights, prune);
      const r = p.report;
      emit({
        type: 'log',
        message: `pruned: binary MACs ${r.before.binaryMacs} → ${r.after.binaryMacs} (−${(100 * r.binaryMacsRemoved).toFixed(1)} %), ${r.layers.map((l) => `${l.producers.join('+')} ${l.before}→${l.after}`).join(', ') || 'no channels'}${r.removedBlocks.length ? `, blocks ${r.removedBlocks.join(', ')} removed` : ''}`,
      });
      const accuracyBeforePruning = evaluate(api, task.graph, weights, test)?.accuracy ?? null;
      const accuracyBeforeFineTune = evaluate(api, p.graph, p.weights, test)?.accuracy ?? null;
      weights = p.weights;
      if (prune.fineTuneEpochs > 0) {
        emit({ type: 'log', message: `fine-tuning the pruned model for ${prune.fineTuneEpochs} epochs` });
        const tuner = api.createFineTuner({
          graph: p.graph,
          weights: p.weights,
          dataset: train,
          config: task.config,
          epochs: prune.fineTuneEpochs,
          onBatchEnd,
          onEpochEnd: (m) => {
            lastLoss = m.loss;
            emit({ type: 'epoch', metrics: { ...m, phase: 'finetune' } });
          },
        });
        current = tuner;
        try {
          const tuned = await tuner.start();
          stopped = stopped || tuned.status === 'stopped';
          weights = tuned.weights;
        } finally {
          tuner.destroy();
        }
      }
      graph = p.graph;
      pruned = {
        graph: p.graph,
        summary: {
          binaryMacsBefore: r.before.binaryMacs,
          binaryMacsAfter: r.after.binaryMacs,
          binaryMacsRemoved: r.binaryMacsRemoved,
          packedBytesBefore: r.before.packedBytes,
          packedBytesAfter: r.after.packedBytes,
          layers: r.layers.map((l) => ({ producers: l.producers, before: l.before, after: l.after })),
          removedBlocks: r.removedBlocks,
          accuracyBeforePruning,
          accuracyBeforeFineTune,
          fineTuneEpochs: prune.fineTuneEpochs,
        },
      };
    }
    if (stopped) {
      emit({
        type: 'done',
        stopped: true,
        weights: null,
        finalAccuracy: null,
        finalLoss: lastLoss,
        results: null,
      });
      return;
    }
    const evaluation = evaluate(api, graph, weights, test);
    emit({
      type: 'done',
      stopped: false,
      weights: serializeWeights(weights),
      finalAccuracy: evaluation?.accuracy ?? null,
      finalLoss: lastLoss,
      results: evaluation,
      pruned,
    });
  } finally {
    trainer.destroy();
  }
}

/** An earlier run as distillation teacher: its graph and weights go into the trainer's distillation config. */
function teacherDistillation(task: TrainTask) {
  if (!task.teacher) return {};
  return {
    distillation: {
      ...task.config.distillation,
      teacherGraph: task.teacher.graph,
      teacherWeights: deserializeWeights(task.teacher.weights),
    },
  };
}
