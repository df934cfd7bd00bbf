/**
 * Plain float kernels on one sample (NHWC without the batch axis), written for clarity: the reference forward
 * pass of a graph and the float evaluator of a deploy graph are built from them.
 */

import { axisWindow, type WindowPadding } from '../math/window.js';

export type PaddingMode = WindowPadding;

export interface ConvGeometry {
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padding: PaddingMode;
}

/** A window's kernel size, strides and dilations along (height, width), and its padding mode. */
export interface Window {
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  padding: PaddingMode;
}

/** The geometry of `win` sliding over an [H, W, ·] input (`inShape`) with `c` channels. */
export function convGeometry(inShape: readonly number[], c: number, win: Window): ConvGeometry {
  const { kernel: k, strides: s, dilations: d, padding } = win;
  return {
    h: inShape[0]!,
    w: inShape[1]!,
    c,
    kh: k[0]!,
    kw: k[1]!,
    sh: s[0]!,
    sw: s[1]!,
    dh: d[0]!,
    dw: d[1]!,
    padding,
  };
}

/** Window geometry along height (`gy`) and width (`gx`). */
function outputGrid(g: ConvGeometry) {
  return {
    gy: axisWindow(g.h, g.kh, g.sh, g.dh, g.padding),
    gx: axisWindow(g.w, g.kw, g.sw, g.dw, g.padding),
  };
}

/**
 * Visits every output position and every kernel tap; `tap(o, iy, ix, ky, kx, inBounds)` with `o` the output
 * pixel index and (iy, ix) the input pixel (only meaningful when `inBounds`).
 */
export function forEachTap(
  g: ConvGeometry,
  tap: (o: number, iy: number, ix: number, ky: number, kx: number, inBounds: boolean) => void,
): { oh: number; ow: number } {
  const { gy, gx } = outputGrid(g);
  for (let oy = 0; oy < gy.out; oy++) {
    for (let ox = 0; ox < gx.out; ox++) {
      const o = oy * gx.out + ox;
      for (let ky = 0; ky < g.kh; ky++) {
        const iy = oy * g.sh + ky * g.dh - gy.padBefore;
        for (let kx = 0; kx < g.kw; kx++) {
          const ix = ox * g.sw + kx * g.dw - gx.padBefore;
          tap(o, iy, ix, ky, kx, iy >= 0 && iy < g.h && ix >= 0 && ix < g.w);
        }
      }
    }
  }
  return { oh: gy.out, ow: gx.out };
}

/** Conv with HWIO filter; out-of-bounds taps read `padValue` (0 = zero padding). Accumulates in float64. */
export function conv2d(
  x: Float32Array,
  g: ConvGeometry,
  filter: Float32Array,
  cout: number,
  padValue = 0,
): { y: Float64Array; oh: number; ow: number } {
  const { gy, gx } = outputGrid(g);
  const y = new Float64Array(gy.out * gx.out * cout);
  forEachTap(g, (o, iy, ix, ky, kx, inside) => {
    const fBase = (ky * g.kw + kx) * g.c * cout;
    for (let ci = 0; ci < g.c; ci++) {
      const v = inside ? x[(iy * g.w + ix) * g.c + ci]! : padValue;
      if (v === 0) continue;
      const f = fBase + ci * cout;
      for (let co = 0; co < cout; co++) y[o * cout + co]! += v * filter[f + co]!;
    }
  });
  return { y, oh: gy.out, ow: gx.out };
}

/** Depthwise conv with `[KH, KW, C, M]` filter; output channel c·M + m. */
export function depthwiseConv2d(
  x: Float32Array,
  g: ConvGeometry,
  filter: Float32Array,
  m: number,
  padValue = 0,
): { y: Float64Array; oh: number; ow: number } {
  const { gy, gx } = outputGrid(g);
  const cout = g.c * m;
  const y = new Float64Array(gy.out * gx.out * cout);
  forEachTap(g, (o, iy, ix, ky, kx, inside) => {
    for (let ci = 0; ci < g.c; ci++) {
      const v = inside ? x[(iy * g.w + ix) * g.c + ci]! : padValue;
      for (let mi = 0; mi < m; mi++)
        y[o * cout + ci * m + mi]! += v * filter[((ky * g.kw + kx) * g.c + ci) * m + mi]!;
    }
  });
  return { y, oh: gy.out, ow: gx.out };
}

/** `[Cin]` × `[Cin, Cout]`. */
export function dense(x: Float32Array, w: Float32Array, cin: number, cout: number): Float64Array {
  const y = new Float64Array(cout);
  for (let i = 0; i < cin; i++) {
    const v = x[i]!;
    for (let o = 0; o < cout; o++) y[o]! += v * w[i * cout + o]!;
  }
  return y;
}

/** Max or average pooling; `same` ignores out-of-bounds taps (TensorFlow semantics). */
export function pool2d(
  x: Float32Array,
  h: number,
  w: number,
  c: number,
  pool: [number, number],
  strides: [number, number],
  padding: PaddingMode,
  kind: 'max' | 'avg',
): { y: Float32Array; oh: number; ow: number } {
  const g = convGeometry([h, w], c, { kernel: pool, strides, dilations: [1, 1], padding });
  const { gy, gx } = outputGrid(g);
  const n = gy.out * gx.out;
  const acc = new Float64Array(n * c).fill(kind === 'max' ? -Infinity : 0);
  const count = new Float64Array(n);
  forEachTap(g, (o, iy, ix, _ky, _kx, inside) => {
    if (!inside) return;
    count[o]! += 1;
    for (let ci = 0; ci < c; ci++) {
      const v = x[(iy * w + ix) * c + ci]!;
      if (kind === 'max') acc[o * c + ci] = Math.max(acc[o * c + ci]!, v);
      else acc[o * c + ci]! += v;
    }
  });
  const y = new Float32Array(n * c);
  for (let i = 0; i < n * c; i++) y[i] = kind === 'max' ? acc[i]! : acc[i]! / count[Math.floor(i / c)]!;
  return { y, oh: gy.out, ow: gx.out };
}

/** Element-wise sum of same-sized tensors (residual Add). */
export function addAll(parts: Float32Array[]): Float32Array {
  const y = new Float32Array(parts[0]!.length);
  for (const part of parts) for (let j = 0; j < y.length; j++) y[j]! += part[j]!;
  return y;
}

/** Joins `parts` along the channel (last) axis in order; each has `pixels` positions and `cout` channels in all. */
export function concatChannels(parts: Float32Array[], pixels: number, cout: number): Float32Array {
  const y = new Float32Array(pixels * cout);
  let offset = 0;
  for (const part of parts) {
    const ci = part.length / pixels;
    for (let px = 0; px < pixels; px++)
      for (let k = 0; k < ci; k++) y[px * cout + offset + k] = part[px * ci + k]!;
    offset += ci;
  }
  return y;
}

export function globalAvgPool(x: Float32Array, pixels: number, c: number): Float32Array {
  const acc = new Float64Array(c);
  for (let p = 0; p < pixels; p++) for (let ci = 0; ci < c; ci++) acc[ci]! += x[p * c + ci]!;
  const y = new Float32Array(c);
  for (let ci = 0; ci < c; ci++) y[ci] = acc[ci]! / pixels;
  return y;
}

export function softmax(x: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  const e = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    e[i] = Math.exp(x[i]! - max);
    sum += e[i]!;
  }
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = e[i]! / sum;
  return y;
}

export const hardTanh = (v: number) => Math.min(1, Math.max(-1, v));
export const leakyTanh = (v: number, alpha: number) => {
  const c = hardTanh(v);
  return c + alpha * (v - c);
};
