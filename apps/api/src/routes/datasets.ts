import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ApiError } from '../lib/errors.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import { datasetSamples, setDatasetSplit } from '../services/datasets/dataset-samples.js';
import { getDataset } from '../services/datasets/get-dataset.js';
import { listDatasets } from '../services/datasets/list-datasets.js';
import { type UploadPart, uploadDataset } from '../services/datasets/upload-dataset.js';

export default async function datasetRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets',
    summary: 'List datasets (built-in MNIST always included)',
    tags: ['datasets'],
    handler: async () => ({ datasets: await listDatasets(ctx) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/datasets',
    summary: 'Upload a dataset: IDX (images + labels), image-folder zip, or CSV (multipart)',
    tags: ['datasets'],
    bodyMediaType: 'multipart/form-data',
    successStatus: 201,
    handler: async (_input, req) => {
      if (!req.isMultipart())
        throw new ApiError(
          415,
          'not_multipart',
          'Upload datasets as multipart/form-data.',
          'Send the file(s) in a form field named file.',
        );
      const fields: Record<string, string> = {};
      async function* files(): AsyncGenerator<UploadPart> {
        for await (const part of req.parts()) {
          if (part.type === 'field') fields[part.fieldname] = String(part.value);
          else yield { filename: part.filename, stream: part.file };
        }
      }
      return { dataset: await uploadDataset(ctx, { parts: files(), fields }) };
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets/:id',
    summary: 'A dataset',
    tags: ['datasets'],
    params: IdParam,
    handler: async ({ params }) => ({ dataset: await getDataset(ctx, params.id) }),
  });
  const Split = z.object({
    testFraction: z.coerce.number().gt(0).lt(1),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets/:id/samples',
    summary:
      'Per-class counts, the train/test split per class (for ?testFraction=&seed= when given) and up to perClass samples per class (8-bit, base64)',
    tags: ['datasets'],
    params: IdParam,
    query: z.object({
      perClass: z.coerce.number().int().min(0).max(64).default(8),
      testFraction: z.coerce.number().gt(0).lt(1).optional(),
      seed: z.coerce
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    }),
    handler: async ({ params, query }) => {
      const { testFraction, seed } = query;
      if ((testFraction === undefined) !== (seed === undefined))
        throw new ApiError(
          400,
          'invalid_request',
          'testFraction and seed go together.',
          'Send both (a proposed split) or neither (the saved split).',
        );
      return datasetSamples(ctx, params.id, {
        perClass: query.perClass,
        ...(testFraction !== undefined && seed !== undefined ? { split: { testFraction, seed } } : {}),
      });
    },
  });
  defineRoute(app, {
    method: 'PUT',
    url: '/api/datasets/:id/split',
    summary:
      "Set an uploaded dataset's train/test split (test fraction per class, shuffle seed) for later runs",
    tags: ['datasets'],
    params: IdParam,
    body: Split,
    handler: async ({ params, body }) => ({ dataset: await setDatasetSplit(ctx, params.id, body) }),
  });
}
