import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ImportResponse } from '../contract/imports.js';
import { ApiError } from '../lib/errors.js';
import { requireMultipart } from '../lib/multipart.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import { importModel } from '../services/imports/import-model.js';
import { runDeploy } from '../services/runs/predict-run.js';

const tooLarge = (max: number) =>
  new ApiError(
    413,
    'payload_too_large',
    `The .tflite file is larger than ${max} bytes, the studio's import limit (BNN_STUDIO_MAX_IMPORT_BYTES).`,
    'Import a smaller model (LCE BNNs are usually well under 10 MB).',
  );

/** POST /api/imports: an LCE-converted `.tflite` becomes a completed run of location `imported`. */
export default async function importRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  // Multipart on this plugin's route only; one file, a few short fields.
  await app.register(multipart, {
    limits: { fileSize: ctx.config.maxImportBytes, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/imports',
    summary:
      'Import a Larq Compute Engine .tflite (multipart: file, optional name, projectId, int8Softmax=float); up to BNN_STUDIO_MAX_IMPORT_BYTES (default 32 MiB; 413 above), 422 for corrupt files or operators the studio cannot run; nothing is stored on failure',
    tags: ['imports'],
    response: ImportResponse,
    bodyMediaType: 'multipart/form-data',
    successStatus: 201,
    handler: async (_input, req) => {
      requireMultipart(
        req,
        'Upload the model as multipart/form-data.',
        'Send the .tflite in a form field named file.',
      );
      const fields: Record<string, string> = {};
      let file: { filename: string; bytes: Uint8Array } | null = null;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            fields[part.fieldname] = String(part.value);
            continue;
          }
          if (part.fieldname !== 'file') {
            part.file.resume();
            throw new ApiError(
              400,
              'invalid_request',
              `Unexpected file field '${part.fieldname}'.`,
              'Send the .tflite in a field named file.',
            );
          }
          const buf = await part.toBuffer();
          if (part.file.truncated) throw tooLarge(ctx.config.maxImportBytes);
          file = {
            filename: part.filename,
            bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
          };
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        const e = err as { statusCode?: number; code?: string; message?: string };
        if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE')
          throw tooLarge(ctx.config.maxImportBytes);
        throw new ApiError(
          400,
          'invalid_request',
          `The multipart body could not be read: ${String(e.message ?? err).slice(0, 200)}.`,
          'Send a well-formed multipart/form-data body with the .tflite in a field named file.',
        );
      }
      if (!file)
        throw new ApiError(
          400,
          'missing_file',
          'No file was uploaded.',
          'Send the .tflite in a field named file.',
        );
      const soft = fields.int8Softmax;
      if (soft !== undefined && soft !== 'float' && soft !== 'refuse')
        throw new ApiError(
          400,
          'invalid_request',
          `int8Softmax is '${soft.slice(0, 20)}'.`,
          "Send 'float' or 'refuse'.",
        );
      const name = fields.name?.trim();
      return importModel(ctx, {
        bytes: file.bytes,
        filename: file.filename || 'model.tflite',
        ...(name ? { name } : {}),
        ...(fields.projectId ? { projectId: fields.projectId } : {}),
        ...(soft ? { int8Softmax: soft } : {}),
      });
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs/:id/deploy-graph',
    summary:
      "A completed run's deploy graph and I/O types, as JSON with typed arrays as { $typed, base64 } (the playground runs imported runs with it)",
    tags: ['imports'],
    params: IdParam,
    responseMediaType: 'application/json',
    handler: async ({ params }, _req, reply) => {
      const { deploy, io } = await runDeploy(ctx, params.id);
      const json = JSON.stringify({ deploy, io }, (_k, v: unknown) =>
        ArrayBuffer.isView(v)
          ? {
              $typed: v.constructor.name,
              base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
            }
          : v,
      );
      return reply.type('application/json').send(json);
    },
  });
}
