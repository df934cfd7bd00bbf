// GET /api/datasets/:id/tensors: a dataset's decoded samples for training in the browser, in one compact binary
// body ("BNNT", documented in API.md). The samples are decoded by the same bnn-core/tf loaders server training
// uses and split the same way (services/datasets/stored-dataset.ts), so a browser run sees what a server run sees.
import { encodeTensorsBody } from '@bnn-studio/bnn-core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../lib/errors.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import { loadSplits } from '../services/datasets/load-splits.js';
import { splitOf, stridedIndices, uploadSplit } from '../services/datasets/stored-dataset.js';

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
      const halves = split ? uploadSplit(train.y, splitOf(JSON.parse(row.optionsJson))) : null;
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
        // A dataset's samples never change under its id, but its split can (PUT .../split): revalidate.
        .header('cache-control', 'private, no-cache');
      return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  });
}
