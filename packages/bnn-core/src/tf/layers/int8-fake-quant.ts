/**
 * Quantization-aware training of int8-precision layers (`precision: 'int8'` on Conv2D, DepthwiseConv2D, Dense):
 * the forward pass computes on the int8 grids the layer deploys with (bnn-core `eval/int8-layer.ts` states the
 * same maths for the oracle; `math/int8.ts` `rangeQuant` / `weightScales` define the grids):
 *
 * - activations (input and output), per tensor: lo = min(min, 0), hi = max(max, 0), s = (hi − lo)/255
 *   (2^−20 for an empty range), zp = clamp(round(−128 − lo/s)), x̂ = s·(clamp(round(x/s) + zp) − zp);
 *   straight-through gradient inside the representable range [s·(−128 − zp), s·(127 − zp)], 0 outside
 *   (TensorFlow's fake_quant_with_min_max_vars);
 * - weights, per output channel (the last axis): s[c] = max|w[c]|/127, ŵ = s[c]·clamp(round(w/s[c]), ±127);
 *   straight-through (identity) gradient;
 * - bias: b̂ = s_in·s[c]·round(b/(s_in·s[c])), identity gradient.
 *
 * The ranges are non-trainable variables (`input_min`, `input_max`, `output_min`, `output_max`): the first
 * training batch sets them to its min/max, later batches move them by a moving average
 * (r ← m·r + (1 − m)·batch), so they are calibrated on the run's training split.
 */
import * as tf from '@tensorflow/tfjs';
import { customGrad1 } from '../quantizers.js';

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

/** Moving-average momentum of the tracked activation ranges. */
export const RANGE_MOMENTUM = 0.99;

/** The range variables of an int8 layer. */
export interface Int8Ranges {
  inputMin: LayerVariable;
  inputMax: LayerVariable;
  outputMin: LayerVariable;
  outputMax: LayerVariable;
}

/** `addWeight(name)`: the layer's non-trainable `[1]` variable of that name, initialised to 0. */
export function addInt8Ranges(add: (name: string) => LayerVariable): Int8Ranges {
  return {
    inputMin: add('input_min'),
    inputMax: add('input_max'),
    outputMin: add('output_min'),
    outputMax: add('output_max'),
  };
}

/** Moves a [min, max] pair towards the batch's range (sets it on the first batch, when both are still 0). */
export function trackRange(min: LayerVariable, max: LayerVariable, x: tf.Tensor): void {
  tf.tidy(() => {
    const bmin = tf.reshape(tf.min(x), [1]);
    const bmax = tf.reshape(tf.max(x), [1]);
    const fresh = tf.logicalAnd(tf.equal(min.read(), 0), tf.equal(max.read(), 0));
    const ema = (v: tf.Tensor, b: tf.Tensor) =>
      tf.where(fresh, b, tf.add(tf.mul(v, RANGE_MOMENTUM), tf.mul(b, 1 - RANGE_MOMENTUM)));
    const nmin = ema(min.read(), bmin);
    const nmax = ema(max.read(), bmax);
    min.write(nmin);
    max.write(nmax);
  });
}

/** Scale and zero point (as tensors of shape [1]) of a range, as `rangeQuant` computes them. */
export function rangeQuantTensors(min: tf.Tensor, max: tf.Tensor): { scale: tf.Tensor; zp: tf.Tensor } {
  return tf.tidy(() => {
    const lo = tf.minimum(min, 0);
    const hi = tf.maximum(max, 0);
    const range = tf.sub(hi, lo);
    const scale = tf.where(tf.greater(range, 2 ** -12), tf.div(range, 255), tf.fill(range.shape, 2 ** -20));
    const zp = tf.clipByValue(tf.round(tf.sub(-128, tf.div(lo, scale))), -128, 127);
    return { scale, zp };
  });
}

/** Activations on the int8 grid of [min, max], with the straight-through gradient inside the range. */
export function fakeQuantActivations(x: tf.Tensor, min: tf.Tensor, max: tf.Tensor): tf.Tensor {
  const { scale, zp } = rangeQuantTensors(min, max);
  const f = customGrad1((v, save) => {
    const value = tf.tidy(() => {
      const q = tf.clipByValue(tf.add(tf.round(tf.div(v, scale)), zp), -128, 127);
      return tf.mul(tf.sub(q, zp), scale);
    });
    const mask = tf.tidy(() =>
      tf.cast(
        tf.logicalAnd(
          tf.greaterEqual(v, tf.mul(tf.sub(-128, zp), scale)),
          tf.lessEqual(v, tf.mul(tf.sub(127, zp), scale)),
        ),
        'float32',
      ),
    );
    save([mask]);
    return { value, gradFunc: (dy, saved) => tf.mul(dy, saved[0]!) };
  });
  const y = f(x);
  scale.dispose();
  zp.dispose();
  return y;
}

/** Per-output-channel scales `max|w[c]|/127` (1 for a zero channel) of a kernel whose last axis is the channel. */
export function channelScales(w: tf.Tensor, channels: number): tf.Tensor1D {
  return tf.tidy(() => {
    const m = tf.max(tf.abs(tf.reshape(w, [-1, channels])), 0) as tf.Tensor1D;
    return tf.where(tf.greater(m, 0), tf.div(m, 127), tf.onesLike(m)) as tf.Tensor1D;
  });
}

/** Weights on their per-channel int8 grid (identity gradient). */
export function fakeQuantWeights(w: tf.Tensor, channels: number): tf.Tensor {
  const f = customGrad1((v) => ({
    value: tf.tidy(() => {
      const s = channelScales(v, channels);
      const q = tf.clipByValue(tf.round(tf.div(tf.reshape(v, [-1, channels]), s)), -127, 127);
      return tf.reshape(tf.mul(q, s), v.shape);
    }),
    gradFunc: (dy) => tf.clone(dy),
  }));
  return f(w);
}

/** The bias on its int32 grid of scale s_in·s_w[c] (identity gradient). */
export function fakeQuantBias(b: tf.Tensor, inScale: tf.Tensor, wScales: tf.Tensor): tf.Tensor {
  const f = customGrad1((v) => ({
    value: tf.tidy(() => {
      const s = tf.mul(inScale, wScales);
      return tf.mul(tf.round(tf.div(v, s)), s);
    }),
    gradFunc: (dy) => tf.clone(dy),
  }));
  return f(b);
}
