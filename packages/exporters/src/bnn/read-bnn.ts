import { DEPLOY_FORMAT, DEPLOY_VERSION, type DeployGraph } from '@bnn-studio/bnn-core';
import { inflateSync } from 'fflate';
import { BnnFormatError } from '../errors.js';
import { crc32 } from './crc32.js';
import {
  BNN_ALIGN,
  BNN_FLOAT32_CONTRACT_MINOR,
  BNN_FORMAT_ID,
  BNN_MAGIC,
  BNN_VERSION_MAJOR,
  CRC_BYTES,
  DEFAULT_MAX_BNN_BYTES,
  DTYPE,
  FIELD,
  FIXED_HEADER_BYTES,
  FLAG_HEADER_DEFLATE,
  KNOWN_FLAGS,
  MIN_FILE_BYTES,
  TABLE_ENTRY_BYTES,
} from './layout.js';
import type { BnnFile, BnnMeta, ReadBnnOptions } from './types.js';
import { deployGraphProblems } from './validate-graph.js';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const REEXPORT = 'Export the model again from BNN Studio (Export → .bnn) and copy the file in binary mode.';

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Reads a `.bnn` file. Checks, in order: size cap, magic, version, declared length (truncation), CRC-32,
 * then the header and tensor table. Throws `BnnFormatError` whose `code` says which check failed.
 *
 * The typed arrays of the returned graph are views into `bytes` (no copy), so `bytes` must not be modified
 * while the graph is in use. If `bytes` is not 4-byte aligned in its ArrayBuffer (e.g. a slice of a Node
 * Buffer pool) or the machine is big-endian, the file is copied once first.
 */
export function readBnn(bytes: Uint8Array, options: ReadBnnOptions = {}): BnnFile {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BNN_BYTES;
  if (bytes.length > maxBytes) {
    throw new BnnFormatError(
      'too_large',
      `file is ${bytes.length} bytes (${mib(bytes.length)}), above the cap of ${maxBytes} bytes (${mib(maxBytes)}).`,
      'Check that this is the right file; raise the cap with readBnn(bytes, { maxBytes }) if it is.',
    );
  }
  for (let i = 0; i < Math.min(bytes.length, BNN_MAGIC.length); i++) {
    if (bytes[i] !== BNN_MAGIC[i]) {
      throw new BnnFormatError(
        'bad_magic',
        `not a .bnn file (byte ${i} is 0x${bytes[i]!.toString(16).padStart(2, '0')}; a .bnn starts with 89 42 4E 4E 0D 0A 1A 0A).`,
        bytes[i] === 0x42 && i === 0
          ? 'The file looks like it passed through a text-mode transfer; copy it in binary mode.'
          : 'Choose a .bnn file exported by BNN Studio (a .tflite or firmware zip is a different format).',
      );
    }
  }
  if (bytes.length < MIN_FILE_BYTES) {
    throw new BnnFormatError(
      'truncated',
      `file is truncated: ${bytes.length} bytes, shorter than the ${MIN_FILE_BYTES}-byte minimum.`,
      REEXPORT,
    );
  }
  if (bytes.byteOffset % BNN_ALIGN !== 0 || !LITTLE_ENDIAN) bytes = new Uint8Array(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = dv.getUint16(FIELD.versionMajor, true);
  const minor = dv.getUint16(FIELD.versionMinor, true);
  if (major !== BNN_VERSION_MAJOR) {
    throw new BnnFormatError(
      'unsupported_version',
      `file is format version ${major}.${minor}; this reader reads version ${BNN_VERSION_MAJOR}.x.`,
      major > BNN_VERSION_MAJOR
        ? 'Update BNN Studio to a version that reads this file, or re-export it from this version.'
        : 'Re-export the model with this version of BNN Studio.',
    );
  }
  const fileLength = dv.getUint32(FIELD.fileLength, true);
  if (fileLength > maxBytes) {
    throw new BnnFormatError(
      'too_large',
      `header declares ${fileLength} bytes, above the cap of ${maxBytes} bytes.`,
      'Check that this is the right file; raise the cap with readBnn(bytes, { maxBytes }) if it is.',
    );
  }
  if (bytes.length < fileLength) {
    throw new BnnFormatError(
      'truncated',
      `file is truncated: it has ${bytes.length} of its ${fileLength} bytes.`,
      `${REEXPORT} If it was downloaded, download it again.`,
    );
  }
  if (bytes.length > fileLength) {
    throw new BnnFormatError(
      'trailing_bytes',
      `file has ${bytes.length - fileLength} unexpected bytes after its declared end (${fileLength} bytes).`,
      'Something appended data to the file; use the original export.',
    );
  }
  if (fileLength < MIN_FILE_BYTES) {
    throw new BnnFormatError('bad_header', `declared length ${fileLength} is below the minimum.`, REEXPORT);
  }
  const stored = dv.getUint32(fileLength - CRC_BYTES, true);
  const actual = crc32(bytes.subarray(0, fileLength - CRC_BYTES));
  if (stored !== actual) {
    throw new BnnFormatError(
      'crc_mismatch',
      `file is corrupt: CRC-32 is 0x${actual.toString(16).padStart(8, '0')}, the file says 0x${stored.toString(16).padStart(8, '0')}.`,
      `${REEXPORT} The bytes changed after export (storage or transfer error).`,
    );
  }
  const flags = dv.getUint32(FIELD.flags, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new BnnFormatError(
      'unsupported_version',
      `file uses feature flags 0x${flags.toString(16)} that this reader does not know (version ${major}.${minor}).`,
      'Update BNN Studio to a version that reads this file, or re-export it from this version.',
    );
  }
  return decodeBody(bytes, dv, fileLength, { major, minor }, flags, maxBytes);
}

function decodeBody(
  bytes: Uint8Array,
  dv: DataView,
  fileLength: number,
  version: { major: number; minor: number },
  flags: number,
  maxBytes: number,
): BnnFile {
  const bad = (code: 'bad_header' | 'bad_tensor_table', what: string) =>
    new BnnFormatError(
      code,
      `${code === 'bad_header' ? 'header' : 'tensor table'} is invalid: ${what}.`,
      REEXPORT,
    );
  const bodyEnd = fileLength - CRC_BYTES;
  const headerOffset = dv.getUint32(FIELD.headerOffset, true);
  const headerLength = dv.getUint32(FIELD.headerLength, true);
  const tableOffset = dv.getUint32(FIELD.tableOffset, true);
  const tableCount = dv.getUint32(FIELD.tableCount, true);
  const dataOffset = dv.getUint32(FIELD.dataOffset, true);
  const dataLength = dv.getUint32(FIELD.dataLength, true);
  if (headerOffset < FIXED_HEADER_BYTES || headerOffset + headerLength > bodyEnd) {
    throw bad('bad_header', `JSON header [${headerOffset}, +${headerLength}) lies outside the file`);
  }
  if (
    tableOffset % BNN_ALIGN !== 0 ||
    tableOffset < headerOffset + headerLength ||
    tableOffset + tableCount * TABLE_ENTRY_BYTES > bodyEnd ||
    dataOffset % BNN_ALIGN !== 0 ||
    dataOffset < tableOffset + tableCount * TABLE_ENTRY_BYTES ||
    dataOffset + dataLength > bodyEnd
  ) {
    throw bad('bad_tensor_table', 'table or data section misplaced');
  }

  const blobs: (Int32Array | Float32Array | Int8Array)[] = [];
  for (let i = 0; i < tableCount; i++) {
    const e = tableOffset + i * TABLE_ENTRY_BYTES;
    const offset = dv.getUint32(e, true);
    const byteLength = dv.getUint32(e + 4, true);
    const count = dv.getUint32(e + 8, true);
    const dtype = dv.getUint8(e + 12);
    if (offset % BNN_ALIGN !== 0 || offset < dataOffset || offset + byteLength > dataOffset + dataLength) {
      throw bad('bad_tensor_table', `entry ${i} [${offset}, +${byteLength}) lies outside the data section`);
    }
    const width = dtype === DTYPE.int8 ? 1 : 4;
    if (byteLength !== count * width)
      throw bad('bad_tensor_table', `entry ${i} length ${byteLength} ≠ ${width} × ${count}`);
    const at = bytes.byteOffset + offset;
    if (dtype === DTYPE.int32) blobs.push(new Int32Array(bytes.buffer, at, count));
    else if (dtype === DTYPE.float32) blobs.push(new Float32Array(bytes.buffer, at, count));
    else if (dtype === DTYPE.int8) blobs.push(new Int8Array(bytes.buffer, at, count));
    else throw bad('bad_tensor_table', `entry ${i} has unknown element type ${dtype}`);
  }

  let jsonBytes = bytes.subarray(headerOffset, headerOffset + headerLength);
  if (flags & FLAG_HEADER_DEFLATE) {
    const inflatedLength = dv.getUint32(FIELD.inflatedHeaderLength, true);
    if (inflatedLength > maxBytes)
      throw bad('bad_header', `inflated header of ${inflatedLength} bytes exceeds the cap`);
    try {
      const out = inflateSync(jsonBytes, { out: new Uint8Array(inflatedLength) });
      if (out.length !== inflatedLength) throw new Error(`${out.length} bytes instead of ${inflatedLength}`);
      jsonBytes = out;
    } catch (e) {
      throw bad('bad_header', `compressed header does not inflate (${(e as Error).message})`);
    }
  }
  let header: { format?: unknown; graph?: unknown; meta?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (e) {
    throw bad('bad_header', `JSON does not parse (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || header.format !== BNN_FORMAT_ID) {
    throw bad('bad_header', `format id is not "${BNN_FORMAT_ID}"`);
  }
  const used = new Set<number>();
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') {
      const ref = (v as { $blob?: unknown }).$blob;
      if (ref !== undefined) {
        if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0 || ref >= blobs.length) {
          throw bad('bad_header', `reference to tensor ${String(ref)} of ${blobs.length}`);
        }
        used.add(ref);
        return blobs[ref];
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = resolve(x);
      return out;
    }
    return v;
  };
  const graph = resolve(header.graph) as DeployGraph;
  if (graph === null || typeof graph !== 'object' || graph.format !== DEPLOY_FORMAT) {
    throw bad('bad_header', 'no deploy graph');
  }
  if (graph.version !== DEPLOY_VERSION) {
    throw new BnnFormatError(
      'unsupported_version',
      `the model inside is deploy-graph version ${String(graph.version)}; this reader knows version ${DEPLOY_VERSION}.`,
      'Update BNN Studio to read this file, or re-export the model from this version.',
    );
  }
  const problems = deployGraphProblems(graph);
  if (problems.length > 0) throw bad('bad_header', problems.slice(0, 3).join('; '));
  if (used.size !== blobs.length)
    throw bad('bad_tensor_table', `${blobs.length - used.size} tensors are unreferenced`);

  const meta = (header.meta !== null && typeof header.meta === 'object' ? header.meta : {}) as BnnMeta;
  const tensorBytes = blobs.reduce((s, b) => s + b.byteLength, 0);
  const numerics = version.minor >= BNN_FLOAT32_CONTRACT_MINOR ? 'float32' : 'float64-accumulate';
  return { graph, meta, version, numerics, tensorBytes, overheadBytes: fileLength - tensorBytes };
}
