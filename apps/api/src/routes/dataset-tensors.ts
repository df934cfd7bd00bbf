// GET /api/datasets/:id/tensors: a dataset's decoded samples for training in the browser, in one compact binary
// body ("BNNT", documented in API.md). The samples are decoded by the same bnn-core/tf loaders server training
// uses and split the same way (services/datasets/stored-dataset.ts), so a browser run sees what a server run sees.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Dataset } from '../integrations/bnn-core-tf.js';
import { ApiError, notFound } from '../lib/errors.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import {
  decodeInThread,
  isStoredKind,
  stridedIndices,
  uploadSplit,
} from '../services/datasets/stored-dataset.js';

/**
 * Largest sample data one response may carry, counted as the float32 tensor the browser builds from it
 * (samples × values per sample × 4 bytes): 256 MiB. Bigger datasets train on the server, or in the browser on a
 * subset (maxTrainSamples / maxTestSamples).
 */
export const MAX_BROWSER_TENSOR_BYTES = 256 * 1024 * 1024;

export const TENSORS_MAGIC = 'BNNT';
export const TENSORS_VERSION = 1;

const Limit = z.coerce.number().int().min(1).max(10_000_000).optional();
export const TensorsQuery = z.object({
  /** Serve at most this many training samples (evenly strided over the training split, as server runs do). */
  maxTrainSamples: Limit,
  /** Serve at most this many test samples (evenly strided over the test split). */
  maxTestSamples: Limit,
});

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
export function encodeTensors(
  meta: { id: string; name: string; kind: string },
  parts: { data: Dataset; index: number[]; total: number }[],
): Buffer {
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
  let json = Buffer.from(JSON.stringify(header(0, 0)));
  for (;;) {
    const xOffset = pad8(12 + json.length + 16);
    const yOffset = pad8(xOffset + xBytes.length);
    const next = Buffer.from(JSON.stringify(header(xOffset, yOffset)));
    if (12 + next.length <= xOffset) {
      json = next;
      const out = Buffer.alloc(yOffset + yBytes.length);
      out.write(TENSORS_MAGIC, 0, 'latin1');
      out.writeUInt32LE(TENSORS_VERSION, 4);
      out.writeUInt32LE(json.length, 8);
      json.copy(out, 12);
      out.set(xBytes, xOffset);
      out.set(yBytes, yOffset);
      return out;
    }
    json = next;
  }
}

/** Decodes the stored dataset with bnn-core/tf and returns its train / test splits (as server training does). */
async function loadSplits(
  ctx: AppContext,
  row: { id: string; kind: string; storagePath: string | null; optionsJson: string },
): Promise<{ train: Dataset; test: Dataset; split: boolean }> {
  if (row.kind === 'builtin' && row.id === 'mnist') {
    const { all, test } = await decodeInThread({ source: 'builtin-mnist' });
    return { train: all, test: test!, split: false };
  }
  if (!row.storagePath)
    throw new ApiError(
      409,
      'dataset_no_files',
      `Dataset '${row.id}' has no stored files.`,
      'Upload the dataset again.',
    );
  if (!isStoredKind(row.kind))
    throw new ApiError(
      422,
      'dataset_kind',
      `Dataset '${row.id}' has kind '${row.kind}', which cannot be served.`,
      'Upload it as idx, zip or csv.',
    );
  const dir = join(ctx.config.dataDir, row.storagePath);
  const options = JSON.parse(row.optionsJson) as Record<string, unknown>;
  let all: Dataset;
  try {
    ({ all } = await decodeInThread({ source: 'upload', kind: row.kind, dir, options }));
  } catch (err) {
    const e = err as { message?: string; fix?: string; code?: string };
    if (e.code === 'ENOENT')
      throw new ApiError(
        409,
        'dataset_files_missing',
        `The stored files of dataset '${row.id}' are missing from the data directory.`,
        'Upload the dataset again.',
      );
    throw new ApiError(
      422,
      'dataset_invalid',
      `Dataset '${row.id}' could not be decoded: ${e.message ?? String(err)}`,
      e.fix ?? 'Upload the dataset again.',
    );
  }
  return { train: all, test: all, split: true };
}

export default async function datasetTensorRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets/:id/tensors',
    summary:
      "A dataset's decoded samples and labels in one binary body (BNNT: train split, then test split) for training in the browser",
    tags: ['datasets'],
    params: IdParam,
    query: TensorsQuery,
    responseMediaType: 'application/octet-stream',
    handler: async ({ params, query }, _req, reply) => {
      const row = await ctx.db.dataset.findUnique({ where: { id: params.id } });
      if (!row) throw notFound('Dataset', params.id);
      if (row.status !== 'ready')
        throw new ApiError(
          409,
          'dataset_not_ready',
          `Dataset '${row.id}' is ${row.status}, not ready.`,
          'Wait until the upload has been checked, or upload it again.',
        );
      // Refuse before decoding when the stored metadata already shows the response would be too big.
      const per = (JSON.parse(row.shapeJson) as number[]).reduce((a, b) => a * b, 1);
      const tooBig = (samples: number, perSample: number) =>
        samples * perSample * 4 > MAX_BROWSER_TENSOR_BYTES;
      const samplesThatFit = (perSample: number) => Math.floor(MAX_BROWSER_TENSOR_BYTES / (perSample * 4));
      const refuse = (samples: number, perSample: number) =>
        new ApiError(
          413,
          'dataset_too_large_for_browser',
          `Dataset '${row.id}' would need ${Math.ceil((samples * perSample * 4) / 2 ** 20)} MiB in the browser ` +
            `(${samples} samples × ${perSample} values as float32), over the ${MAX_BROWSER_TENSOR_BYTES / 2 ** 20} MiB limit.`,
          `Train on the server, or train in the browser on at most ${samplesThatFit(perSample)} samples ` +
            "(set 'Training samples'; the query parameters maxTrainSamples and maxTestSamples).",
          { limitBytes: MAX_BROWSER_TENSOR_BYTES, maxSamples: samplesThatFit(perSample) },
        );
      const wanted = (total: number) =>
        Math.min(total, query.maxTrainSamples ?? total) + Math.min(total, query.maxTestSamples ?? total);
      if (per > 0 && tooBig(wanted(row.samples), per)) throw refuse(wanted(row.samples), per);

      const { train, test, split } = await loadSplits(ctx, row);
      const halves = split ? uploadSplit(train.y) : null;
      const trainIdx = halves ? halves.train : stridedIndices(train.y.length);
      const testIdx = halves ? halves.test : stridedIndices(test.y.length);
      // Evenly strided subsets of each split, as server runs' limits take them.
      const pick = (idx: number[], n: number | undefined) =>
        stridedIndices(idx.length, n).map((i) => idx[i]!);
      const trainPick = pick(trainIdx, query.maxTrainSamples);
      const testPick = pick(testIdx, query.maxTestSamples);
      const perSample = train.shape.reduce((a, b) => a * b, 1);
      if (tooBig(trainPick.length + testPick.length, perSample))
        throw refuse(trainPick.length + testPick.length, perSample);
      const body = encodeTensors({ id: row.id, name: row.name, kind: row.kind }, [
        { data: train, index: trainPick, total: trainIdx.length },
        { data: test, index: testPick, total: testIdx.length },
      ]);
      reply
        .header('content-type', 'application/octet-stream')
        // A dataset never changes under its id; the query is part of the URL.
        .header('cache-control', 'private, max-age=31536000, immutable');
      return reply.send(body);
    },
  });
}
