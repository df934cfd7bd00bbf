/**
 * Byte layout of a `.bnn` file, version 1.2 (docs/formats/bnn.md is the prose version of this file).
 *
 *   offset  size  field
 *   0       8     magic  89 42 4E 4E 0D 0A 1A 0A  ("\x89BNN\r\n\x1a\n": catches text-mode transfers, like PNG)
 *   8       2     version major (u16)            readers refuse a major they do not know
 *   10      2     version minor (u16)            readers accept every minor of their major (1.1: float32 contract)
 *   12      4     file length in bytes (u32)     including the CRC trailer
 *   16      4     header offset (u32)            = 48
 *   20      4     header length (u32)            UTF-8 JSON bytes, without padding
 *   24      4     tensor table offset (u32)      16-byte aligned
 *   28      4     tensor table entry count (u32)
 *   32      4     data offset (u32)              16-byte aligned
 *   36      4     data length (u32)
 *   40      4     flags (u32)                    bit 0: the JSON header is raw-DEFLATE compressed; other bits 0
 *   44      4     inflated header length (u32)   JSON bytes after inflation when bit 0 is set, else 0
 *   48      …     JSON header, padded with spaces to 16 bytes
 *   …       16·n  tensor table: n entries of { offset u32, byteLength u32, elementCount u32, dtype u8, 3 × 0 }
 *                 dtype 1 int32, 2 float32, 3 int8 (1.2)
 *   …       …     data: each tensor's little-endian bytes at a 16-byte aligned offset, zero padding between
 *   end−4   4     CRC-32 (IEEE) of every byte before it
 * All integers little-endian.
 */
export const BNN_MAGIC = Uint8Array.of(0x89, 0x42, 0x4e, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a);
export const BNN_VERSION_MAJOR = 1;
/**
 * 1.5: the binary layers' dot clamps `relu6` and `relu_n1_to_1` (LCE's fused activations of imported LceBconv2d).
 * 1.4: the activations of imported TFLite models (relu6, hard_swish, int8_hard_swish) and int8_mean (TFLite's int8 MEAN over height and width).
 * 1.3: the int8 ops of imported TFLite models (int8_softmax, int8_mul, int8_requantize, int8_add constants).
 * 1.2: int8 tensors (element type 3) and the int8 deploy ops. 1.1: the float ops follow the deploy graph's float32
 * numeric contract (docs/deploy-graph.md). 1.0 files (float ops then accumulated in double) are read unchanged and
 * run under the float32 contract (`BnnFile.numerics`).
 */
export const BNN_VERSION_MINOR = 5;
/** The first minor version whose float ops were exported under the float32 contract. */
export const BNN_FLOAT32_CONTRACT_MINOR = 1;
export const BNN_FORMAT_ID = 'bnn-studio.bnn';

export const FIXED_HEADER_BYTES = 48;
export const TABLE_ENTRY_BYTES = 16;
export const CRC_BYTES = 4;
/** Alignment of the tensor table and of every tensor's data (enough for SIMD loads and any C type). */
export const BNN_ALIGN = 16;
/** The smallest possible file: fixed header + CRC. */
export const MIN_FILE_BYTES = FIXED_HEADER_BYTES + CRC_BYTES;
/** Default cap on the size of a file `readBnn` accepts (bytes). */
export const DEFAULT_MAX_BNN_BYTES = 64 * 1024 * 1024;

export const FIELD = {
  versionMajor: 8,
  versionMinor: 10,
  fileLength: 12,
  headerOffset: 16,
  headerLength: 20,
  tableOffset: 24,
  tableCount: 28,
  dataOffset: 32,
  dataLength: 36,
  flags: 40,
  inflatedHeaderLength: 44,
} as const;

/** Flag bits. Readers refuse files with bits they do not know. */
export const FLAG_HEADER_DEFLATE = 0x1;
export const KNOWN_FLAGS = FLAG_HEADER_DEFLATE;

/** Element types of stored tensors. */
export const DTYPE = { int32: 1, float32: 2, int8: 3 } as const;
export type BnnDtype = keyof typeof DTYPE;

export function alignUp(n: number, a: number = BNN_ALIGN): number {
  return Math.ceil(n / a) * a;
}

/** In the JSON header a typed array is replaced by a reference to its tensor-table entry. */
export interface BlobRef {
  $blob: number;
}
