import type { WeightMap } from '../spec/graph-types.js';

/**
 * Compact binary form of a WeightMap (checkpoints, browser uploads, artifacts). Little-endian throughout:
 *
 *   offset 0   "BNNW"                 magic
 *          4   u32 version            (1)
 *          8   u32 tensor count
 *         12   u32 index length L     bytes of the UTF-8 JSON index
 *         16   index                  [{ "node", "name", "shape": [...], "offset" }] (offset in floats into data)
 *   16+L → 4-aligned (zero pad)
 *              data                   float32 values of every tensor, one after another
 *   last 4     u32 CRC-32 (IEEE)      of every byte before it
 */
export const WEIGHTS_MAGIC = 'BNNW';
export const WEIGHTS_VERSION = 1;

export class WeightsFormatError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`weights file: ${message}`);
    this.name = 'WeightsFormatError';
    this.code = code;
  }
}

interface IndexEntry {
  node: string;
  name: string;
  shape: number[];
  offset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function serializeWeights(weights: WeightMap): Uint8Array {
  const index: IndexEntry[] = [];
  let floats = 0;
  for (const node of Object.keys(weights)) {
    for (const [name, t] of Object.entries(weights[node]!)) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (n !== t.data.length) {
        throw new WeightsFormatError(
          'shape_mismatch',
          `'${node}.${name}' has shape [${t.shape.join(', ')}] but ${t.data.length} values`,
        );
      }
      index.push({ node, name, shape: t.shape.slice(), offset: floats });
      floats += n;
    }
  }
  const json = new TextEncoder().encode(JSON.stringify(index));
  const dataStart = align4(16 + json.length);
  const total = dataStart + floats * 4 + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(WEIGHTS_MAGIC), 0);
  view.setUint32(4, WEIGHTS_VERSION, true);
  view.setUint32(8, index.length, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  let pos = dataStart;
  for (const e of index) {
    for (const v of weights[e.node]![e.name]!.data) {
      view.setFloat32(pos, v, true);
      pos += 4;
    }
  }
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

export function deserializeWeights(bytes: Uint8Array): WeightMap {
  if (!(bytes instanceof Uint8Array)) throw new WeightsFormatError('not_bytes', 'expected a Uint8Array');
  if (bytes.length < 20)
    throw new WeightsFormatError('truncated', `only ${bytes.length} bytes; too short to hold weights`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== WEIGHTS_MAGIC) {
    throw new WeightsFormatError(
      'bad_magic',
      `starts with ${JSON.stringify(magic)}, not "${WEIGHTS_MAGIC}"; not a BNN Studio weights file`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== WEIGHTS_VERSION) {
    throw new WeightsFormatError(
      'version',
      `version ${version} is not supported (this app reads version ${WEIGHTS_VERSION})`,
    );
  }
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual)
    throw new WeightsFormatError('checksum', 'checksum mismatch: the file is corrupted or truncated');
  const count = view.getUint32(8, true);
  const jsonLen = view.getUint32(12, true);
  if (16 + jsonLen > bytes.length - 4)
    throw new WeightsFormatError('truncated', 'index runs past the end of the file');
  let index: IndexEntry[];
  try {
    index = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + jsonLen)));
  } catch {
    throw new WeightsFormatError('bad_index', 'the tensor index is not valid JSON');
  }
  if (!Array.isArray(index) || index.length !== count) {
    throw new WeightsFormatError(
      'bad_index',
      `the index lists ${Array.isArray(index) ? index.length : '?'} tensors, header says ${count}`,
    );
  }
  const dataStart = align4(16 + jsonLen);
  const floats = (bytes.length - 4 - dataStart) / 4;
  if (!Number.isInteger(floats) || floats < 0)
    throw new WeightsFormatError('truncated', 'data section size is not a whole number of floats');
  const out: WeightMap = {};
  let expectedOffset = 0;
  for (const e of index) {
    const ok =
      e &&
      typeof e.node === 'string' &&
      typeof e.name === 'string' &&
      Array.isArray(e.shape) &&
      e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      e.offset === expectedOffset;
    if (!ok)
      throw new WeightsFormatError('bad_index', `malformed index entry ${JSON.stringify(e).slice(0, 120)}`);
    if (RESERVED.has(e.node) || RESERVED.has(e.name)) {
      throw new WeightsFormatError('bad_index', `reserved name in '${e.node}.${e.name}'`);
    }
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + n > floats)
      throw new WeightsFormatError('truncated', `'${e.node}.${e.name}' runs past the data section`);
    if (out[e.node]?.[e.name])
      throw new WeightsFormatError('duplicate', `'${e.node}.${e.name}' appears twice`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(dataStart + 4 * (e.offset + i), true);
    out[e.node] ??= {};
    out[e.node]![e.name] = { shape: e.shape.slice(), data };
    expectedOffset += n;
  }
  if (expectedOffset !== floats)
    throw new WeightsFormatError(
      'trailing_data',
      `${floats - expectedOffset} unexplained floats after the last tensor`,
    );
  return out;
}

/** Keys that would reach Object.prototype when used on a plain object. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function align4(n: number): number {
  return (n + 3) & ~3;
}
