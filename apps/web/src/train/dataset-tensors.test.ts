import { describe, expect, it } from 'vitest';
import { readTensors, type TensorsHeader, tensorsUrl } from './dataset-tensors';

/** Lays out a BNNT body by hand (the layout apps/api/API.md documents). */
function body(
  meta: Omit<TensorsHeader, 'x' | 'y' | 'format' | 'version'>,
  x: { dtype: 'uint8' | 'float32'; scale: number; bytes: Uint8Array },
  y: { dtype: 'uint8' | 'uint16'; bytes: Uint8Array },
): Uint8Array {
  const xOffset = 8192;
  const yOffset = xOffset + Math.ceil(x.bytes.length / 8) * 8;
  const header: TensorsHeader = {
    format: 'bnn-studio.tensors',
    version: 1,
    ...meta,
    x: { dtype: x.dtype, scale: x.scale, offset: xOffset, byteLength: x.bytes.length },
    y: { dtype: y.dtype, offset: yOffset, byteLength: y.bytes.length },
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(yOffset + y.bytes.length);
  out.set(new TextEncoder().encode('BNNT'));
  const v = new DataView(out.buffer);
  v.setUint32(4, 1, true);
  v.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(x.bytes, xOffset);
  out.set(y.bytes, yOffset);
  return out;
}

const meta = (train: number, test: number, shape: number[], numClasses: number) => ({
  dataset: { id: 'ds_1', name: 'tiny', kind: 'idx' },
  shape,
  numClasses,
  labels: Array.from({ length: numClasses }, (_, i) => `c${i}`),
  train,
  test,
  trainTotal: train,
  testTotal: test,
});

describe('readTensors', () => {
  it('decodes uint8 pixels to exactly pixel / 255 and splits train then test', () => {
    const pixels = Uint8Array.from({ length: 5 * 4 }, (_, i) => (i * 53) % 256);
    const { train, test, header } = readTensors(
      body(
        meta(3, 2, [2, 2, 1], 3),
        { dtype: 'uint8', scale: 1 / 255, bytes: pixels },
        {
          dtype: 'uint8',
          bytes: Uint8Array.from([0, 1, 2, 1, 0]),
        },
      ),
    );
    expect(header.dataset.name).toBe('tiny');
    expect(train.y).toEqual(Int32Array.from([0, 1, 2]));
    expect(test.y).toEqual(Int32Array.from([1, 0]));
    expect(train.shape).toEqual([2, 2, 1]);
    expect(train.labels).toEqual(['c0', 'c1', 'c2']);
    expect(Array.from(train.x)).toEqual(Array.from(pixels.subarray(0, 12), (p) => Math.fround(p / 255)));
    expect(Array.from(test.x)).toEqual(Array.from(pixels.subarray(12), (p) => Math.fround(p / 255)));
  });

  it('decodes float32 values and uint16 classes (little-endian)', () => {
    const values = Float32Array.from([0.5, -1.25, 3.1, 1e-3]);
    const classes = Uint16Array.from([299, 7]);
    const { train, test } = readTensors(
      body(
        meta(1, 1, [2], 300),
        { dtype: 'float32', scale: 1, bytes: new Uint8Array(values.buffer) },
        { dtype: 'uint16', bytes: new Uint8Array(classes.buffer) },
      ),
    );
    expect(Array.from(train.x)).toEqual([0.5, -1.25]);
    expect(Array.from(test.x)).toEqual([Math.fround(3.1), Math.fround(1e-3)]);
    expect(Array.from(train.y)).toEqual([299]);
    expect(Array.from(test.y)).toEqual([7]);
  });

  it('rejects what is not a BNNT body, naming the problem', () => {
    expect(() => readTensors(new TextEncoder().encode('{"error":{}}'))).toThrow(/magic '\{"er'/);
    const good = body(
      meta(1, 0, [2], 2),
      { dtype: 'uint8', scale: 1, bytes: Uint8Array.from([1, 2]) },
      {
        dtype: 'uint8',
        bytes: Uint8Array.from([1]),
      },
    );
    expect(() => readTensors(good.subarray(0, good.length - 1))).toThrow(/runs past the end/);
    const badClass = body(
      meta(1, 0, [2], 2),
      { dtype: 'uint8', scale: 1, bytes: Uint8Array.from([1, 2]) },
      {
        dtype: 'uint8',
        bytes: Uint8Array.from([5]),
      },
    );
    expect(() => readTensors(badClass)).toThrow(/sample 0 has class 5 of 2/);
    const v2 = good.slice();
    new DataView(v2.buffer).setUint32(4, 2, true);
    expect(() => readTensors(v2)).toThrow(/version 2/);
  });
});

describe('tensorsUrl', () => {
  it('carries the browser run limits (0 = all)', () => {
    expect(tensorsUrl('ds_a b', { maxTrainSamples: 0, maxTestSamples: 1000 })).toBe(
      '/api/datasets/ds_a%20b/tensors?maxTestSamples=1000',
    );
    expect(tensorsUrl('ds_1', { maxTrainSamples: 500, maxTestSamples: 0 })).toBe(
      '/api/datasets/ds_1/tensors?maxTrainSamples=500',
    );
  });
});
