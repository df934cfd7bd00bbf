// The reference kernels against TensorFlow.js (cpu backend) on ±1 data: integer-valued results must be equal.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { packBits, unpackBits } from '../bitpack.js';
import { Rng } from '../test-support/random.js';
import {
  type BConvParams,
  bconv2dReference,
  bdenseReference,
  bdepthwiseConv2dReference,
  bgemmReference,
  bmaxpool2dReference,
} from './binary.js';
import {
  conv2dReference,
  denseReference,
  depthwiseConv2dReference,
  pool2dReference,
  softmaxReference,
} from './float.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const identity = (n: number) => ({
  kind: 'float' as const,
  clamp: 'none' as const,
  activation: 'none' as const,
  multiplier: new Float32Array(n).fill(1),
  bias: new Float32Array(n),
});

/** OHWI ±1 filter → packed OHWI and HWIO float for tfjs. */
function randomFilter(rng: Rng, cout: number, kh: number, kw: number, cin: number) {
  const ohwi = Float32Array.from({ length: cout * kh * kw * cin }, () => (rng.next() < 0.5 ? -1 : 1));
  const hwio = new Float32Array(ohwi.length);
  for (let o = 0; o < cout; o++)
    for (let t = 0; t < kh * kw; t++)
      for (let i = 0; i < cin; i++) hwio[(t * cin + i) * cout + o] = ohwi[(o * kh * kw + t) * cin + i]!;
  return { packed: packBits(ohwi, cin), hwio };
}

describe('binary reference kernels equal TensorFlow.js float kernels on ±1 data', () => {
  it('bconv2d: strides, dilations, valid, same zero-padding and same one-padding', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 60; trial++) {
      const h = rng.int(3, 9);
      const w = rng.int(3, 9);
      const cin = rng.pick([1, 5, 32, 33, 70]);
      const cout = rng.int(1, 9);
      const k = rng.pick([1, 3, 5]);
      const kernel: [number, number] = [k, rng.pick([1, k])];
      const stride = rng.int(1, 2);
      const dil = stride === 1 ? rng.int(1, 2) : 1;
      const padding = rng.pick(['valid', 'same'] as const);
      const padValue = rng.pick([0, 1] as const);
      if (padding === 'valid' && ((kernel[0] - 1) * dil + 1 > h || (kernel[1] - 1) * dil + 1 > w)) continue;
      const x = Float32Array.from({ length: h * w * cin }, () => (rng.next() < 0.5 ? -1 : 1));
      const f = randomFilter(rng, cout, kernel[0], kernel[1], cin);
      const p: BConvParams = {
        filter: f.packed,
        inChannels: cin,
        outChannels: cout,
        kernel,
        strides: [stride, stride],
        dilations: [dil, dil],
        padding,
        padValue,
        transform: identity(cout),
      };
      const ours = bconv2dReference(packBits(x, cin), h, w, p);
      const expected = tf.tidy(() => {
        let xt: tf.Tensor4D = tf.tensor4d(x, [1, h, w, cin]);
        let pad: 'valid' | 'same' = padding;
        if (padding === 'same' && padValue === 1) {
          // one-padding = pad the ±1 input with +1 by TF's same-padding amounts, then a valid conv
          const eh = (kernel[0] - 1) * dil + 1;
          const ew = (kernel[1] - 1) * dil + 1;
          const oh = Math.ceil(h / stride);
          const ow = Math.ceil(w / stride);
          const ph = Math.max((oh - 1) * stride + eh - h, 0);
          const pw = Math.max((ow - 1) * stride + ew - w, 0);
          xt = tf.pad(
            xt,
            [
              [0, 0],
              [Math.floor(ph / 2), ph - Math.floor(ph / 2)],
              [Math.floor(pw / 2), pw - Math.floor(pw / 2)],
              [0, 0],
            ],
            1,
          );
          pad = 'valid';
        }
        return tf
          .conv2d(xt, tf.tensor4d(f.hwio, [kernel[0], kernel[1], cin, cout]), stride, pad, 'NHWC', dil)
          .dataSync();
      });
      expect(
        Array.from(ours),
        JSON.stringify({ trial, h, w, cin, cout, kernel, stride, dil, padding, padValue }),
      ).toEqual(Array.from(expected));
    }
  });

  it('bdense equals matMul', () => {
    const rng = new Rng(12);
    for (const [cin, cout] of [
      [1, 1],
      [31, 5],
      [64, 10],
      [100, 33],
    ] as const) {
      const x = Float32Array.from({ length: cin }, () => (rng.next() < 0.5 ? -1 : 1));
      const wOI = Float32Array.from({ length: cout * cin }, () => (rng.next() < 0.5 ? -1 : 1));
      const ours = bdenseReference(packBits(x, cin), {
        filter: packBits(wOI, cin),
        inChannels: cin,
        outChannels: cout,
        transform: identity(cout),
      });
      const expected = tf.tidy(() =>
        tf.matMul(tf.tensor2d(x, [1, cin]), tf.tensor2d(wOI, [cout, cin]), false, true).dataSync(),
      );
      expect(Array.from(ours)).toEqual(Array.from(expected));
    }
  });

  it('bdepthwise_conv2d equals depthwiseConv2d (zero padding) and bmaxpool2d equals maxPool', () => {
    const rng = new Rng(13);
    for (let trial = 0; trial < 20; trial++) {
      const h = rng.int(2, 8);
      const w = rng.int(2, 8);
      const c = rng.pick([3, 32, 40]);
      const k = rng.pick([1, 3]);
      const stride = rng.int(1, 2);
      const x = Float32Array.from({ length: h * w * c }, () => (rng.next() < 0.5 ? -1 : 1));
      const f = Float32Array.from({ length: k * k * c }, () => (rng.next() < 0.5 ? -1 : 1));
      const ours = bdepthwiseConv2dReference(packBits(x, c), h, w, {
        filter: packBits(f, c),
        channels: c,
        kernel: [k, k],
        strides: [stride, stride],
        dilations: [1, 1],
        padding: 'same',
        padValue: 0,
        transform: identity(c),
      });
      const expected = tf.tidy(() =>
        tf
          .depthwiseConv2d(tf.tensor4d(x, [1, h, w, c]), tf.tensor4d(f, [k, k, c, 1]), stride, 'same')
          .dataSync(),
      );
      expect(Array.from(ours)).toEqual(Array.from(expected));
      const padding = rng.pick(['valid', 'same'] as const);
      const pool: [number, number] = [Math.min(2, h), Math.min(2, w)];
      const pooled = bmaxpool2dReference(packBits(x, c), h, w, c, {
        pool,
        strides: [stride, stride],
        padding,
      });
      const tfPooled = tf.tidy(() =>
        tf.maxPool(tf.tensor4d(x, [1, h, w, c]), pool, stride, padding).dataSync(),
      );
      expect(Array.from(unpackBits(pooled, c))).toEqual(Array.from(tfPooled));
    }
  });
});

describe('float reference kernels agree with TensorFlow.js', () => {
  it('conv2d, dense, pools and softmax', () => {
    const rng = new Rng(14);
    const x = rng.floats(7 * 6 * 3);
    const f = rng.floats(3 * 3 * 3 * 4);
    const bias = rng.floats(4);
    const ours = conv2dReference(x, 7, 6, {
      filter: f,
      bias,
      inChannels: 3,
      outChannels: 4,
      kernel: [3, 3],
      strides: [2, 1],
      dilations: [1, 1],
      padding: 'same',
      activation: 'relu',
    });
    const expected = tf.tidy(() =>
      tf
        .relu(
          tf.add(tf.conv2d(tf.tensor4d(x, [1, 7, 6, 3]), tf.tensor4d(f, [3, 3, 3, 4]), [2, 1], 'same'), bias),
        )
        .dataSync(),
    );
    ours.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 5);
    });
    const d = denseReference(rng.floats(5), {
      weights: rng.floats(15),
      bias: null,
      inChannels: 5,
      outChannels: 3,
      activation: 'none',
    });
    expect(d.length).toBe(3);
    for (const kind of ['max', 'avg'] as const) {
      const pooled = pool2dReference(kind, x, 7, 6, 3, { pool: [3, 3], strides: [2, 2], padding: 'same' });
      const tp = tf.tidy(() =>
        (kind === 'max' ? tf.maxPool : tf.avgPool)(tf.tensor4d(x, [1, 7, 6, 3]), 3, 2, 'same').dataSync(),
      );
      pooled.forEach((v, i) => {
        expect(v).toBeCloseTo(tp[i]!, 6);
      });
    }
    const dwf = rng.floats(3 * 3 * 3 * 2);
    const dwb = rng.floats(6);
    const dw = depthwiseConv2dReference(x, 7, 6, {
      filter: dwf,
      bias: dwb,
      channels: 3,
      depthMultiplier: 2,
      kernel: [3, 3],
      strides: [2, 2],
      dilations: [1, 1],
      padding: 'same',
      activation: 'none',
    });
    const tdw = tf.tidy(() =>
      tf
        .add(tf.depthwiseConv2d(tf.tensor4d(x, [1, 7, 6, 3]), tf.tensor4d(dwf, [3, 3, 3, 2]), 2, 'same'), dwb)
        .dataSync(),
    );
    expect(dw.length).toBe(tdw.length);
    dw.forEach((v, i) => {
      expect(v).toBeCloseTo(tdw[i]!, 5);
    });
    const logits = rng.floats(20, 5);
    const sm = softmaxReference(logits, 10);
    const tsm = tf.tidy(() => tf.softmax(tf.tensor2d(logits, [2, 10])).dataSync());
    sm.forEach((v, i) => {
      expect(v).toBeCloseTo(tsm[i]!, 6);
    });
  });
});

describe('bgemmReference', () => {
  it('counts disagreeing signs: accum = (K − ±1 dot product) / 2', () => {
    const rng = new Rng(15);
    for (const [m, n, k] of [
      [1, 1, 1],
      [3, 5, 31],
      [4, 7, 64],
      [2, 3, 100],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, () => (rng.next() < 0.5 ? -1 : 1));
      const b = Float32Array.from({ length: n * k }, () => (rng.next() < 0.5 ? -1 : 1));
      const accum = bgemmReference(packBits(a, k), packBits(b, k), m, n, Math.ceil(k / 32));
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let t = 0; t < k; t++) dot += a[i * k + t]! * b[j * k + t]!;
          expect(accum[i * n + j]).toBe((k - dot) / 2);
        }
      }
    }
  });
});
