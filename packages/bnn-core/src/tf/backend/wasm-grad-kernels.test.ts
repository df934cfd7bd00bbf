import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

// The reference for every wasm gradient kernel (and our MaxPoolGrad) is tfjs-backend-cpu: same random inputs, same loss, gradients
// compared element-wise.

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});

function rand(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function gradsOn(
  backend: 'cpu' | 'wasm',
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor,
  xShape: number[],
  wShape: number[],
): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(xShape, 1), xShape as [number, number, number, number]);
    const w = tf.tensor4d(rand(wShape, 2), wShape as [number, number, number, number]);
    // A non-uniform upstream gradient: d/dy of sum(y²) = 2y.
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D))),
    )([x, w]);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

function expectClose(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  expect(worst / scale).toBeLessThan(1e-5);
}

describe('wasm gradient kernels vs tfjs-backend-cpu', () => {
  const convCases: Array<[string, number[], number[], number, 'same' | 'valid']> = [
    ['3×3 same stride 1', [2, 7, 6, 3], [3, 3, 3, 4], 1, 'same'],
    ['3×2 same stride 2', [2, 9, 11, 5], [3, 2, 5, 7], 2, 'same'],
    ['3×3 valid stride 2', [1, 8, 8, 2], [3, 3, 2, 3], 2, 'valid'],
    ['5×5 valid stride 3', [3, 12, 10, 1], [5, 5, 1, 2], 3, 'valid'],
    ['1×1 valid', [2, 4, 4, 6], [1, 1, 6, 5], 1, 'valid'],
  ];
  for (const [name, xs, ws, stride, pad] of convCases) {
    it(`Conv2DBackpropFilter / Conv2DBackpropInput: ${name}`, () => {
      const f = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, stride, pad);
      const ref = gradsOn('cpu', f, xs, ws);
      const got = gradsOn('wasm', f, xs, ws);
      expectClose(got[0]!, ref[0]!);
      expectClose(got[1]!, ref[1]!);
    });
  }

  const dwCases: Array<[string, number[], number[], number, 'same' | 'valid', number]> = [
    ['3×3 same M=1', [2, 7, 6, 3], [3, 3, 3, 1], 1, 'same', 1],
    ['3×3 same stride 2 M=2', [2, 9, 8, 4], [3, 3, 4, 2], 2, 'same', 1],
    ['2×3 valid M=3', [1, 6, 7, 2], [2, 3, 2, 3], 1, 'valid', 1],
  ];
  for (const [name, xs, ws, stride, pad, dil] of dwCases) {
    it(`DepthwiseConv2dNativeBackpropFilter / Input: ${name}`, () => {
      // Kernels called directly. Dilation is not compared: tfjs-backend-cpu's backprop ignores it, and our
      // layers never reach these kernels with dilation (they dilate the kernel explicitly instead).
      const run = (backend: 'cpu' | 'wasm') => {
        tf.setBackend(backend);
        return tf.tidy(() => {
          const x = tf.tensor4d(rand(xs, 3), xs as [number, number, number, number]);
          const w = tf.tensor4d(rand(ws, 4), ws as [number, number, number, number]);
          const y = tf.depthwiseConv2d(x, w, stride, pad, 'NHWC', dil);
          const dy = tf.mul(y, 2);
          const attrs = { strides: [stride, stride], dilations: [dil, dil], pad };
          const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
            ...attrs,
            filterShape: ws,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
          const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, {
            ...attrs,
            inputShape: xs,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
          return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
        });
      };
      const ref = run('cpu');
      const got = run('wasm');
      expectClose(got[0]!, ref[0]!);
      expectClose(got[1]!, ref[1]!);
    });
  }

  const poolCases: Array<[string, number[], number, number, 'same' | 'valid', boolean]> = [
    ['2×2 stride 2 valid', [2, 6, 6, 3], 2, 2, 'valid', false],
    ['3×3 stride 2 same', [2, 7, 5, 4], 3, 2, 'same', false],
    ['2×2 stride 1 valid, many ties', [2, 5, 5, 3], 2, 1, 'valid', true],
  ];
  for (const [name, xs, k, stride, pad, ties] of poolCases) {
    it(`MaxPoolGrad: ${name}`, () => {
      const run = (backend: 'cpu' | 'wasm') => {
        tf.setBackend(backend);
        return tf.tidy(() => {
          let x: tf.Tensor4D = tf.tensor4d(rand(xs, 5), xs as [number, number, number, number]);
          if (ties) x = tf.round(tf.mul(x, 1.5)) as tf.Tensor4D;
          const y = tf.maxPool(x, k, stride, pad);
          // A distinct upstream gradient per output, so misrouted gradients show.
          const weight = tf.reshape(tf.range(1, 1 + y.size), y.shape);
          const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, k, stride, pad), weight));
          return tf.grad(f)(x).dataSync() as Float32Array;
        });
      };
      expectClose(run('wasm'), run('cpu'));
    });
  }

  it('trains a conv through tf.grads on wasm (no missing kernels)', () => {
    const f = (x: tf.Tensor4D, w: tf.Tensor4D) =>
      tf.depthwiseConv2d(
        tf.relu(tf.conv2d(x, w, 1, 'same')),
        tf.ones([3, 3, 4, 1]) as tf.Tensor4D,
        1,
        'same',
      );
    const ref = gradsOn('cpu', f, [2, 6, 6, 3], [3, 3, 3, 4]);
    const got = gradsOn('wasm', f, [2, 6, 6, 3], [3, 3, 3, 4]);
    expectClose(got[1]!, ref[1]!);
  });
});

describe('wasm forward convs vs tfjs-backend-cpu (tfjs-wasm 4.22 returns zeros for same-padded 1-wide filters at stride-2 width)', () => {
  function forwardOn(
    backend: 'cpu' | 'wasm',
    f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor,
    xShape: number[],
    wShape: number[],
  ): Float32Array {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(rand(xShape, 3), xShape as [number, number, number, number]);
      const w = tf.tensor4d(rand(wShape, 4), wShape as [number, number, number, number]);
      return f(x, w).dataSync() as Float32Array;
    });
  }
  const kernels: Array<[number, number]> = [
    [1, 2],
    [1, 3],
    [2, 1],
    [3, 1],
    [2, 2],
    [3, 3],
  ];
  const strides: Array<[number, number]> = [
    [1, 1],
    [2, 1],
    [1, 2],
    [2, 2],
  ];
  it('the 96-configuration grid (conv2d and depthwise × 6 kernels × 4 strides × same/valid) equals cpu', () => {
    let checked = 0;
    for (const op of ['conv2d', 'depthwise'] as const)
      for (const [kh, kw] of kernels)
        for (const s of strides)
          for (const pad of ['same', 'valid'] as const) {
            const ws = [kh, kw, 3, op === 'conv2d' ? 4 : 2];
            const f = (x: tf.Tensor4D, w: tf.Tensor4D) =>
              op === 'conv2d' ? tf.conv2d(x, w, s, pad) : tf.depthwiseConv2d(x, w, s, pad);
            const want = forwardOn('cpu', f, [2, 7, 6, 3], ws);
            const got = forwardOn('wasm', f, [2, 7, 6, 3], ws);
            expect(
              got.some((v) => v !== 0),
              `${op} ${kh}×${kw} strides ${s} ${pad}`,
            ).toBe(true);
            expectClose(got, want);
            checked++;
          }
    expect(checked).toBe(96);
  });

  it('fused forms, odd sizes, stride 3, dilation and gradients of the affected family equal cpu', () => {
    const cases: Array<[string, (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, number[], number[]]> = [
      [
        'fused conv2d + bias + relu, 3×1 strides [2, 2]',
        (x, w) =>
          tf.fused.conv2d({
            x,
            filter: w,
            strides: [2, 2],
            pad: 'same',
            bias: tf.ones([4]),
            activation: 'relu',
          }),
        [1, 9, 8, 3],
        [3, 1, 3, 4],
      ],
      [
        'fused depthwise + bias, 2×1 strides [1, 2]',
        (x, w) =>
          tf.fused.depthwiseConv2d({ x, filter: w, strides: [1, 2], pad: 'same', bias: tf.ones([6]) }),
        [1, 9, 7, 3],
        [2, 1, 3, 2],
      ],
      [
        'conv2d 3×1 strides [1, 3], odd width',
        (x, w) => tf.conv2d(x, w, [1, 3], 'same'),
        [2, 5, 11, 2],
        [3, 1, 2, 3],
      ],
      ['conv2d 5×1 strides 2', (x, w) => tf.conv2d(x, w, 2, 'same'), [1, 10, 10, 2], [5, 1, 2, 2]],
      ['conv2d 1×1 strides 2', (x, w) => tf.conv2d(x, w, 2, 'same'), [1, 7, 7, 2], [1, 1, 2, 3]],
    ];
    for (const [name, f, xs, ws] of cases) {
      const got = forwardOn('wasm', f, xs, ws);
      expect(
        got.some((v) => v !== 0),
        name,
      ).toBe(true);
      expectClose(got, forwardOn('cpu', f, xs, ws));
    }
    const dilated = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', [2, 1]);
    expectClose(
      forwardOn('wasm', dilated, [1, 9, 8, 3], [3, 1, 3, 1]),
      forwardOn('cpu', dilated, [1, 9, 8, 3], [3, 1, 3, 1]),
    );
    const g = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, [2, 2], 'same');
    const gw = gradsOn('wasm', g, [2, 8, 8, 3], [3, 1, 3, 4]);
    const gc = gradsOn('cpu', g, [2, 8, 8, 3], [3, 1, 3, 4]);
    expectClose(gw[0]!, gc[0]!);
    expectClose(gw[1]!, gc[1]!);
  });
});
