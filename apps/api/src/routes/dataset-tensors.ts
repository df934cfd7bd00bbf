// GET /api/datasets/:id/tensors: a dataset's decoded samples for training in the browser, in one compact binary
// body ("BNNT", documented in API.md). The samples are decoded by the same bnn-core/tf loaders server training
// uses and split the same way (services/datasets/stored-dataset.ts), so a browser run sees what a server run sees.
import { join } from 'node:path';
import { type Dataset, encodeTensorsBody } from '@bnn-studio/bnn-core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
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

const Limit = z.coerce.number().int().min(1).max(10_000_000).optional();
export const TensorsQuery = z.object({
  /** Serve at most this many training samples (evenly strided over the training split, as server runs do). */
  maxTrainSamples: Limit,
  /** Serve at most this many test samples (evenly strided over the test split). */
  maxTestSamples: Limit,
});

/** Decodes the stored dataset with bnn-core/tf and returns its train / test splits (as server training does). */
async function loadSplits(
  ctx: AppContext,
  row: { id: string; kind: string; storagePath: string | null; optionsJson: string },
): Promise<{ train: Dataset; test: Dataset; split: boolean }> {
  if (row.kind === 'builtin' && (row.id === 'mnist' || row.id === 'fashion-mnist')) {
    const { all, test } = await decodeInThread({
      source: row.id === 'mnist' ? 'builtin-mnist' : 'builtin-fashion-mnist',
    }).catch((err: { message?: string; fix?: string }) => {
      throw new ApiError(
        409,
        'dataset_not_installed',
        err.message ?? String(err),
        err.fix ?? 'Reinstall it.',
      );
    });
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
      const body = encodeTensorsBody({ id: row.id, name: row.name, kind: row.kind }, [
        { data: train, index: trainPick, total: trainIdx.length },
        { data: test, index: testPick, total: testIdx.length },
      ]);
      reply
        .header('content-type', 'application/octet-stream')
        // A dataset never changes under its id; the query is part of the URL.
        .header('cache-control', 'private, max-age=31536000, immutable');
      return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  });
}
