/**
 * LCE bit-packing (reference implementation): the last axis of `rows × inner` values is packed into
 * `ceil(inner/32)` little-endian int32 words per row, LSB first (element 32·w + i is bit i of word w).
 * Bit 1 means −1 (value < 0); bit 0 means +1 (value ≥ 0, so sign(0) = +1). Unused tail bits are 0.
 */
export function packRows(values: ArrayLike<number>, rows: number, inner: number): Int32Array {
  const wpr = Math.ceil(inner / 32);
  const out = new Int32Array(rows * wpr);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inner; i++) {
      if (values[r * inner + i]! < 0) out[r * wpr + (i >> 5)]! |= 1 << (i & 31);
    }
  }
  return out;
}

/** Inverse of `packRows`: ±1 floats. */
export function unpackRows(words: Int32Array, rows: number, inner: number): Float32Array {
  const wpr = Math.ceil(inner / 32);
  const out = new Float32Array(rows * inner);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inner; i++)
      out[r * inner + i] = (words[r * wpr + (i >> 5)]! >>> (i & 31)) & 1 ? -1 : 1;
  }
  return out;
}

/** Words of a bit-packed tensor of logical shape `[..., C]`. */
export function packedWords(shape: number[]): number {
  const c = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return rows * Math.ceil(c / 32);
}
