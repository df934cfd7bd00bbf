// One error shape for every /api failure: { error: { code, message, fix?, details? } }. 5xx never show internal
// text; they are logged with the request id instead.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isTransientDbError } from '../db/transient.js';
import { ApiError } from '../lib/errors.js';

const FASTIFY_CODES: Record<string, { code: string; fix?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', fix: 'Send a valid JSON document.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    fix: 'Send a JSON body or drop the content-type header.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', fix: 'Send a smaller body.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', fix: 'Send application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length' },
  FST_ERR_VALIDATION: { code: 'invalid_request' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'not_multipart', fix: 'Upload files as multipart/form-data.' },
  FST_REQ_FILE_TOO_LARGE: {
    code: 'upload_too_large',
    fix: 'Upload a smaller file or raise BNN_STUDIO_MAX_UPLOAD_BYTES.',
  },
  FST_FILES_LIMIT: { code: 'too_many_files', fix: 'Upload at most the files the dataset kind needs.' },
  FST_PARTS_LIMIT: { code: 'too_many_parts' },
  FST_PROTO_VIOLATION: { code: 'invalid_json', fix: 'Remove __proto__ keys from the body.' },
};

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
      if (err instanceof ApiError) {
        if (err.status >= 500) req.log.error({ err }, 'service error');
        return reply.code(err.status).send({
          error: {
            code: err.code,
            message: err.message,
            ...(err.fix ? { fix: err.fix } : {}),
            ...(err.details !== undefined ? { details: err.details } : {}),
          },
        });
      }
      const status = (err as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const known = FASTIFY_CODES[(err as FastifyError).code ?? ''];
        const code = status === 429 ? 'rate_limited' : (known?.code ?? `http_${status}`);
        return reply.code(status).send({
          error: { code, message: err.message, ...(known?.fix ? { fix: known.fix } : {}) },
        });
      }
      // The multipart parser's own errors (a body that ends inside a part, a bad header) are the client's.
      if (/[\\/]@fastify[\\/]busboy[\\/]/.test(err.stack ?? '')) {
        return reply.code(400).send({
          error: {
            code: 'invalid_request',
            message: `The multipart body could not be read: ${err.message.slice(0, 200)}.`,
            fix: 'Send a well-formed multipart/form-data body (the boundary in the content-type must match the body).',
          },
        });
      }
      if (isTransientDbError(err)) {
        req.log.error({ err }, 'database unavailable');
        return reply.code(503).send({
          error: {
            code: 'database_unavailable',
            message: 'The database is not answering.',
            fix: `Retry shortly; GET /api/health shows the database status (request id ${req.id}).`,
          },
        });
      }
      req.log.error({ err }, 'unhandled error');
      return reply.code(500).send({
        error: {
          code: 'internal',
          message: 'Internal server error.',
          fix: `Retry; if it persists, report request id ${req.id}.`,
        },
      });
    });
  },
  { name: 'errors' },
);
