/**
 * Readable reference implementations of the binary kernels. They define the semantics that the WASM SIMD
 * kernels must reproduce bit for bit (see deploy-types.ts in bnn-core for the normative description).
 * Tensors are one sample at a time; callers loop over the batch.
 */
import {
  type BConv2DOp,
  type BDepthwiseConv2DOp,
  type BMaxPool2DOp,
  clampDot,
  type FloatOutputTransform,
  type OutputTransform,
} from '@bnn-studio/bnn-core';
import { packedWords, popcount32 } from '../bitpack.js';
import { convGeometry } from '../geometry.js';

export type BConvParams = Pick<
  BConv2DOp,
  | 'filter'
  | 'inChannels'
  | 'outChannels'
  | 'kernel'
  | 'strides'
  | 'dilations'
  | 'padding'
  | 'padValue'
  | 'transform'
>;

/**
 * Float output transform: y = act(multiplier · clamp(dot) + bias), every step rounded to float32; `clamp` is the
 * dot clamp's int32 range (bnn-core `DOT_CLAMP_RANGE`: none, relu, relu_n1_to_1, relu6).
 */
export function floatTransform(t: FloatOutputTransform, channel: number, dot: number): number {
  const clamped = clampDot(dot, t.clamp);
  const y = Math.fround(Math.fround(t.multiplier[channel]! * clamped) + t.bias[channel]!);
  return t.activation === 'relu' ? Math.max(y, 0) : y;
}

/** Bit-packed output transform: the output bit is 1 (−1) iff accum > threshold (signed 32-bit compare). */
export function bitpackedTransformBit(thresholds: Int32Array, channel: number, accum: number): number {
  return accum > thresholds[channel]! ? 1 : 0;
}

/**
 * Binary GEMM: for rows `a` (`m` × `words`) and `b` (`n` × `words`), accum[i·n + j] = Σ popcount(a_i XOR b_j),
 * the number of disagreeing signs.
 */
export function bgemmReference(
  a: Int32Array,
  b: Int32Array,
  m: number,
  n: number,
  words: number,
): Int32Array {
  const out = new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let accum = 0;
      for (let k = 0; k < words; k++) accum += popcount32(a[i * words + k]! ^ b[j * words + k]!);
      out[i * n + j] = accum;
    }
  }
  return out;
}

/** Writes one output element of a binary layer through its output transform. */
function emit(
  transform: OutputTransform,
  out: Float32Array | Int32Array,
  pixel: number,
  channels: number,
  channel: number,
  accum: number,
  dot: number,
): void {
  if (transform.kind === 'float') {
    out[pixel * channels + channel] = floatTransform(transform, channel, dot);
  } else if (bitpackedTransformBit(transform.thresholds, channel, accum)) {
    const words = packedWords(channels);
    out[pixel * words + (channel >>> 5)]! |= 1 << (channel & 31);
  }
}

/**
 * Binary conv2d on one packed `[H, W, Cin]` sample. Returns float32 `[OH, OW, Cout]` or packed
 * `[OH, OW, ceil(Cout/32)]` words depending on the transform.
 *
 * For each output element: accum = Σ over taps of popcount(x XOR w). With one-padding a padded tap holds +1
 * (all bits 0) so it adds popcount(w); with zero-padding it is skipped and K counts in-bounds taps only.
 * dot = K·Cin − 2·accum.
 */
export function bconv2dReference(
  input: Int32Array,
  inH: number,
  inW: number,
  p: BConvParams,
): Float32Array | Int32Array {
  const [kh, kw] = p.kernel;
  const g = convGeometry(inH, inW, p.kernel, p.strides, p.dilations, p.padding);
  const wc = packedWords(p.inChannels);
  const zeroPad = p.padding === 'same' && p.padValue === 0;
  const out =
    p.transform.kind === 'float'
      ? new Float32Array(g.outH * g.outW * p.outChannels)
      : new Int32Array(g.outH * g.outW * packedWords(p.outChannels));
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      for (let o = 0; o < p.outChannels; o++) {
        let accum = 0;
        let taps = 0;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * p.strides[0] - g.padTop + ky * p.dilations[0];
            const ix = ox * p.strides[1] - g.padLeft + kx * p.dilations[1];
            const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            if (!inside && zeroPad) continue;
            taps++;
            for (let w = 0; w < wc; w++) {
              const x = inside ? input[(iy * inW + ix) * wc + w]! : 0;
              accum += popcount32(x ^ p.filter[((o * kh + ky) * kw + kx) * wc + w]!);
            }
          }
        }
        const dot = taps * p.inChannels - 2 * accum;
        emit(p.transform, out, oy * g.outW + ox, p.outChannels, o, accum, dot);
      }
    }
  }
  return out;
}

/** Binary dense on one packed `[Cin]` sample: a 1×1 convolution of a 1×1 image. K = Cin. */
export function bdenseReference(
  input: Int32Array,
  p: Pick<BConvParams, 'filter' | 'inChannels' | 'outChannels' | 'transform'>,
): Float32Array | Int32Array {
  return bconv2dReference(input, 1, 1, {
    ...p,
    kernel: [1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'valid',
    padValue: 1,
  });
}

/**
 * Binary depthwise conv (depth multiplier 1) on one packed `[H, W, C]` sample; float output `[OH, OW, C]`.
 * Per channel c: dot = Σ over counted taps of (x_c · w_c) with ±1 values = taps − 2·disagreements.
 */
export function bdepthwiseConv2dReference(
  input: Int32Array,
  inH: number,
  inW: number,
  p: Pick<
    BDepthwiseConv2DOp,
    'filter' | 'channels' | 'kernel' | 'strides' | 'dilations' | 'padding' | 'padValue' | 'transform'
  >,
): Float32Array {
  const [kh, kw] = p.kernel;
  const g = convGeometry(inH, inW, p.kernel, p.strides, p.dilations, p.padding);
  const wc = packedWords(p.channels);
  const zeroPad = p.padding === 'same' && p.padValue === 0;
  const out = new Float32Array(g.outH * g.outW * p.channels);
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      for (let c = 0; c < p.channels; c++) {
        let disagree = 0;
        let taps = 0;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * p.strides[0] - g.padTop + ky * p.dilations[0];
            const ix = ox * p.strides[1] - g.padLeft + kx * p.dilations[1];
            const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            if (!inside && zeroPad) continue;
            taps++;
            const x = inside ? input[(iy * inW + ix) * wc + (c >>> 5)]! : 0;
            const w = p.filter[(ky * kw + kx) * wc + (c >>> 5)]!;
            disagree += ((x ^ w) >>> (c & 31)) & 1;
          }
        }
        out[(oy * g.outW + ox) * p.channels + c] = floatTransform(p.transform, c, taps - 2 * disagree);
      }
    }
  }
  return out;
}

/**
 * Binary max-pool on one packed `[H, W, C]` sample: the max of ±1 values is −1 only when all are −1, i.e. a
 * bitwise AND of the packed words over the window (`same` ignores out-of-bounds taps).
 */
export function bmaxpool2dReference(
  input: Int32Array,
  inH: number,
  inW: number,
  channels: number,
  p: Pick<BMaxPool2DOp, 'pool' | 'strides' | 'padding'>,
): Int32Array {
  const g = convGeometry(inH, inW, p.pool, p.strides, [1, 1], p.padding);
  const wc = packedWords(channels);
  const out = new Int32Array(g.outH * g.outW * wc);
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      for (let w = 0; w < wc; w++) {
        let acc = -1;
        for (let ky = 0; ky < p.pool[0]; ky++) {
          for (let kx = 0; kx < p.pool[1]; kx++) {
            const iy = oy * p.strides[0] - g.padTop + ky;
            const ix = ox * p.strides[1] - g.padLeft + kx;
            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) acc &= input[(iy * inW + ix) * wc + w]!;
          }
        }
        out[(oy * g.outW + ox) * wc + w] = acc;
      }
    }
  }
  return out;
}
