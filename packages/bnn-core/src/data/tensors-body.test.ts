import { describe, expect, it } from 'vitest';
import { encodeTensorsBody, readTensorsBody as readTensors, type TensorsHeader } from './tensors-body.js';

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

describe('encodeTensorsBody', () => {
  const dataset = (x: number[], y: number[], shape: number[], numClasses: number) => ({
    name: 'd',
    x: Float32Array.from(x),
    y: Int32Array.from(y),
    shape,
    numClasses,
    labels: Array.from({ length: numClasses }, (_, i) => `c${i}`),
  });

  it('round-trips through readTensorsBody: pixels as uint8 (exactly q / 255), chosen samples, train then test', () => {
    const q = [0, 17, 255, 128, 3, 99];
    const d = dataset(
      q.map((v) => Math.fround(v / 255)),
      [0, 1, 2],
      [2],
      3,
    );
    const body = encodeTensorsBody({ id: 'ds', name: 'tiny', kind: 'idx' }, [
      { data: d, index: [2, 0], total: 2 },
      { data: d, index: [1], total: 1 },
    ]);
    const { header, train, test } = readTensors(body);
    expect(header.x.dtype).toBe('uint8');
    expect(header.x.offset % 8).toBe(0);
    expect(Array.from(train.x)).toEqual([3, 99, 0, 17].map((v) => Math.fround(v / 255)));
    expect(Array.from(train.y)).toEqual([2, 0]);
    expect(Array.from(test.x)).toEqual([255, 128].map((v) => Math.fround(v / 255)));
    expect(Array.from(test.y)).toEqual([1]);
  });

  it('keeps other values as float32 and uses uint16 classes past 256', () => {
    const d = dataset([0.1, -2.5, 1e-7, 3], [300, 7], [2], 301);
    const { header, train, test } = readTensors(
      encodeTensorsBody({ id: 'ds', name: 'f', kind: 'csv' }, [
        { data: d, index: [0], total: 1 },
        { data: d, index: [1], total: 1 },
      ]),
    );
    expect(header.x.dtype).toBe('float32');
    expect(header.y.dtype).toBe('uint16');
    expect(Array.from(train.x)).toEqual([0.1, -2.5].map(Math.fround));
    expect(Array.from(test.x)).toEqual([1e-7, 3].map(Math.fround));
    expect([train.y[0], test.y[0]]).toEqual([300, 7]);
  });
});
