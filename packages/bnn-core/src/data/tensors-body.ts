/**
 * The BNNT body: a dataset's decoded samples in one binary message (the API's `GET /api/datasets/:id/tensors`,
 * read by the web training worker). Little-endian: `"BNNT" | u32 version | u32 JSON length | JSON header`, then
 * the sample values (uint8 × scale when exact, else float32) and the class indices (uint8, or uint16 past 256
 * classes) at the offsets the header gives. Samples are the training split, then the test split.
 */
import type { Dataset } from './dataset.js';

export const TENSORS_MAGIC = 'BNNT';
export const TENSORS_VERSION = 1;

export interface TensorsHeader {
  format: 'bnn-studio.tensors';
  version: number;
  dataset: { id: string; name: string; kind: string };
  /** Per-sample shape, e.g. [28, 28, 1]. */
  shape: number[];
  numClasses: number;
  labels: string[];
  /** Samples in the body: the training split first, then the test split. */
  train: number;
  test: number;
  /** Sizes of the full splits before maxTrainSamples / maxTestSamples. */
  trainTotal: number;
  testTotal: number;
  /**
   * Sample values, row-major, `train + test` samples. 'uint8' with `scale` s stores v = q · s exactly (the
   * loaders' q/255 pixels, or integers 0..255 with s = 1); otherwise 'float32'. Offsets count from the body's start.
   */
  x: { dtype: 'uint8' | 'float32'; scale: number; offset: number; byteLength: number };
  /** Class indices, one per sample: uint8 up to 256 classes, else uint16. */
  y: { dtype: 'uint8' | 'uint16'; offset: number; byteLength: number };
}

/** Whether every value is q · scale for an integer q in 0..255, exactly as float32 (q / (1/scale) rounded). */
function fitsUint8(x: Float32Array, scale: number): boolean {
  const inv = 1 / scale;
  for (let i = 0; i < x.length; i++) {
    const q = Math.round(x[i]! * inv);
    if (q < 0 || q > 255 || Math.fround(q / inv) !== x[i]) return false;
  }
  return true;
}

/** Encodes the chosen samples of `train` then `test` into the BNNT body. */
export function encodeTensorsBody(
  meta: { id: string; name: string; kind: string },
  parts: { data: Dataset; index: readonly number[]; total: number }[],
): Uint8Array {
  const [train, test] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const ref = train.data;
  const per = ref.shape.reduce((a, b) => a * b, 1);
  const n = train.index.length + test.index.length;
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  let k = 0;
  for (const { data, index } of [train, test])
    for (const src of index) {
      x.set(data.x.subarray(src * per, (src + 1) * per), k * per);
      y[k] = data.y[src]!;
      k++;
    }
  const scale = fitsUint8(x, 1 / 255) ? 1 / 255 : fitsUint8(x, 1) ? 1 : 0;
  const xBytes =
    scale > 0
      ? Uint8Array.from(x, (v) => Math.round(v / scale))
      : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const yBytes = ref.numClasses <= 256 ? Uint8Array.from(y) : new Uint8Array(Uint16Array.from(y).buffer);
  const pad8 = (v: number) => Math.ceil(v / 8) * 8;
  // The header's offsets depend on its own length: lay it out with placeholder offsets, then with the real ones
  // (the digits can only grow, so a third pass is never needed when offsets are padded to 8 bytes of slack).
  const header = (xOffset: number, yOffset: number): TensorsHeader => ({
    format: 'bnn-studio.tensors',
    version: TENSORS_VERSION,
    dataset: meta,
    shape: ref.shape,
    numClasses: ref.numClasses,
    labels: ref.labels,
    train: train.index.length,
    test: test.index.length,
    trainTotal: train.total,
    testTotal: test.total,
    x: {
      dtype: scale > 0 ? 'uint8' : 'float32',
      scale: scale > 0 ? scale : 1,
      offset: xOffset,
      byteLength: xBytes.length,
    },
    y: { dtype: ref.numClasses <= 256 ? 'uint8' : 'uint16', offset: yOffset, byteLength: yBytes.length },
  });
  const utf8 = new TextEncoder();
  let json = utf8.encode(JSON.stringify(header(0, 0)));
  for (;;) {
    const xOffset = pad8(12 + json.length + 16);
    const yOffset = pad8(xOffset + xBytes.length);
    const next = utf8.encode(JSON.stringify(header(xOffset, yOffset)));
    if (12 + next.length <= xOffset) {
      json = next;
      const out = new Uint8Array(yOffset + yBytes.length);
      out.set(utf8.encode(TENSORS_MAGIC), 0);
      const view = new DataView(out.buffer);
      view.setUint32(4, TENSORS_VERSION, true);
      view.setUint32(8, json.length, true);
      out.set(json, 12);
      out.set(xBytes, xOffset);
      out.set(yBytes, yOffset);
      return out;
    }
    json = next;
  }
}

function fail(problem: string): never {
  throw Object.assign(new Error(`The dataset download is not a valid BNNT body: ${problem}.`), {
    fix: 'Fetch it again from GET /api/datasets/:id/tensors; if it persists, the server and its client are different versions.',
  });
}

export function readTensorsBody(bytes: Uint8Array): { header: TensorsHeader; train: Dataset; test: Dataset } {
  if (bytes.length < 12) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== TENSORS_MAGIC) fail(`magic '${magic}'`);
  const version = view.getUint32(4, true);
  if (version !== TENSORS_VERSION) fail(`version ${version}, this reader reads version ${TENSORS_VERSION}`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) fail('the header runs past the end');
  let header: TensorsHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))) as TensorsHeader;
  } catch {
    fail('the header is not JSON');
  }
  const n = header.train + header.test;
  const per = header.shape.reduce((a, b) => a * b, 1);
  const xWidth = header.x.dtype === 'uint8' ? 1 : header.x.dtype === 'float32' ? 4 : 0;
  const yWidth = header.y.dtype === 'uint8' ? 1 : header.y.dtype === 'uint16' ? 2 : 0;
  if (!xWidth || !yWidth) fail(`unknown dtypes ${header.x.dtype} / ${header.y.dtype}`);
  if (header.x.byteLength !== n * per * xWidth || header.y.byteLength !== n * yWidth)
    fail(`section sizes do not match ${n} samples of ${per} values`);
  if (
    header.x.offset + header.x.byteLength > bytes.length ||
    header.y.offset + header.y.byteLength > bytes.length
  )
    fail('a section runs past the end');

  const x = new Float32Array(n * per);
  const xBytes = bytes.subarray(header.x.offset, header.x.offset + header.x.byteLength);
  if (header.x.dtype === 'uint8') {
    // v = q · scale, computed as q / (1 / scale) so 1/255 gives exactly the loaders' pixel / 255.
    const inv = Math.round(1 / header.x.scale);
    const exactInverse = Math.abs(1 / header.x.scale - inv) < 1e-9;
    for (let i = 0; i < x.length; i++) x[i] = exactInverse ? xBytes[i]! / inv : xBytes[i]! * header.x.scale;
  } else {
    for (let i = 0; i < x.length; i++) x[i] = view.getFloat32(header.x.offset + 4 * i, true);
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++)
    y[i] = yWidth === 1 ? bytes[header.y.offset + i]! : view.getUint16(header.y.offset + 2 * i, true);
  for (let i = 0; i < n; i++)
    if (y[i]! >= header.numClasses) fail(`sample ${i} has class ${y[i]} of ${header.numClasses}`);

  const part = (from: number, count: number, name: string): Dataset => ({
    name,
    x: x.subarray(from * per, (from + count) * per),
    y: y.subarray(from, from + count),
    shape: header.shape,
    numClasses: header.numClasses,
    labels: header.labels,
  });
  return {
    header,
    train: part(0, header.train, `${header.dataset.name} (train)`),
    test: part(header.train, header.test, `${header.dataset.name} (test)`),
  };
}
