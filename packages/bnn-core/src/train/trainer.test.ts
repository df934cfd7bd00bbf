import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import { initBackend } from '../tf/backend/init-backend.js';
import { floatTeacher } from '../tf/build-model.js';
import { tinyCnn } from '../tf/test-graphs.js';
import { type Checkpoint, checkpointFromBytes, checkpointToBytes, type EpochMetrics } from './checkpoint.js';
import { parseTrainConfig } from './config.js';
import { learningRateAt } from './schedules.js';
import { createTrainer, evaluate } from './trainer.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 8×8 images: class k has a bright 4×4 block in quadrant k (k = 0..2), plus noise. */
function quadrants(n: number, seed: number): Dataset {
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  let s = seed;
  const r = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    const oy = k === 2 ? 4 : 0;
    const ox = k === 1 ? 4 : 0;
    for (let p = 0; p < 64; p++) {
      const h = Math.floor(p / 8);
      const w = p % 8;
      const inBlock = h >= oy && h < oy + 4 && w >= ox && w < ox + 4;
      x[i * 64 + p] = (inBlock ? 0.8 : 0.1) + 0.2 * r();
    }
  }
  return { name: 'quadrants', x, y, shape: [8, 8, 1], numClasses: 3, labels: ['a', 'b', 'c'] };
}

const data = quadrants(96, 1);
const test = quadrants(60, 2);
const base = { epochs: 2, batchSize: 16, seed: 3 };

describe('createTrainer', () => {
  it('learns, reports batch and epoch metrics, keeps tf.memory().numTensors constant across epochs', async () => {
    const counts: number[] = [];
    const epochs: EpochMetrics[] = [];
    let batches = 0;
    const trainer = createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...base, epochs: 4, validationSplit: 0.25, optimizer: { id: 'adam', learningRate: 0.01 } },
      onBatchEnd: (m) => {
        batches++;
        expect(Number.isFinite(m.loss)).toBe(true);
        expect(m.flipRatio).not.toBeNull();
      },
      onEpochEnd: (m) => {
        epochs.push(m);
        counts.push(tf.memory().numTensors);
      },
    });
    const before = tf.memory().numTensors;
    const result = await trainer.start();
    expect(result.status).toBe('completed');
    expect(batches).toBe(4 * Math.ceil(72 / 16));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[0]!.valAccuracy).not.toBeNull();
    expect(epochs[0]!.flipRatio).toBeGreaterThanOrEqual(0);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(evaluate(tinyCnn(), result.weights, test).accuracy).toBeGreaterThan(0.6);
  });

  it('is deterministic, and resuming from checkpoint bytes equals an uninterrupted run', async () => {
    const config = { ...base, optimizer: { id: 'case' as const }, augmentation: { shift: 1, noise: 0.05 } };
    const full = await createTrainer({ graph: tinyCnn(), dataset: data, config }).start();
    const again = await createTrainer({ graph: tinyCnn(), dataset: data, config }).start();
    expect(Array.from(again.weights.n2!.kernel!.data)).toEqual(Array.from(full.weights.n2!.kernel!.data));

    let bytes: Uint8Array | null = null;
    const first = createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...config },
      onCheckpoint: (cp, toBytes) => {
        if (cp.epoch === 1) bytes = toBytes();
      },
      onEpochEnd: (m) => {
        if (m.epoch === 1) first.stop();
      },
    });
    const partial = await first.start();
    expect(partial.status).toBe('stopped');
    const resumed = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config,
      resumeFrom: bytes!,
    }).start();
    expect(resumed.epochs).toBe(2);
    expect(resumed.history.length).toBe(2);
    for (const node of Object.keys(full.weights)) {
      for (const v of Object.keys(full.weights[node]!)) {
        expect(Array.from(resumed.weights[node]![v]!.data)).toEqual(Array.from(full.weights[node]![v]!.data));
      }
    }
  });

  it("'case' routes binary kernels to Bop (they become ±1) and float variables to Adam", async () => {
    const r = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...base, epochs: 1, optimizer: { id: 'case', bop: { threshold: 1e-6, gamma: 1e-2 } } },
    }).start();
    for (const v of r.weights.n2!.kernel!.data) expect(Math.abs(v)).toBe(1);
    for (const v of r.weights.n6!.kernel!.data) expect(Math.abs(v)).toBe(1);
    // The float stem is not binarised.
    expect(r.weights.n0!.kernel!.data.some((v) => Math.abs(v) !== 1)).toBe(true);
    expect(r.history[0]!.flipRatio).toBeGreaterThan(0);
  });

  it('weight_clip keeps latent binary kernels within ±clip under SGD', async () => {
    const r = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...base, epochs: 1, optimizer: { id: 'sgd', learningRate: 5, momentum: 0.9 } },
    }).start();
    for (const v of r.weights.n2!.kernel!.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('stop() cancels between batches', async () => {
    let seen = 0;
    const trainer = createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: base,
      onBatchEnd: () => {
        seen++;
        if (seen === 2) trainer.stop();
      },
    });
    const r = await trainer.start();
    expect(r.status).toBe('stopped');
    expect(seen).toBe(2);
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    let bestWeights: Checkpoint | null = null;
    const r = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: {
        ...base,
        epochs: 5,
        validationSplit: 0.25,
        earlyStopping: { monitor: 'val_loss', patience: 0, minDelta: 1e9 },
      },
      onCheckpoint: (cp) => {
        if (cp.epoch === 1) bestWeights = cp;
      },
    }).start();
    expect(r.status).toBe('early_stopped');
    expect(r.epochs).toBe(2);
    expect(r.bestEpoch).toBe(1);
    expect(Array.from(r.weights.n0!.kernel!.data)).toEqual(Array.from(bestWeights!.weights.n0!.kernel!.data));
  });

  it('distillation trains the float twin first (phase teacher), then the student against it', async () => {
    const phases: string[] = [];
    const r = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: { ...base, epochs: 1, distillation: { teacherEpochs: 1, temperature: 2, alpha: 0.7 } },
      onEpochEnd: (m) => phases.push(m.phase),
    }).start();
    expect(phases).toEqual(['teacher', 'student']);
    expect(r.checkpoint.teacherWeights).toBeTruthy();
    expect(Number.isFinite(r.history[0]!.loss)).toBe(true);
  });

  it('distillation with attention matching trains against a given teacher (no teacher phase)', async () => {
    const phases: string[] = [];
    const teacherRun = await createTrainer({
      graph: floatTeacher(tinyCnn()),
      dataset: data,
      config: { ...base, epochs: 1 },
    }).start();
    const r = await createTrainer({
      graph: tinyCnn(),
      dataset: data,
      config: {
        ...base,
        epochs: 2,
        distillation: {
          teacherGraph: floatTeacher(tinyCnn()),
          teacherWeights: teacherRun.weights,
          temperature: 2,
          alpha: 0.8,
          warmupEpochs: 1,
          attention: 10,
        },
      },
      onEpochEnd: (m) => phases.push(m.phase),
    }).start();
    expect(phases).toEqual(['student', 'student']);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
  });

  it('rejects mismatched data and bad configs with a clear message', () => {
    const bad = { ...data, shape: [64], name: 'flat' };
    expect(() => createTrainer({ graph: tinyCnn(), dataset: bad, config: base })).toThrow(
      /dataset 'flat' has samples of shape \[64\] but the graph's Input expects \[8,8,1\]/,
    );
    expect(() => parseTrainConfig({ epochs: 0, batchSize: 8 })).toThrow(/epochs/);
    expect(() => checkpointFromBytes(new Uint8Array(20))).toThrow(/not a valid checkpoint/);
  });

  it('checkpoint bytes round-trip', () => {
    const cp: Checkpoint = {
      epoch: 3,
      step: 30,
      weights: { a: { kernel: { shape: [2, 2], data: Float32Array.of(1, -2, 3, 0.5) } } },
      optimizerState: { step: 30, slots: { 'adam_m:a/kernel': { shape: [1], data: Float32Array.of(0.25) } } },
      rngState: 12345,
      history: [],
      best: null,
      teacherWeights: null,
    };
    const back = checkpointFromBytes(checkpointToBytes(cp));
    expect(back.epoch).toBe(3);
    expect(Array.from(back.weights.a!.kernel!.data)).toEqual([1, -2, 3, 0.5]);
    expect(back.optimizerState.slots['adam_m:a/kernel']!.data[0]).toBe(0.25);
    expect(back.rngState).toBe(12345);
  });
});

describe('learning-rate schedules', () => {
  it('cosine with warm-up and step decay', () => {
    const cos = parseTrainConfig({
      epochs: 10,
      batchSize: 1,
      schedule: { id: 'cosine', warmupEpochs: 1 },
    }).schedule;
    expect(learningRateAt(cos, 1, 0, 10, 100)).toBeCloseTo(0.1);
    expect(learningRateAt(cos, 1, 9, 10, 100)).toBeCloseTo(1);
    expect(learningRateAt(cos, 1, 10, 10, 100)).toBeCloseTo(1);
    expect(learningRateAt(cos, 1, 55, 10, 100)).toBeCloseTo(0.5);
    expect(learningRateAt(cos, 1, 100, 10, 100)).toBeCloseTo(0);
    const step = parseTrainConfig({
      epochs: 10,
      batchSize: 1,
      schedule: { id: 'step', stepEpochs: 3, gamma: 0.5 },
    }).schedule;
    expect(learningRateAt(step, 1, 29, 10, 100)).toBe(1);
    expect(learningRateAt(step, 1, 30, 10, 100)).toBe(0.5);
    expect(learningRateAt(step, 1, 60, 10, 100)).toBe(0.25);
  });
});
