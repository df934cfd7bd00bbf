import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { DatasetListResponse, DatasetResponse, DatasetSamplesResponse } from '../contract/datasets.js';
import { ApiError } from '../lib/errors.js';
import { requireMultipart } from '../lib/multipart.js';
import { defineRoute } from '../lib/route.js';
import { DatasetSplitPut, IdParam } from '../schemas.js';
import { datasetSamples, setDatasetSplit } from '../services/datasets/dataset-samples.js';
import { getDataset } from '../services/datasets/get-dataset.js';
import { listDatasets } from '../services/datasets/list-datasets.js';
import { type UploadPart, uploadDataset } from '../services/datasets/upload-dataset.js';

const NUL = '\u0000';

const nulIn = (what: string) =>
  new ApiError(
    400,
    'invalid_characters',
    `The multipart ${what} contains a NUL character.`,
    'Remove \\u0000 from the text.',
  );

/** Multipart errors (bad boundary, truncated part, …) are the client's: 400, never 500. */
function multipartError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; message?: string };
  if (typeof e.statusCode === 'number' && e.statusCode < 500) return err;
  return new ApiError(
    400,
    'invalid_request',
    `The multipart body could not be read: ${String(e.message ?? err).slice(0, 200)}.`,
    'Send a well-formed multipart/form-data body (the boundary in the content-type must match the body).',
  );
}

export default async function datasetRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  // Multipart bodies are parsed on this plugin's routes only (the upload); elsewhere they are 415.
  await app.register(multipart, {
    limits: { fileSize: ctx.config.maxUploadBytes, files: 2, fields: 10, parts: 12, fieldSize: 64 * 1024 },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets',
    summary: 'List datasets (built-in MNIST always included)',
    tags: ['datasets'],
    response: DatasetListResponse,
    handler: async () => ({ datasets: await listDatasets(ctx) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/datasets',
    summary: 'Upload a dataset: IDX (images + labels), image-folder zip, or CSV (multipart)',
    tags: ['datasets'],
    response: DatasetResponse,
    bodyMediaType: 'multipart/form-data',
    successStatus: 201,
    handler: async (_input, req) => {
      requireMultipart(
        req,
        'Upload datasets as multipart/form-data.',
        'Send the file(s) in a form field named file.',
      );
      const fields: Record<string, string> = {};
      async function* files(): AsyncGenerator<UploadPart> {
        try {
          for await (const part of req.parts()) {
            if (part.fieldname.includes(NUL)) throw nulIn('field name');
            if (part.type === 'field') {
              const value = String(part.value);
              if (value.includes(NUL)) throw nulIn(`field '${part.fieldname}'`);
              fields[part.fieldname] = value;
            } else {
              if (part.filename.includes(NUL)) throw nulIn('filename');
              yield { filename: part.filename, stream: part.file };
            }
          }
        } catch (err) {
          throw multipartError(err);
        }
      }
      // A body that ends inside a file part fails in the service's pipeline: plugins/errors.ts answers 400.
      return { dataset: await uploadDataset(ctx, { parts: files(), fields }) };
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets/:id',
    summary: 'A dataset',
    tags: ['datasets'],
    response: DatasetResponse,
    params: IdParam,
    handler: async ({ params }) => ({ dataset: await getDataset(ctx, params.id) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/datasets/:id/samples',
    summary:
      'Per-class counts, the train/test split per class (for ?testFraction=&seed= when given) and up to perClass samples per class (8-bit, base64)',
    tags: ['datasets'],
    response: DatasetSamplesResponse,
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
    response: DatasetResponse,
    params: IdParam,
    body: DatasetSplitPut,
    handler: async ({ params, body }) => ({ dataset: await setDatasetSplit(ctx, params.id, body) }),
  });
}
