import { describe, expect, it } from 'vitest';
import {
  deserializeWeights,
  getPreset,
  randomWeights,
  serializeWeights,
  type WeightMap,
  WeightsFormatError,
} from '../index.js';

function expectCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightsFormatError);
    expect((e as WeightsFormatError).code).toBe(code);
    return;
  }
  throw new Error(`expected WeightsFormatError ${code}`);
}

describe('serializeWeights / deserializeWeights', () => {
  it('round-trips exactly, including special floats and empty maps', () => {
    const w = randomWeights(getPreset('quicknet-28'), 9);
    w.special = { v: { shape: [5], data: Float32Array.from([0, -0, Infinity, -1e-30, 3.4e38]) } };
    w.empty = { e: { shape: [0, 3], data: new Float32Array(0) } };
    const bytes = serializeWeights(w);
    const back = deserializeWeights(bytes);
    expect(Object.keys(back)).toEqual(Object.keys(w));
    for (const node of Object.keys(w)) {
      for (const name of Object.keys(w[node]!)) {
        expect(back[node]![name]!.shape).toEqual(w[node]![name]!.shape);
        expect(Buffer.from(back[node]![name]!.data.buffer)).toEqual(Buffer.from(w[node]![name]!.data.buffer));
      }
    }
    expect(Object.is(back.special!.v!.data[1], -0)).toBe(true);
    expect(deserializeWeights(serializeWeights({}))).toEqual({});
    // Compact: data plus a small index.
    const floats = Object.values(w)
      .flatMap((v) => Object.values(v))
      .reduce((a, t) => a + t.data.length, 0);
    expect(bytes.length).toBeLessThan(floats * 4 + 8000);
  });

  it('reads from a view at an unaligned offset', () => {
    const bytes = serializeWeights({ a: { k: { shape: [2], data: Float32Array.from([1, 2]) } } });
    const buf = new Uint8Array(bytes.length + 3);
    buf.set(bytes, 3);
    expect(Array.from(deserializeWeights(buf.subarray(3)).a!.k!.data)).toEqual([1, 2]);
  });

  it('rejects bad files with a coded error', () => {
    const good = serializeWeights({ a: { k: { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) } } });
    expectCode(() => deserializeWeights(new Uint8Array(3)), 'truncated');
    const magic = good.slice();
    magic[0] = 0x58;
    expectCode(() => deserializeWeights(magic), 'bad_magic');
    const version = good.slice();
    version[4] = 9;
    expectCode(() => deserializeWeights(version), 'version');
    const flipped = good.slice();
    flipped[good.length - 8]! ^= 1;
    expectCode(() => deserializeWeights(flipped), 'checksum');
    expectCode(() => deserializeWeights(good.subarray(0, good.length - 4)), 'checksum');
    const evil: WeightMap = {};
    Object.defineProperty(evil, '__proto__', {
      value: { k: { shape: [1], data: new Float32Array(1) } },
      enumerable: true,
    });
    expectCode(() => deserializeWeights(serializeWeights(evil)), 'bad_index');
    expect(({} as Record<string, unknown>).k).toBeUndefined();
    const bad: WeightMap = { a: { k: { shape: [3], data: new Float32Array(2) } } };
    expectCode(() => serializeWeights(bad), 'shape_mismatch');
  });
});
