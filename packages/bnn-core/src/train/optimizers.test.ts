// Optimizers on every backend the product trains on in Node (cpu, wasm). tfjs-backend-wasm's `sign` returns 0 for
// |x| ≤ 1e-7, so Bop with its default threshold τ = 1e-8 must take its signs by comparison: these tests hold one
// Bop step to a float32 reference of Larq's rule, and a Bop-trained binary MLP on wasm to its CPU accuracy.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { Rng } from '../math/rng.js';
import { initBackend } from '../tf/backend/init-backend.js';
import { chain } from '../tf/test-graphs.js';
import { Bop, createOptimizer, type TrainableVar } from './optimizers.js';
import { createTrainer, evaluate } from './trainer.js';

const BACKENDS = ['cpu', 'wasm'] as const;
const f = Math.fround;

/** ±1 weights and gradients whose Bop products w·m land within a few τ of τ = 1e-8 (the range wasm's sign zeroes). */
function bopCase(n: number, seed: number): { w: Float32Array; g: Float32Array } {
  const rng = new Rng(seed);
  const w = new Float32Array(n);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = rng.next() < 0.5 ? -1 : 1;
    g[i] = rng.normal() * 1e-4;
  }
  return { w, g };
}

/**
 * Larq's Bop step (larq/optimizers.py) in float32: m ← (1−γ)·m + γ·g; w ← sign(−tf.sign(w·m − τ)·w) with
 * tf.sign(0) = 0 and the outer sign(0) = +1.
 */
function bopReference(
  w: Float32Array,
  m: Float32Array,
  g: Float32Array,
  tau: number,
  gamma: number,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const m1 = f(f(m[i]! * f(1 - gamma)) + f(g[i]! * f(gamma)));
    m[i] = m1;
    const d = f(f(w[i]! * m1) - f(tau));
    const s = d > 0 ? 1 : d < 0 ? -1 : 0;
    const v = -s * w[i]!;
    out[i] = v < 0 ? -1 : 1;
  }
  return out;
}

function runBop(w: Float32Array, grads: Float32Array[], tau: number, gamma: number): Float32Array {
  const variable = tf.variable(tf.tensor1d(w), true, `bop_test_${Math.random()}`);
  const bop = new Bop({ threshold: tau, gamma });
  const vars: TrainableVar[] = [{ key: 'k', variable, binary: true }];
  try {
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      bop.apply(vars, [gt]);
      gt.dispose();
    }
    return variable.dataSync() as Float32Array;
  } finally {
    bop.dispose();
    variable.dispose();
  }
}

/** A binary MLP (Larq's tutorial head): binary dense 128 with float inputs, then binary dense 10. */
function binaryMlp() {
  const ste = { id: 'ste_sign' };
  const clip = { id: 'weight_clip' };
  return chain(
    'binary-mlp',
    [28, 28, 1],
    [
      { type: 'Flatten', params: {} },
      {
        type: 'QuantDense',
        params: { units: 128, kernel_quantizer: ste, kernel_constraint: clip, use_bias: false },
      },
      { type: 'BatchNormalization', params: { scale: false } },
      {
        type: 'QuantDense',
        params: {
          units: 10,
          input_quantizer: ste,
          kernel_quantizer: ste,
          kernel_constraint: clip,
          use_bias: false,
        },
      },
      { type: 'BatchNormalization', params: { scale: false } },
      { type: 'Softmax', params: {} },
    ],
  );
}

const accuracies = new Map<string, number>();

describe.each(BACKENDS)('optimizers on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('one Bop step on 20,000 weights with τ = 1e-8 equals Larq’s rule in float32', () => {
    const { w, g } = bopCase(20_000, 7);
    const got = runBop(w, [g], 1e-8, 1e-4);
    const want = bopReference(w, new Float32Array(w.length), g, 1e-8, 1e-4);
    let differ = 0;
    for (let i = 0; i < w.length; i++) if (got[i] !== want[i]) differ++;
    expect(differ).toBe(0);
    // Most products w·m ≈ ±1e-8 sit below τ, so most weights keep their sign: about half stay at +1, not all.
    const plus = got.reduce((a, v) => a + (v === 1 ? 1 : 0), 0) / got.length;
    expect(plus).toBeGreaterThan(0.45);
    expect(plus).toBeLessThan(0.55);
  });

  it('Bop over several steps (momentum carried) and at w·m = τ exactly (→ +1)', () => {
    const { w, g } = bopCase(4096, 11);
    const g2 = bopCase(4096, 12).g;
    const got = runBop(w, [g, g2, g], 1e-8, 1e-2);
    const m = new Float32Array(w.length);
    let want = bopReference(w, m, g, 1e-8, 1e-2);
    want = bopReference(want, m, g2, 1e-8, 1e-2);
    want = bopReference(want, m, g, 1e-8, 1e-2);
    expect(Array.from(got)).toEqual(Array.from(want));
    // γ = 1: m = g, so w·m − τ = 0 exactly for w = 1, g = τ; Larq's outer sign maps that 0 to +1.
    const tau = f(1e-8);
    expect(Array.from(runBop(Float32Array.of(1, -1, -1), [Float32Array.of(tau, -tau, tau)], tau, 1))).toEqual(
      [1, 1, -1],
    );
  });

  it("'case' routes binary variables to Bop and the rest to Adam", () => {
    const opt = createOptimizer({
      id: 'case',
      bop: { threshold: 1e-8, gamma: 1e-4 },
      fp: { id: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    });
    const { w, g } = bopCase(1000, 5);
    const b = tf.variable(tf.tensor1d(w), true, `case_b_${backend}`);
    const fl = tf.variable(tf.tensor1d([0.5, -0.5]), true, `case_f_${backend}`);
    const grads = [tf.tensor1d(g), tf.tensor1d([1, -1])];
    opt.apply(
      [
        { key: 'b', variable: b, binary: true },
        { key: 'f', variable: fl, binary: false },
      ],
      grads,
      0.1,
    );
    expect(Array.from(b.dataSync())).toEqual(
      Array.from(bopReference(w, new Float32Array(1000), g, 1e-8, 1e-4)),
    );
    const fv = fl.dataSync();
    expect(fv[0]).toBeCloseTo(0.4, 4);
    expect(fv[1]).toBeCloseTo(-0.4, 4);
    for (const t of [...grads, b, fl]) t.dispose();
    opt.dispose();
  });

  it('a Bop-trained binary MLP learns MNIST (wasm within 2 points of cpu)', async () => {
    const { train, test } = loadMnist();
    const trainSet = subset(
      train,
      Array.from({ length: 3000 }, (_, i) => i),
    );
    const testSet = subset(
      test,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    const graph = binaryMlp();
    const r = await createTrainer({
      graph,
      dataset: trainSet,
      config: {
        epochs: 3,
        batchSize: 64,
        seed: 1,
        optimizer: { id: 'case', bop: { threshold: 1e-8, gamma: 1e-4 } },
      },
    }).start();
    expect(r.status).toBe('completed');
    const acc = evaluate(graph, r.weights, testSet).accuracy;
    accuracies.set(backend, acc);
    expect(acc).toBeGreaterThan(0.6);
    const cpu = accuracies.get('cpu');
    if (backend !== 'cpu' && cpu !== undefined) expect(Math.abs(acc - cpu)).toBeLessThanOrEqual(0.02);
  }, 180_000);
});
