/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zip, PNG and gzip.
 *
 * `crc32Reference` is the textbook byte-at-a-time table loop. `crc32` is "slicing-by-8": table k holds the CRC
 * of a byte followed by k zero bytes, so 8 input bytes are folded with 8 independent lookups per step:
 *   crc' = T7[b0 ^ c0] ^ T6[b1 ^ c1] ^ T5[b2 ^ c2] ^ T4[b3 ^ c3] ^ T3[b4] ^ T2[b5] ^ T1[b6] ^ T0[b7]
 * where c0..c3 are the bytes of the running CRC (little-endian). Tests check it against the reference.
 */
const TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (t[prev & 0xff]! ^ (prev >>> 8)) >>> 0;
    }
  }
  return t;
})();

/** Byte-at-a-time CRC-32: the readable reference. crc32Reference(ascii "123456789") = 0xCBF43926. */
export function crc32Reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLES[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `bytes` (unsigned 32-bit), slicing-by-8. */
export function crc32(bytes: Uint8Array): number {
  const t = TABLES;
  let c = 0xffffffff;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const lo = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + bytes[i + 4]!]! ^
      t[2 * 256 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
