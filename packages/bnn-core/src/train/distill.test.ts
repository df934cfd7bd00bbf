import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.js';
import { initBackend } from '../tf/backend/init-backend.js';
import { buildModel, floatTeacher, modelInfo } from '../tf/build-model.js';
import { tinyCnn } from '../tf/test-graphs.js';
import { parseTrainConfig } from './config.js';
import { attentionLoss, attentionPoints, distillationLoss, distillationWeight } from './distill.js';
import { DISTILL_DEFAULTS } from './distill-defaults.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function softmax(row: number[], T: number): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp((v - m) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Seeded random logits [n, k]. */
function logits(rng: Rng, n: number, k: number, scale: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: k }, () => (rng.next() * 2 - 1) * scale));
}

describe('distillation loss (Hinton)', () => {
  it('equals (1 − w)·CE + w·T²·KL computed by hand, on seeded random logits', () => {
    const rng = new Rng(20);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(rng.next() * 5);
      const k = 2 + Math.floor(rng.next() * 9);
      const s = logits(rng, n, k, 6);
      const t = logits(rng, n, k, 6);
      const y = Array.from({ length: n }, () => Math.floor(rng.next() * k));
      const T = 0.5 + rng.next() * 7.5;
      const w = [0, 1, rng.next()][trial % 3]!;
      let ce = 0;
      let kl = 0;
      for (let i = 0; i < n; i++) {
        ce -= Math.log(softmax(s[i]!, 1)[y[i]!]!);
        const pt = softmax(t[i]!, T);
        const ps = softmax(s[i]!, T);
        kl += pt.reduce((a, p, c) => a + p * Math.log(p / ps[c]!), 0);
      }
      const want = (1 - w) * (ce / n) + w * T * T * (kl / n);
      const got = tf.tidy(
        () =>
          distillationLoss(
            tf.tensor2d(s),
            tf.tensor2d(t),
            tf.oneHot(tf.tensor1d(y, 'int32'), k),
            T,
            w,
          ).dataSync()[0]!,
      );
      expect(got).toBeCloseTo(want, 3);
    }
  });

  it('has the soft-target gradient T·(softmax(s/T) − softmax(t/T))/n with respect to the student logits', () => {
    const rng = new Rng(7);
    const s = logits(rng, 3, 5, 4);
    const t = logits(rng, 3, 5, 4);
    const T = 3;
    const g = tf.tidy(() => {
      const ys = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 5);
      const f = (x: tf.Tensor) => distillationLoss(x, tf.tensor2d(t), ys, T, 1);
      return tf.grad(f)(tf.tensor2d(s)).arraySync() as number[][];
    });
    for (let i = 0; i < 3; i++) {
      const ps = softmax(s[i]!, T);
      const pt = softmax(t[i]!, T);
      for (let c = 0; c < 5; c++) expect(g[i]![c]!).toBeCloseTo((T * (ps[c]! - pt[c]!)) / 3, 4);
    }
  });

  it('is zero soft loss when the student equals the teacher', () => {
    const v = tf.tidy(() => {
      const x = tf.tensor2d([[1, 2, 3]]);
      return distillationLoss(x, x, tf.tensor2d([[0, 0, 1]]), 4, 1).dataSync()[0]!;
    });
    expect(v).toBeCloseTo(0, 5);
  });
});

describe('distillation weight warm-up', () => {
  it('ramps linearly from α/steps to α over the warm-up epochs, then holds α', () => {
    const d = { temperature: 2, alpha: 0.8, warmupEpochs: 2 };
    expect(distillationWeight(d, 0, 10)).toBeCloseTo(0.04);
    expect(distillationWeight(d, 9, 10)).toBeCloseTo(0.4);
    expect(distillationWeight(d, 19, 10)).toBeCloseTo(0.8);
    expect(distillationWeight(d, 500, 10)).toBeCloseTo(0.8);
    expect(distillationWeight({ ...d, warmupEpochs: 0 }, 0, 10)).toBe(0.8);
  });

  it('the config fills the documented defaults and refuses out-of-range values', () => {
    const c = parseTrainConfig({ epochs: 1, batchSize: 8, distillation: {} });
    expect(c.distillation).toMatchObject(DISTILL_DEFAULTS);
    expect(() => parseTrainConfig({ epochs: 1, batchSize: 8, distillation: { alpha: 1.5 } })).toThrow(
      /distillation\.alpha/,
    );
    expect(() => parseTrainConfig({ epochs: 1, batchSize: 8, distillation: { warmupEpochs: -1 } })).toThrow(
      /distillation\.warmupEpochs/,
    );
  });
});

describe('attention matching (Real-to-Binary Net)', () => {
  it('equals the hand-computed distance of the L2-normalised spatial attention maps, on seeded random maps', () => {
    const rng = new Rng(11);
    const [b, h, w, c] = [2, 3, 2, 4];
    const rand = () => Array.from({ length: b * h * w * c }, () => rng.next() * 2 - 1);
    const s = rand();
    const t = rand();
    const att = (a: number[], i: number) => {
      const q = Array.from({ length: h * w }, (_, p) =>
        Array.from({ length: c }, (_, k) => a[(i * h * w + p) * c + k]! ** 2).reduce((x, y) => x + y, 0),
      );
      const n = Math.sqrt(q.reduce((x, y) => x + y * y, 0));
      return q.map((v) => v / n);
    };
    let want = 0;
    for (let i = 0; i < b; i++) {
      const qs = att(s, i);
      const qt = att(t, i);
      want += Math.sqrt(qs.reduce((x, v, p) => x + (v - qt[p]!) ** 2, 0)) / b;
    }
    const got = tf.tidy(
      () => attentionLoss([tf.tensor4d(s, [b, h, w, c])], [tf.tensor4d(t, [b, h, w, c])]).dataSync()[0]!,
    );
    expect(got).toBeCloseTo(want, 4);
    expect(tf.tidy(() => attentionLoss([], []).dataSync()[0])).toBe(0);
  });

  it('matches the real-valued maps each binary conv signs, where the float teacher has the same shape', () => {
    const g = tinyCnn();
    const student = buildModel(g, { seed: 1 });
    const teacher = buildModel(floatTeacher(g), { seed: 2 });
    const points = attentionPoints(g, modelInfo(student).layers, modelInfo(teacher).layers);
    // The BatchNorm before the QuantConv2D (8×8×4) — not the flattened input of the QuantDense (rank 2).
    const conv = g.nodes.find((n) => n.type === 'QuantConv2D')!;
    const into = g.edges.find((e) => e.target === conv.id)!.source;
    expect(points).toEqual([into]);
    student.dispose();
    teacher.dispose();
  });
});
