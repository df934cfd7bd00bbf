import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import { describeWeights } from '../eval/weight-specs.js';
import { pruneModel } from '../prune/prune.js';
import { initBackend } from '../tf/backend/init-backend.js';
import { tinyCnn } from '../tf/test-graphs.js';
import { createFineTuner } from './fine-tune.js';
import { createTrainer, evaluate, splitValidation } from './trainer.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 8×8 images: class k has a bright 4×4 block in quadrant k (k = 0..2). */
function quadrants(n: number): Dataset {
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    for (let p = 0; p < 64; p++) {
      const h = Math.floor(p / 8);
      const w = p % 8;
      const inBlock =
        h >= (k === 2 ? 4 : 0) && h < (k === 2 ? 8 : 4) && w >= (k === 1 ? 4 : 0) && w < (k === 1 ? 8 : 4);
      x[i * 64 + p] = (inBlock ? 0.8 : 0.1) + 0.05 * ((i * 31 + p * 7) % 5);
    }
  }
  return { name: 'quadrants', x, y, shape: [8, 8, 1], numClasses: 3, labels: ['a', 'b', 'c'] };
}

describe('createFineTuner', () => {
  it('starts from the pruned weights (not a fresh initialisation) and trains the pruned graph', async () => {
    const data = quadrants(96);
    const graph = tinyCnn();
    const trained = await createTrainer({
      graph,
      dataset: data,
      config: { epochs: 3, batchSize: 16, seed: 1 },
    }).start();
    const pruned = pruneModel(graph, trained.weights, { fraction: 0.5 });
    expect(pruned.report.layers.map((l) => [l.before, l.after])).toEqual([[6, 3]]);
    // Zero learning rate: fine-tuning changes nothing but BatchNorm statistics, so the start weights must be the pruned ones.
    const still = await createFineTuner({
      graph: pruned.graph,
      weights: pruned.weights,
      dataset: data,
      config: {
        epochs: 99,
        batchSize: 16,
        seed: 2,
        optimizer: { id: 'sgd', learningRate: 1e-12, momentum: 0 },
      },
      epochs: 1,
    }).start();
    expect(still.epochs).toBe(1);
    const qconv = graph.nodes.find((n) => n.type === 'QuantConv2D')!.id;
    expect(Array.from(still.weights[qconv]!.kernel!.data)).toEqual(
      Array.from(pruned.weights[qconv]!.kernel!.data).map((v) => expect.closeTo(v, 6)),
    );
    const tuned = await createFineTuner({
      graph: pruned.graph,
      weights: pruned.weights,
      dataset: data,
      config: { epochs: 99, batchSize: 16, seed: 2 },
      epochs: 2,
    }).start();
    const shapes = Object.fromEntries(
      Object.entries(tuned.weights).map(([id, v]) => [
        id,
        Object.fromEntries(Object.entries(v).map(([k, t]) => [k, t.shape])),
      ]),
    );
    expect(shapes).toEqual(describeWeights(pruned.graph));
    expect(Number.isFinite(evaluate(pruned.graph, tuned.weights, data).loss)).toBe(true);
  }, 60_000);

  it("holds out the run's validation samples and reports the pruned model's accuracy on them", async () => {
    const data = quadrants(120);
    const graph = tinyCnn();
    const config = { epochs: 2, batchSize: 16, seed: 4, validationSplit: 0.25 };
    const trained = await createTrainer({ graph, dataset: data, config }).start();
    const { train, validation } = splitValidation(data, 4, 0.25);
    expect([train.y.length, validation.y.length]).toEqual([90, 30]);
    // The run's last validation accuracy is its final weights' accuracy on exactly these held-out samples.
    expect(trained.history.at(-1)!.valAccuracy).toBeCloseTo(
      evaluate(graph, trained.weights, validation).accuracy,
      6,
    );
    const pruned = pruneModel(graph, trained.weights, { fraction: 0.5 });
    const epochs: Array<{ valAccuracy: number | null }> = [];
    const tuned = await createFineTuner({
      graph: pruned.graph,
      weights: pruned.weights,
      dataset: data,
      config,
      epochs: 2,
      onEpochEnd: (m) => epochs.push(m),
    }).start();
    expect(epochs).toHaveLength(2);
    // Every fine-tuning epoch is scored on the run's validation samples (same seed, same split) with the pruned
    // graph; the last one is the fine-tuned weights' accuracy there.
    expect(epochs.every((m) => typeof m.valAccuracy === 'number')).toBe(true);
    expect(epochs.at(-1)!.valAccuracy).toBeCloseTo(
      evaluate(pruned.graph, tuned.weights, validation).accuracy,
      6,
    );
    // Fine-tuning trains on the run's 90 training samples only: ceil(90 / 16) = 6 batches per epoch.
    const batches: number[] = [];
    await createFineTuner({
      graph: pruned.graph,
      weights: pruned.weights,
      dataset: data,
      config,
      epochs: 1,
      onBatchEnd: (b) => batches.push(b.batches),
    }).start();
    expect(batches[0]).toBe(6);
  }, 60_000);
});
