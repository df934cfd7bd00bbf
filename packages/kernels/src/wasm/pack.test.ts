// The WASM `pack` kernel against the TypeScript packer: same words for any finite data (−0 and denormals
// included), and its non-finite flag raised exactly when some value is NaN or ±Infinity, wherever it sits.
import { describe, expect, it } from 'vitest';
import { packBits, packedWords } from '../bitpack.js';
import { Rng } from '../test-support/random.js';
import { Heap, instantiateKernels } from './runtime.js';

const SPECIAL = [0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, -1];

async function packer() {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 1024 });
  const k = await instantiateKernels(memory);
  const heap = new Heap(memory);
  const src = heap.alloc(4 * 4096);
  const dst = heap.alloc(4 * 4096);
  return (values: Float32Array, rows: number, channels: number) => {
    heap.f32(src, values.length).set(values);
    const flag = k.pack(src, dst, rows, channels);
    return { flag, words: heap.i32(dst, rows * packedWords(channels)).slice() };
  };
}

describe('WASM pack', () => {
  it('packs like the TypeScript packer on 500 random shapes with −0, denormals and extremes', async () => {
    const pack = await packer();
    const rng = new Rng(404);
    for (let trial = 0; trial < 500; trial++) {
      const channels = rng.int(1, 100);
      const rows = rng.int(1, 9);
      const values = Float32Array.from({ length: rows * channels }, () =>
        rng.next() < 0.3 ? rng.pick(SPECIAL) : rng.next() * 4 - 2,
      );
      const { flag, words } = pack(values, rows, channels);
      expect(flag, `trial ${trial}`).toBe(0);
      expect(Array.from(words), `trial ${trial}: ${rows}×${channels}`).toEqual(
        Array.from(packBits(values, channels)),
      );
    }
  });

  it('flags one NaN or ±Infinity anywhere (whole words and tail channels alike)', async () => {
    const pack = await packer();
    const rng = new Rng(405);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let trial = 0; trial < 100; trial++) {
        const channels = rng.int(1, 100);
        const rows = rng.int(1, 5);
        const values = Float32Array.from({ length: rows * channels }, () => rng.next() * 2 - 1);
        const at = rng.int(0, values.length - 1);
        values[at] = bad;
        expect(pack(values, rows, channels).flag, `${bad} at ${at} of ${rows}×${channels}`).toBe(1);
      }
    }
  });
});
