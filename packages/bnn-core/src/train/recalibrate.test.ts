import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import { Rng } from '../math/rng.js';
import { initBackend } from '../tf/backend/init-backend.js';
import { buildModel } from '../tf/build-model.js';
import { chain, tinyCnn } from '../tf/test-graphs.js';
import { extractWeights } from '../tf/weights.js';
import { recalibrateBatchNorm } from './recalibrate.js';
import { createTrainer } from './trainer.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function randomData(n: number, shape: number[], classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n * size }, () => 3 * rng.next() - 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  return {
    name: 'random',
    x,
    y,
    shape,
    numClasses: classes,
    labels: Array.from({ length: classes }, String),
  };
}

describe('recalibrateBatchNorm', () => {
  it('sets moving statistics to the exact mean of the batch statistics and changes no weight', () => {
    const graph = chain(
      'bn-dense',
      [3],
      [
        { type: 'BatchNormalization', params: {} },
        { type: 'Dense', params: { units: 2 } },
        { type: 'Softmax', params: {} },
      ],
    );
    const data = randomData(14, [3], 2, 5);
    const model = buildModel(graph, { seed: 1 });
    const before = extractWeights(model);
    // 3 batches of 4 from a permutation of the 14 samples (the last 2 are not used).
    expect(recalibrateBatchNorm(model, data, 5, 4, new Rng(9))).toBe(3);
    const perm = new Rng(9).permutation(14);
    const mean = [0, 0, 0];
    const variance = [0, 0, 0];
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 3; c++) {
        const v = Array.from({ length: 4 }, (_, i) => data.x[perm[b * 4 + i]! * 3 + c]!);
        const mu = v.reduce((a, x) => a + x, 0) / 4;
        mean[c]! += mu / 3;
        variance[c]! += v.reduce((a, x) => a + (x - mu) ** 2, 0) / 4 / 3;
      }
    }
    const after = extractWeights(model);
    for (let c = 0; c < 3; c++) {
      expect(after.n0!.moving_mean!.data[c]).toBeCloseTo(mean[c]!, 5);
      expect(after.n0!.moving_variance!.data[c]).toBeCloseTo(variance[c]!, 5);
    }
    // No weight but the statistics changes.
    expect(Array.from(after.n1!.kernel!.data)).toEqual(Array.from(before.n1!.kernel!.data));
    expect(Array.from(after.n0!.gamma!.data)).toEqual(Array.from(before.n0!.gamma!.data));
    model.dispose();
  });

  it('does nothing without BatchNorm layers or batches', () => {
    const graph = chain(
      'dense',
      [3],
      [
        { type: 'Dense', params: { units: 2 } },
        { type: 'Softmax', params: {} },
      ],
    );
    const model = buildModel(graph, { seed: 1 });
    expect(recalibrateBatchNorm(model, randomData(8, [3], 2, 1), 4, 4, new Rng(1))).toBe(0);
    model.dispose();
  });

  it('the trainer re-estimates after the last epoch: same kernels, new BatchNorm statistics', async () => {
    const data = randomData(64, [8, 8, 1], 3, 2);
    const config = { epochs: 1, batchSize: 16, seed: 4, checkpointEvery: 0 };
    const plain = await createTrainer({ graph: tinyCnn(), dataset: data, config }).start();
    const recal = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...config, recalibrateBatchNorm: 3 },
    }).start();
    expect(Array.from(recal.weights.n2!.kernel!.data)).toEqual(Array.from(plain.weights.n2!.kernel!.data));
    expect(Array.from(recal.weights.n1!.moving_mean!.data)).not.toEqual(
      Array.from(plain.weights.n1!.moving_mean!.data),
    );
    expect(recal.checkpoint.weights.n1!.moving_mean).toEqual(recal.weights.n1!.moving_mean);
  });
});
