/**
 * Reads the body of `GET /api/datasets/:id/tensors` ("BNNT", apps/api/API.md): a little-endian header
 * `"BNNT" | u32 version | u32 JSON length | JSON`, then the sample values (uint8 × scale, or float32) and the class
 * indices (uint8 or uint16) at the offsets the JSON gives. Samples are the training split, then the test split.
 */
import type { Dataset } from '@bnn-studio/bnn-core/tf';

export interface TensorsHeader {
  format: 'bnn-studio.tensors';
  version: number;
  dataset: { id: string; name: string; kind: string };
  shape: number[];
  numClasses: number;
  labels: string[];
  train: number;
  test: number;
  trainTotal: number;
  testTotal: number;
  x: { dtype: 'uint8' | 'float32'; scale: number; offset: number; byteLength: number };
  y: { dtype: 'uint8' | 'uint16'; offset: number; byteLength: number };
}

const VERSION = 1;

function fail(problem: string): never {
  throw Object.assign(new Error(`The dataset download is not a valid BNNT body: ${problem}.`), {
    fix: 'Reload the page; if it persists, the studio server and web app are different versions.',
  });
}

export function readTensors(bytes: Uint8Array): { header: TensorsHeader; train: Dataset; test: Dataset } {
  if (bytes.length < 12) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== 'BNNT') fail(`magic '${magic}'`);
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail(`version ${version}, this page reads version ${VERSION}`);
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

/** URL of an uploaded dataset's tensors, with the sample limits of a browser run. */
export function tensorsUrl(
  datasetId: string,
  limits: { maxTrainSamples: number; maxTestSamples: number },
): string {
  const q = new URLSearchParams();
  if (limits.maxTrainSamples > 0) q.set('maxTrainSamples', String(limits.maxTrainSamples));
  if (limits.maxTestSamples > 0) q.set('maxTestSamples', String(limits.maxTestSamples));
  const qs = q.toString();
  return `/api/datasets/${encodeURIComponent(datasetId)}/tensors${qs ? `?${qs}` : ''}`;
}
