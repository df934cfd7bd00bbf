import { KernelError } from './errors.js';

/**
 * Bit-packing in Larq Compute Engine's layout.
 *
 * The channel (last) dimension is packed into little-endian int32 words, LSB first: channel `32·w + i` is bit
 * `i` of word `w`. Bit 1 means −1 and bit 0 means +1; `x ≥ 0` (including 0 and −0) packs as +1. Unused tail
 * bits of the last word of every row are 0. A `[rows, channels]` tensor therefore takes
 * `rows · ceil(channels / 32)` words.
 */

export const BITS_PER_WORD = 32;

/** Number of int32 words that hold `channels` packed bits. */
export function packedWords(channels: number): number {
  return Math.ceil(channels / BITS_PER_WORD);
}

/**
 * Packs `values` (row-major, channels last) into LCE bit-packed words. `values.length` must be a multiple of
 * `channels`. NaN has no sign, so it is refused rather than silently packed as +1.
 */
export function packBits(values: ArrayLike<number>, channels: number): Int32Array {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new KernelError(
      'bad_tensor',
      `packBits: channels must be a positive integer, got ${channels}.`,
      'Pass the size of the last (channel) dimension.',
    );
  }
  if (values.length % channels !== 0) {
    throw new KernelError(
      'bad_tensor',
      `packBits: ${values.length} values is not a whole number of rows of ${channels} channels.`,
      'Pass a tensor whose length is rows × channels.',
    );
  }
  const rows = values.length / channels;
  const words = packedWords(channels);
  const out = new Int32Array(rows * words);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const x = values[r * channels + c]!;
      if (Number.isNaN(x)) {
        throw new KernelError(
          'non_finite_input',
          `packBits: value at row ${r}, channel ${c} is NaN, which has no sign.`,
          'Remove NaN values from the data before binarising.',
        );
      }
      if (x < 0) out[r * words + (c >>> 5)]! |= 1 << (c & 31);
    }
  }
  return out;
}

/** Unpacks LCE bit-packed words into ±1 floats (`[rows, channels]`). Refuses buffers of the wrong length. */
export function unpackBits(words: Int32Array, channels: number, rows?: number): Float32Array {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new KernelError(
      'bad_tensor',
      `unpackBits: channels must be a positive integer, got ${channels}.`,
      'Pass the size of the last (channel) dimension.',
    );
  }
  const perRow = packedWords(channels);
  const n = rows ?? words.length / perRow;
  if (!Number.isInteger(n) || n * perRow !== words.length) {
    throw new KernelError(
      'bad_tensor',
      `unpackBits: ${words.length} words do not hold ${rows ?? 'a whole number of'} rows of ${channels} packed channels (${perRow} words per row).`,
      'Pass the full packed buffer and the right channel count.',
    );
  }
  const out = new Float32Array(n * channels);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < channels; c++) {
      const bit = (words[r * perRow + (c >>> 5)]! >>> (c & 31)) & 1;
      out[r * channels + c] = bit ? -1 : 1;
    }
  }
  return out;
}

/** True when every unused tail bit of every row is 0 (a requirement of the layout); bnn-core's one copy. */
export { tailBitsClear } from '@bnn-studio/bnn-core';

/** Number of set bits of a 32-bit integer (SWAR). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
