import type { QuantizerRef } from '../spec/graph-types.js';
import { getQuantizerDef, resolveQuantizerConfig } from './quantizers.js';

/**
 * Plain-float forward passes of the registered quantizers (no gradients), used by lowering and by the float
 * reference forward pass. Matches Larq's forward definitions; `sign(0) = +1` (larq/math.py).
 */

/** Round half to even, as tf.round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sign with sign(0) = +1 (and −0 → +1). */
export function sign(x: number): number {
  return x < 0 ? -1 : 1;
}

/**
 * Element-wise quantizer forward for activations and weights. `channels` is the size of the last axis, needed by
 * `magnitude_aware_sign` (per-output-channel scale) and by `ste_tern` in TWN mode (a global mean).
 */
export function quantizeArray(
  ref: QuantizerRef | null | undefined,
  x: Float32Array,
  channels: number,
): Float32Array {
  const out = new Float32Array(x.length);
  if (!ref) {
    out.set(x);
    return out;
  }
  const def = getQuantizerDef(ref.id);
  const cfg = resolveQuantizerConfig(ref);
  switch (def.id) {
    case 'ste_sign':
    case 'approx_sign':
    case 'swish_sign':
      for (let i = 0; i < x.length; i++) out[i] = sign(x[i]!);
      return out;
    case 'magnitude_aware_sign': {
      // Scale per output channel (last axis): mean |w| over all other axes.
      const sums = new Float64Array(channels);
      for (let i = 0; i < x.length; i++) sums[i % channels]! += Math.abs(x[i]!);
      const n = x.length / channels;
      for (let i = 0; i < x.length; i++) out[i] = (sums[i % channels]! / n) * sign(x[i]!);
      return out;
    }
    case 'ste_heaviside':
      for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? 1 : 0;
      return out;
    case 'ste_tern': {
      let t = Number(cfg.threshold_value);
      if (cfg.ternary_weight_networks) {
        let s = 0;
        for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!);
        t = (0.7 * s) / Math.max(1, x.length);
      }
      // Larq: q = sign(sign(x + t) + sign(x − t)) with TensorFlow's sign(0) = 0, so q(±t) = ±1 (for t > 0).
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        out[i] = Math.sign(Math.sign(v + t) + Math.sign(v - t)) || 0;
      }
      return out;
    }
    case 'dorefa': {
      const n = 2 ** Number(cfg.k_bit) - 1;
      if (cfg.mode === 'weights') {
        // tanh-normalised to [0, 1], quantized, mapped back to [−1, 1].
        let m = 0;
        for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(Math.tanh(x[i]!)));
        for (let i = 0; i < x.length; i++) {
          const u = m > 0 ? Math.tanh(x[i]!) / (2 * m) + 0.5 : 0.5;
          out[i] = 2 * (roundHalfEven(u * n) / n) - 1;
        }
      } else {
        for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(Math.min(1, Math.max(0, x[i]!)) * n) / n;
      }
      return out;
    }
    case 'noop':
      out.set(x);
      return out;
    default:
      throw new Error(`bnn-core quantizer-math: no forward for quantizer '${def.id}'.`);
  }
}
