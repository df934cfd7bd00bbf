import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listQuantizerDefs } from '../registry/quantizers.js';
import type { QuantizerRef } from '../spec/graph-types.js';
import { initBackend } from './backend/init-backend.js';
import { makeQuantizer } from './quantizers.js';

/** Every backend the product trains on in Node; WebGL runs in Chromium (apps/web's webgl.chromium.test.ts). */
const BACKENDS = ['cpu', 'wasm'] as const;

const X = [-2, -1.5, -1, -0.5, -0.05, -0, 0, 0.05, 0.5, 1, 1.5, 2];

function forward(ref: QuantizerRef, x: number[] = X): number[] {
  return tf.tidy(() => Array.from(makeQuantizer(ref)!(tf.tensor1d(x)).dataSync()));
}
function gradient(ref: QuantizerRef, x: number[] = X): number[] {
  return tf.tidy(() => {
    const q = makeQuantizer(ref)!;
    // Upstream gradient dy = 3 to check that the estimator multiplies it.
    return Array.from(
      tf
        .grad((v: tf.Tensor) => tf.sum(tf.mul(q(v), 3)))(tf.tensor1d(x))
        .dataSync(),
    );
  });
}
const close = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
};

describe.each(BACKENDS)('tfjs quantizers (Larq semantics) on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('ste_sign: tiny magnitudes keep their sign (sign(±1e-8) = ±1, sign(±0) = +1)', () => {
    const x = [-1e-7, -1e-8, -1e-30, -0, 0, 1e-30, 1e-8, 1e-7];
    expect(forward({ id: 'ste_sign' }, x)).toEqual([-1, -1, -1, 1, 1, 1, 1, 1]);
    expect(forward({ id: 'approx_sign' }, x)).toEqual([-1, -1, -1, 1, 1, 1, 1, 1]);
  });

  it('ste_tern: values within 1e-7 of ±threshold quantize as TensorFlow computes them in float32', () => {
    const t = 0.05;
    const f = Math.fround;
    const x = [-t - 1e-7, -t - 1e-8, -t, -t + 1e-8, -t + 1e-7, t - 1e-7, t - 1e-8, t, t + 1e-8, t + 1e-7].map(
      f,
    );
    // TensorFlow: sign(sign(x + t) + sign(x − t)) with sign(0) = 0, each sum rounded to float32.
    const tfSign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
    const expected = x.map((v) => tfSign(tfSign(f(v + f(t))) + tfSign(f(v - f(t)))));
    expect(forward({ id: 'ste_tern', config: { threshold_value: t } }, x)).toEqual(expected);
    expect(forward({ id: 'ste_tern', config: { threshold_value: 0 } }, [-1e-8, 0, 1e-8])).toEqual([-1, 0, 1]);
  });

  it('implements every registered quantizer id', () => {
    for (const def of listQuantizerDefs()) expect(makeQuantizer({ id: def.id })).toBeTypeOf('function');
    expect(makeQuantizer(null)).toBeNull();
    expect(() => makeQuantizer({ id: 'nope' })).toThrow(/nope.*ste_sign/);
  });

  it('ste_sign: sign(0) = +1, STE gradient inside ±clip (inclusive)', () => {
    close(
      forward({ id: 'ste_sign' }),
      X.map((v) => (v < 0 ? -1 : 1)),
    );
    close(
      gradient({ id: 'ste_sign' }),
      X.map((v) => (Math.abs(v) <= 1 ? 3 : 0)),
    );
    close(
      gradient({ id: 'ste_sign', config: { clip_value: 0.5 } }),
      X.map((v) => (Math.abs(v) <= 0.5 ? 3 : 0)),
    );
    // clip_value 0 = no clipping.
    close(
      gradient({ id: 'ste_sign', config: { clip_value: 0 } }),
      X.map(() => 3),
    );
  });

  it('approx_sign: gradient 2 − 2|x| inside [−1, 1]', () => {
    close(
      forward({ id: 'approx_sign' }),
      X.map((v) => (v < 0 ? -1 : 1)),
    );
    close(
      gradient({ id: 'approx_sign' }),
      X.map((v) => (Math.abs(v) <= 1 ? 3 * (2 - 2 * Math.abs(v)) : 0)),
    );
  });

  it('swish_sign: gradient β(2 − βx tanh(βx/2)) / (1 + cosh βx)', () => {
    for (const beta of [5, 2]) {
      close(
        forward({ id: 'swish_sign', config: { beta } }),
        X.map((v) => (v < 0 ? -1 : 1)),
      );
      close(
        gradient({ id: 'swish_sign', config: { beta } }),
        X.map((v) => {
          const bx = beta * v;
          return (3 * beta * (2 - bx * Math.tanh(bx / 2))) / (1 + Math.cosh(bx));
        }),
      );
    }
  });

  it('magnitude_aware_sign: per-last-axis mean |x| scale, no gradient through the scale', () => {
    const w = [
      [0.5, -2],
      [-1.5, 0],
      [0, 1],
    ];
    const q = makeQuantizer({ id: 'magnitude_aware_sign' })!;
    const out = tf.tidy(() => q(tf.tensor2d(w)).arraySync() as number[][]);
    const s0 = (0.5 + 1.5 + 0) / 3;
    const s1 = (2 + 0 + 1) / 3;
    expect(out[0]![0]).toBeCloseTo(s0);
    expect(out[0]![1]).toBeCloseTo(-s1);
    expect(out[1]![0]).toBeCloseTo(-s0);
    expect(out[1]![1]).toBeCloseTo(s1);
    expect(out[2]![0]).toBeCloseTo(s0);
    const g = tf.tidy(
      () =>
        tf
          .grad((v: tf.Tensor) => tf.sum(q(v)))(tf.tensor2d(w))
          .arraySync() as number[][],
    );
    // d/dx [s · ste_sign(x)] with s constant = s · 1{|x| ≤ 1}.
    expect(g[0]![0]).toBeCloseTo(s0);
    expect(g[0]![1]).toBeCloseTo(0);
    expect(g[1]![0]).toBeCloseTo(0);
    expect(g[2]![1]).toBeCloseTo(s1);
  });

  it('ste_heaviside: 1 for x > 0, 0 for x ≤ 0; STE gradient', () => {
    close(
      forward({ id: 'ste_heaviside' }),
      X.map((v) => (v > 0 ? 1 : 0)),
    );
    close(
      gradient({ id: 'ste_heaviside' }),
      X.map((v) => (Math.abs(v) <= 1 ? 3 : 0)),
    );
  });

  it('ste_tern: threshold boundaries as TensorFlow computes them; TWN threshold', () => {
    const x = [-1, -0.05, -0.04, 0, 0.04, 0.05, 0.06, 2];
    close(forward({ id: 'ste_tern' }, x), [-1, -1, 0, 0, 0, 1, 1, 1]);
    close(gradient({ id: 'ste_tern' }, x), [3, 3, 3, 3, 3, 3, 3, 0]);
    const w = [-1, -0.2, 0.1, 0.5, 0.6];
    const t = (0.7 * (1 + 0.2 + 0.1 + 0.5 + 0.6)) / 5; // 0.336
    close(
      forward({ id: 'ste_tern', config: { ternary_weight_networks: true } }, w),
      w.map((v) => (v > t ? 1 : v < -t ? -1 : 0)),
    );
  });

  it('dorefa activations: round(clip(x,0,1)·n)/n, gradient 1 on [0,1]', () => {
    const x = [-0.5, 0, 0.1, 0.2, 0.5, 0.9, 1, 1.5];
    const n = 3;
    close(
      forward({ id: 'dorefa', config: { k_bit: 2 } }, x),
      x.map((v) => Math.round(Math.min(1, Math.max(0, v)) * n) / n),
    );
    close(gradient({ id: 'dorefa', config: { k_bit: 2 } }, x), [0, 3, 3, 3, 3, 3, 3, 0]);
  });

  it('dorefa weights: tanh-normalised to [−1, 1]', () => {
    const w = [-2, -0.3, 0, 0.3, 1];
    const m = Math.tanh(2);
    const n = 3;
    const expected = w.map((v) => 2 * (Math.round((Math.tanh(v) / (2 * m) + 0.5) * n) / n) - 1);
    close(forward({ id: 'dorefa', config: { k_bit: 2, mode: 'weights' } }, w), expected);
    // Gradient flows through tanh (max is a constant): d/dw = 2 · (1 − tanh²w) / (2m) · 3.
    close(
      gradient({ id: 'dorefa', config: { k_bit: 2, mode: 'weights' } }, w),
      w.map((v) => (3 * 2 * (1 - Math.tanh(v) ** 2)) / (2 * m)),
    );
    close(forward({ id: 'dorefa', config: { mode: 'weights' } }, [0, 0]), [1 / 3, 1 / 3]);
  });

  it('noop: identity both ways', () => {
    close(forward({ id: 'noop', config: { precision: 1 } }), X);
    close(
      gradient({ id: 'noop' }),
      X.map(() => 3),
    );
  });
});

describe("clip_value = null (Larq's None: no clipping)", () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('passes the gradient everywhere, like clip_value 0', () => {
    for (const id of ['ste_sign', 'magnitude_aware_sign', 'ste_heaviside', 'ste_tern']) {
      const g = gradient({ id, config: { clip_value: null } }, [-5, -1.5, 0.2, 3]);
      if (id === 'magnitude_aware_sign') expect(g.every((v) => v > 0)).toBe(true);
      else expect(g).toEqual([3, 3, 3, 3]);
    }
  });
});
