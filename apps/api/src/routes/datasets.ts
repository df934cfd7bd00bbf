import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { DatasetListResponse, DatasetResponse } from '../contract/datasets.js';
import { ApiError } from '../lib/errors.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import { getDataset } from '../services/datasets/get-dataset.js';
import { listDatasets } from '../services/datasets/list-datasets.js';
import { type UploadPart, uploadDataset } from '../services/datasets/upload-dataset.js';

export default async function datasetRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
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
    response: DatasetResponse,
    params: IdParam,
    handler: async ({ params }) => ({ dataset: await getDataset(ctx, params.id) }),
  });
}
