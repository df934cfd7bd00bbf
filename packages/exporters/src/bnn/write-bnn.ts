import type { DeployGraph } from '@bnn-studio/bnn-core';
import { deflateSync } from 'fflate';
import { crc32 } from './crc32.js';
import {
  alignUp,
  type BlobRef,
  BNN_FORMAT_ID,
  BNN_MAGIC,
  BNN_VERSION_MAJOR,
  BNN_VERSION_MINOR,
  type BnnDtype,
  CRC_BYTES,
  DTYPE,
  FIELD,
  FIXED_HEADER_BYTES,
  FLAG_HEADER_DEFLATE,
  TABLE_ENTRY_BYTES,
} from './layout.js';
import { EXPORTERS_PRODUCER } from './producer.js';
import type { BnnMeta, WriteBnnOptions } from './types.js';
import { deployGraphProblems } from './validate-graph.js';

interface Blob {
  dtype: BnnDtype;
  bytes: Uint8Array;
  elementCount: number;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function leBytes(a: Int32Array | Float32Array | Int8Array): Uint8Array {
  if (LITTLE_ENDIAN || a instanceof Int8Array) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Int32Array) dv.setInt32(4 * i, a[i]!, true);
    else dv.setFloat32(4 * i, a[i]!, true);
  }
  return out;
}

/**
 * Replaces every Int32Array / Float32Array / Int8Array inside `value` (ops and their nested output transforms) by a
 * `{ $blob: i }` reference and collects the arrays in `blobs`, in first-seen order.
 */
function extractBlobs(value: unknown, blobs: Blob[]): unknown {
  if (value instanceof Int32Array || value instanceof Float32Array || value instanceof Int8Array) {
    const dtype: BnnDtype =
      value instanceof Int32Array ? 'int32' : value instanceof Int8Array ? 'int8' : 'float32';
    blobs.push({ dtype, bytes: leBytes(value), elementCount: value.length });
    return { $blob: blobs.length - 1 } satisfies BlobRef;
  }
  if (ArrayBuffer.isView(value)) {
    throw new TypeError(`writeBnn: unsupported typed array ${value.constructor.name} in the deploy graph.`);
  }
  if (Array.isArray(value)) return value.map((v) => extractBlobs(v, blobs));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = extractBlobs(v, blobs);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`writeBnn: non-finite number ${value} in the deploy graph cannot be stored in JSON.`);
  }
  return value;
}

/**
 * Serialises a DeployGraph and its provenance into a `.bnn` file (layout in ./layout.ts and
 * docs/formats/bnn.md). Deterministic: the same graph and meta give the same bytes.
 */
export function writeBnn(deploy: DeployGraph, meta: BnnMeta = {}, options: WriteBnnOptions = {}): Uint8Array {
  const problems = deployGraphProblems(deploy);
  if (problems.length > 0) {
    throw new TypeError(`writeBnn: the deploy graph is inconsistent: ${problems.slice(0, 3).join('; ')}.`);
  }
  const blobs: Blob[] = [];
  const graph = extractBlobs(deploy, blobs);
  let packedBytes = 0;
  let floatBytes = 0;
  let int8Bytes = 0;
  for (const b of blobs) {
    if (b.dtype === 'int32') packedBytes += b.bytes.length;
    else if (b.dtype === 'int8') int8Bytes += b.bytes.length;
    else floatBytes += b.bytes.length;
  }
  const header = {
    format: BNN_FORMAT_ID,
    graph,
    meta: { producer: EXPORTERS_PRODUCER, ...meta },
    summary: {
      tensors: blobs.length,
      int32Bytes: packedBytes,
      float32Bytes: floatBytes,
      ...(int8Bytes > 0 ? { int8Bytes } : {}),
    },
  };
  const plainJson = new TextEncoder().encode(JSON.stringify(header));
  const compress = options.compressHeader ?? true;
  const json = compress ? deflateSync(plainJson, { level: 9 }) : plainJson;

  const tableOffset = alignUp(FIXED_HEADER_BYTES + json.length);
  const dataOffset = alignUp(tableOffset + blobs.length * TABLE_ENTRY_BYTES);
  const offsets: number[] = [];
  let cursor = dataOffset;
  for (const b of blobs) {
    offsets.push(cursor);
    cursor = alignUp(cursor + b.bytes.length);
  }
  const dataLength = cursor - dataOffset;
  const fileLength = cursor + CRC_BYTES;
  if (fileLength > 0xffffffff)
    throw new RangeError('writeBnn: model exceeds 4 GiB, the limit of the format.');

  const out = new Uint8Array(fileLength);
  const dv = new DataView(out.buffer);
  out.set(BNN_MAGIC, 0);
  dv.setUint16(FIELD.versionMajor, BNN_VERSION_MAJOR, true);
  dv.setUint16(FIELD.versionMinor, BNN_VERSION_MINOR, true);
  dv.setUint32(FIELD.fileLength, fileLength, true);
  dv.setUint32(FIELD.headerOffset, FIXED_HEADER_BYTES, true);
  dv.setUint32(FIELD.headerLength, json.length, true);
  dv.setUint32(FIELD.tableOffset, tableOffset, true);
  dv.setUint32(FIELD.tableCount, blobs.length, true);
  dv.setUint32(FIELD.dataOffset, dataOffset, true);
  dv.setUint32(FIELD.dataLength, dataLength, true);
  dv.setUint32(FIELD.flags, compress ? FLAG_HEADER_DEFLATE : 0, true);
  dv.setUint32(FIELD.inflatedHeaderLength, compress ? plainJson.length : 0, true);
  out.set(json, FIXED_HEADER_BYTES);
  out.fill(0x20, FIXED_HEADER_BYTES + json.length, tableOffset);
  blobs.forEach((b, i) => {
    const e = tableOffset + i * TABLE_ENTRY_BYTES;
    dv.setUint32(e, offsets[i]!, true);
    dv.setUint32(e + 4, b.bytes.length, true);
    dv.setUint32(e + 8, b.elementCount, true);
    dv.setUint8(e + 12, DTYPE[b.dtype]);
    out.set(b.bytes, offsets[i]!);
  });
  dv.setUint32(fileLength - CRC_BYTES, crc32(out.subarray(0, fileLength - CRC_BYTES)), true);
  return out;
}
