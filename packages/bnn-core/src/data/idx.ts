/**
 * IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or not.
 * Layout (big-endian): 0x00 0x00 <type> <ndims> · ndims × u32 sizes · data. Images must be unsigned bytes
 * (type 0x08) with 3 dims [count, rows, cols] (or 4 with channels last); labels unsigned bytes with 1 dim.
 * Pixel values are scaled to [0, 1].
 */
import { gunzipSync } from 'fflate';
import type { Dataset } from './dataset.js';
import { checkDecodedSize, DatasetError, MAX_FILE_BYTES } from './limits.js';

export interface IdxOptions {
  name?: string;
  /** File names used in error messages. */
  imagesFile?: string;
  labelsFile?: string;
  /** Class names; default '0', '1', ... up to the largest label. */
  labels?: string[];
}

function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // The gzip trailer stores the uncompressed size mod 2^32: check it before inflating.
    const n = bytes.length;
    const size =
      (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0 || 0;
    if (size > MAX_FILE_BYTES) {
      throw new DatasetError(
        file,
        `decompresses to ${Math.ceil(size / 2 ** 20)} MiB, over the ${MAX_FILE_BYTES / 2 ** 20} MiB limit`,
      );
    }
    try {
      return gunzipSync(bytes);
    } catch (err) {
      throw new DatasetError(file, `is not a valid gzip file (${(err as Error).message})`);
    }
  }
  return bytes;
}

function parseHeader(bytes: Uint8Array, file: string): { dims: number[]; offset: number } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(
      file,
      'is not an IDX file (it must start with two zero bytes, a type byte and a dimension count)',
    );
  }
  if (bytes[2] !== 0x08) {
    throw new DatasetError(
      file,
      `has IDX data type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`,
    );
  }
  const nd = bytes[3]!;
  if (bytes.length < 4 + 4 * nd) throw new DatasetError(file, 'is truncated inside its header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(dv.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * nd;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== expected) {
    throw new DatasetError(
      file,
      `header promises ${expected} values (dims ${dims.join('×')}) but the file holds ${bytes.length - offset}`,
    );
  }
  return { dims, offset };
}

export function loadIdx(images: Uint8Array, labels: Uint8Array, opts: IdxOptions = {}): Dataset {
  const imagesFile = opts.imagesFile ?? 'images.idx';
  const labelsFile = opts.labelsFile ?? 'labels.idx';
  const img = maybeGunzip(images, imagesFile);
  const lab = maybeGunzip(labels, labelsFile);
  const ih = parseHeader(img, imagesFile);
  const lh = parseHeader(lab, labelsFile);
  if (ih.dims.length !== 3 && ih.dims.length !== 4) {
    throw new DatasetError(
      imagesFile,
      `has ${ih.dims.length} dimensions; image files have 3 (count, rows, cols) or 4`,
    );
  }
  if (lh.dims.length !== 1) {
    throw new DatasetError(labelsFile, `has ${lh.dims.length} dimensions; label files have 1 (count)`);
  }
  const count = ih.dims[0]!;
  if (lh.dims[0] !== count) {
    throw new DatasetError(labelsFile, `holds ${lh.dims[0]} labels but ${imagesFile} holds ${count} images`);
  }
  if (count === 0) throw new DatasetError(imagesFile, 'holds no images');
  const shape = [ih.dims[1]!, ih.dims[2]!, ih.dims[3] ?? 1];
  const per = shape[0]! * shape[1]! * shape[2]!;
  checkDecodedSize(imagesFile, count * per);
  const x = new Float32Array(count * per);
  for (let i = 0; i < x.length; i++) x[i] = img[ih.offset + i]! / 255;
  const y = new Int32Array(count);
  let max = 0;
  for (let i = 0; i < count; i++) {
    y[i] = lab[lh.offset + i]!;
    max = Math.max(max, y[i]!);
  }
  const names = opts.labels ?? Array.from({ length: max + 1 }, (_, i) => String(i));
  if (names.length <= max) {
    throw new DatasetError(labelsFile, `has label ${max} but only ${names.length} class names were given`);
  }
  return { name: opts.name ?? imagesFile, x, y, shape, numClasses: names.length, labels: names };
}

/** Writes an IDX file of unsigned bytes (used by tests and to export datasets). */
export function writeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const dv = new DataView(out.buffer);
  for (const [i, d] of dims.entries()) dv.setUint32(4 + 4 * i, d, false);
  out.set(data, 4 + 4 * dims.length);
  return out;
}
