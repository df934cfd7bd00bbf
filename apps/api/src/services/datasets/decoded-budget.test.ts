import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { seededRandom } from '@bnn-studio/bnn-core';
import { MAX_DATASET_BYTES } from '@bnn-studio/bnn-core/tf';
import { describe, expect, it } from 'vitest';
import {
  checkDecodedValues,
  idxHeaderDims,
  idxHeaderGuard,
  MAX_DECODED_BYTES,
  MAX_DECODED_VALUES,
} from './decoded-budget.js';

function idxHead(dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(0x00000800 | dims.length, 0);
  for (const [i, d] of dims.entries()) b.writeUInt32BE(d, 4 + 4 * i);
  return b;
}

/** Runs `bytes`, cut into chunks at seeded places, through the guard; returns the bytes passed or the error. */
async function guard(
  bytes: Buffer,
  seed: number,
): Promise<{ out?: Buffer; err?: { status: number; code: string } }> {
  const rnd = seededRandom(seed);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * 7);
    chunks.push(bytes.subarray(i, i + n));
    i += n;
  }
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), idxHeaderGuard('f'), async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) out.push(c);
    });
    return { out: Buffer.concat(out) };
  } catch (err) {
    return { err: err as { status: number; code: string } };
  }
}

describe('decoded-dataset limit', () => {
  it("is bnn-core's loader limit", () => {
    expect(MAX_DECODED_BYTES).toBe(MAX_DATASET_BYTES);
  });

  it('accepts exactly the limit and refuses one value past it with 413 dataset_too_large', () => {
    expect(() => checkDecodedValues(MAX_DECODED_VALUES, 'x')).not.toThrow();
    expect(() => checkDecodedValues(MAX_DECODED_VALUES + 1, 'The thing')).toThrow(
      expect.objectContaining({ status: 413, code: 'dataset_too_large' }),
    );
  });

  it('reads IDX header dimensions, and null for anything else', () => {
    expect(idxHeaderDims(idxHead([60000, 28, 28]))).toEqual([60000, 28, 28]);
    expect(idxHeaderDims(idxHead([5, 4, 3, 2]))).toEqual([5, 4, 3, 2]);
    expect(idxHeaderDims(Buffer.from('label,f1\n1,2\n'))).toBeNull();
    expect(idxHeaderDims(Buffer.from('PK\x03\x04rest of a zip'))).toBeNull();
    expect(idxHeaderDims(idxHead([3, 2]).subarray(0, 8))).toBeNull(); // truncated
    const floats = idxHead([3, 2, 2]);
    floats[2] = 0x0d;
    expect(idxHeaderDims(floats)).toBeNull();
  });

  it('passes every byte of an accepted file through, however the chunks fall (seeded)', async () => {
    // [N, H, W] at exactly the limit, and non-IDX files (never judged by the guard).
    const atLimit = Buffer.concat([idxHead([MAX_DECODED_VALUES / 1024, 32, 32]), Buffer.alloc(100, 7)]);
    const csv = Buffer.from('f1,f2,label\n1,2,a\n3,4,b\n');
    const tiny = Buffer.from([0, 0, 8]);
    for (let seed = 1; seed <= 50; seed++)
      for (const bytes of [atLimit, csv, tiny]) expect((await guard(bytes, seed)).out).toEqual(bytes);
  });

  it('stops an IDX file whose header announces more than the limit, however the chunks fall (seeded)', async () => {
    const over3 = Buffer.concat([idxHead([MAX_DECODED_VALUES / 1024 + 1, 32, 32]), Buffer.alloc(64)]);
    const over4 = Buffer.concat([idxHead([300_000, 32, 32, 3]), Buffer.alloc(64)]);
    for (let seed = 1; seed <= 50; seed++)
      for (const bytes of [over3, over4])
        expect((await guard(bytes, seed)).err).toMatchObject({ status: 413, code: 'dataset_too_large' });
    // A labels file (1 dimension) is bounded by its images, not judged alone.
    expect((await guard(idxHead([MAX_DECODED_VALUES + 1]), 1)).out).toBeDefined();
  });
});
