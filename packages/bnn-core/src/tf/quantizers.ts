/**
 * TensorFlow.js implementations of the registered quantizers (ids and config keys from
 * `src/registry/quantizers.ts`), with Larq's forward and backward passes (`larq/quantizers.py`, `larq/math.py`).
 *
 * Notation: q is the forward value, dq/dx the pseudo-gradient used on the backward pass, c = clip_value.
 * - ste_sign(c):   q = sign(x), sign(0) = +1.  dq/dx = 1 if |x| ≤ c else 0  (c null or 0: no clipping, dq/dx = 1).
 * - approx_sign:   q = sign(x).                dq/dx = 2 − 2|x| if |x| ≤ 1 else 0.
 * - swish_sign(β): q = sign(x).                dq/dx = β(2 − βx·tanh(βx/2)) / (1 + cosh(βx)).
 * - magnitude_aware_sign(c): q = stop_grad(mean|x| over all but the last axis) · ste_sign(x, c).
 * - ste_heaviside(c): q = 1 if x > 0 else 0.  dq/dx as ste_sign.
 * - ste_tern(t, twn, c): q = sign(sign(x + t) + sign(x − t)) with TensorFlow's sign (sign(0) = 0), so
 *   q(±t) = ±1 and q(0) = 0 when t = 0; with twn, t = 0.7 · mean|x|. dq/dx as ste_sign.
 * - dorefa(k, 'activations'): q = round(clip(x, 0, 1) · n) / n, n = 2^k − 1; dq/dx = 1 on [0, 1] else 0.
 * - dorefa(k, 'weights'): u = tanh(x) / (2 · stop_grad(max|tanh(x)|)) + 0.5 (0 when the max is 0), then
 *   q = 2 · round(clip(u, 0, 1) · n) / n − 1; the rounding passes gradients straight through.
 * - noop(precision): identity both ways.
 */
import * as tf from '@tensorflow/tfjs';
import { getQuantizerDef, quantizerPrecision, resolveQuantizerConfig } from '../registry/quantizers.js';
import type { QuantizerRef } from '../spec/graph-types.js';

export type QuantizerFn = (x: tf.Tensor) => tf.Tensor;

type GradDef = (
  x: tf.Tensor,
  save: (tensors: tf.Tensor[]) => void,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };

/** tf.customGrad for a one-input function, typed. */
export function customGrad1(f: GradDef): QuantizerFn {
  return (tf.customGrad as unknown as (g: GradDef) => QuantizerFn)(f);
}

/**
 * Signs are computed by comparison, never with `tf.sign`: tfjs-backend-wasm's `sign` returns 0 for
 * |x| ≤ 1e-7 (it is not TensorFlow's sign there), while comparisons are exact on every backend.
 */

/** sign with sign(0) = +1 (and sign(−0) = +1): −step(−x) where step(v) = 1 if v > 0 else −1. */
export function signZeroPositive(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.step(tf.neg(x), -1)));
}

/** TensorFlow's sign (sign(0) = 0, −1/+1 elsewhere) by comparison: [x > 0] − [x < 0]. */
export function signTf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.less(x, 0), 'float32')));
}

/** Identity forward, zero gradient (TensorFlow's stop_gradient; tfjs has no such op). */
export const stopGradient: QuantizerFn = customGrad1((x) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/** dy where |x| ≤ clip, 0 elsewhere; clip ≤ 0 (and clip_value null, read as 0) means no clipping (Larq's None). */
function clippedGradient(x: tf.Tensor, dy: tf.Tensor, clip: number): tf.Tensor {
  if (!(clip > 0)) return dy.clone();
  return tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(x), clip), 'float32'));
}

function steSign(clip: number): QuantizerFn {
  return customGrad1((x, save) => {
    save([x]);
    return {
      value: signZeroPositive(x),
      gradFunc: (dy, saved) => clippedGradient(saved[0]!, dy, clip),
    };
  });
}

const approxSign: QuantizerFn = customGrad1((x, save) => {
  save([x]);
  return {
    value: signZeroPositive(x),
    gradFunc: (dy, saved) => {
      const a = tf.abs(saved[0]!);
      // 2 − 2|x| inside [−1, 1], 0 outside: relu(2 − 2|x|) is the same function.
      return tf.mul(dy, tf.relu(tf.sub(2, tf.mul(2, a))));
    },
  };
});

function swishSign(beta: number): QuantizerFn {
  return customGrad1((x, save) => {
    save([x]);
    return {
      value: signZeroPositive(x),
      gradFunc: (dy, saved) => {
        const bx = tf.mul(beta, saved[0]!);
        const num = tf.sub(2, tf.mul(bx, tf.tanh(tf.mul(bx, 0.5))));
        return tf.mul(dy, tf.div(tf.mul(beta, num), tf.add(1, tf.cosh(bx))));
      },
    };
  });
}

function magnitudeAwareSign(clip: number): QuantizerFn {
  const ste = steSign(clip);
  return (x) =>
    tf.tidy(() => {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const scale = axes.length ? tf.mean(tf.abs(x), axes) : tf.abs(x);
      return tf.mul(stopGradient(scale), ste(x));
    });
}

function steHeaviside(clip: number): QuantizerFn {
  return customGrad1((x, save) => {
    save([x]);
    return {
      value: tf.cast(tf.greater(x, 0), 'float32'),
      gradFunc: (dy, saved) => clippedGradient(saved[0]!, dy, clip),
    };
  });
}

function steTern(threshold: number, twn: boolean, clip: number): QuantizerFn {
  return customGrad1((x, save) => {
    const v = x;
    save([v]);
    const t: tf.Tensor | number = twn ? tf.mul(0.7, tf.mean(tf.abs(v))) : threshold;
    return {
      value: signTf(tf.add(signTf(tf.add(v, t)), signTf(tf.sub(v, t)))),
      gradFunc: (dy, saved) => clippedGradient(saved[0]!, dy, clip),
    };
  });
}

/** round(x · n) / n with an identity gradient (tf.round rounds half to even, as TensorFlow does). */
function roundIdentity(n: number): QuantizerFn {
  return customGrad1((x) => ({
    value: tf.div(tf.round(tf.mul(x, n)), n),
    gradFunc: (dy) => dy.clone(),
  }));
}

/** 1 / (2 · max|x|), or 0 when max|x| = 0 (divide_no_nan); a constant for the gradient (stop_gradient). */
const halfInverseMaxAbs = customGrad1((x, save) => ({
  value: tf.tidy(() => {
    save([x]);
    const m = tf.max(tf.abs(x));
    const positive = tf.greater(m, 0);
    return tf.where(positive, tf.div(0.5, tf.where(positive, m, tf.onesLike(m))), tf.zerosLike(m));
  }),
  gradFunc: (_dy, saved) => tf.zerosLike(saved[0]!),
}));

function dorefa(kBit: number, mode: string): QuantizerFn {
  const n = 2 ** kBit - 1;
  const round = roundIdentity(n);
  if (mode === 'weights') {
    return (x) =>
      tf.tidy(() => {
        const limited = tf.tanh(x);
        const u = tf.clipByValue(tf.add(tf.mul(limited, halfInverseMaxAbs(limited)), 0.5), 0, 1);
        return tf.sub(tf.mul(2, round(u)), 1);
      });
  }
  return (x) => tf.tidy(() => round(tf.clipByValue(x, 0, 1)));
}

/**
 * The tfjs quantizer for a reference (`null`/`undefined` → `null`, meaning "no quantizer"). Unknown ids throw
 * the registry's `UnknownIdError` naming the id and listing the known ones.
 */
export function makeQuantizer(ref: QuantizerRef | null | undefined): QuantizerFn | null {
  if (!ref) return null;
  const def = getQuantizerDef(ref.id);
  const cfg = resolveQuantizerConfig(ref);
  const num = (k: string) => Number(cfg[k]);
  switch (def.id) {
    case 'ste_sign':
      return steSign(num('clip_value'));
    case 'approx_sign':
      return approxSign;
    case 'swish_sign':
      return swishSign(num('beta'));
    case 'magnitude_aware_sign':
      return magnitudeAwareSign(num('clip_value'));
    case 'ste_heaviside':
      return steHeaviside(num('clip_value'));
    case 'ste_tern':
      return steTern(num('threshold_value'), Boolean(cfg.ternary_weight_networks), num('clip_value'));
    case 'dorefa':
      return dorefa(num('k_bit'), String(cfg.mode));
    case 'noop':
      return (x) => tf.clone(x);
    default:
      throw new Error(`bnn-core/tf: quantizer '${def.id}' has no tfjs implementation`);
  }
}

/** Precision in bits of a quantizer reference (32 for none); 1 marks a binary variable for Bop. */
export function precisionOf(ref: QuantizerRef | null | undefined): number {
  return quantizerPrecision(ref);
}
