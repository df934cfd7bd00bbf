import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import {
  HeartbeatResponse,
  MetricsAcceptedResponse,
  RunDeletedResponse,
  RunDetailResponse,
  RunListResponse,
  RunMetricsResponse,
  RunResponse,
} from '../contract/runs.js';
import { ApiError } from '../lib/errors.js';
import { defineRoute } from '../lib/route.js';
import {
  CompleteJson,
  CompleteJsonDecoded,
  CompleteQuery,
  FailPost,
  IdParam,
  MetricsPost,
  RunCreate,
  RunListQuery,
} from '../schemas.js';
import { cancelRun } from '../services/runs/cancel-run.js';
import { LargeJsonBody, readLargeCompleteJson } from '../services/runs/complete-json.js';
import { completeBrowserRun } from '../services/runs/complete-run.js';
import { createRun } from '../services/runs/create-run.js';
import { deleteRun } from '../services/runs/delete-run.js';
import { failBrowserRun } from '../services/runs/fail-browser-run.js';
import { getRun, getRunJson } from '../services/runs/get-run.js';
import { getRunMetrics } from '../services/runs/get-run-metrics.js';
import { getRunWeights } from '../services/runs/get-run-weights.js';
import { heartbeatRun } from '../services/runs/heartbeat-run.js';
import { listRunsJson } from '../services/runs/list-runs.js';
import { recordMetrics } from '../services/runs/record-metrics.js';
import { streamRunEvents } from '../services/runs/stream-run-events.js';
import { INLINE_WEIGHTS_BYTES } from '../services/runs/weights.js';

export default async function runRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs',
    summary: 'List runs (paged, filtered by status/q/location, sorted)',
    tags: ['runs'],
    response: RunListResponse,
    query: RunListQuery,
    // Cached pages are sent as the bytes serialised when they were loaded.
    handler: async ({ query }, _req, reply) => {
      reply.type('application/json; charset=utf-8');
      return listRunsJson(ctx, query);
    },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs',
    summary: 'Create a run: server runs are queued, browser runs start at once',
    tags: ['runs'],
    response: RunResponse,
    body: RunCreate,
    successStatus: 201,
    handler: async ({ body }) => ({ run: await createRun(ctx, body) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs/:id',
    summary: 'A run: config snapshot, status, timings, latest metrics, results',
    tags: ['runs'],
    response: RunDetailResponse,
    params: IdParam,
    handler: async ({ params }, _req, reply) => {
      reply.type('application/json; charset=utf-8');
      return getRunJson(ctx, params.id);
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs/:id/metrics',
    summary: 'All metric points of a run',
    tags: ['runs'],
    response: RunMetricsResponse,
    params: IdParam,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    handler: async ({ params, query }) => ({
      metrics: (await getRunMetrics(ctx, params.id, { afterId: query.after })).map(({ id: _id, ...p }) => p),
    }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs/:id/weights',
    summary: 'Trained weights of a completed run (serializeWeights bytes), e.g. for in-page inference',
    tags: ['runs'],
    params: IdParam,
    responseMediaType: 'application/octet-stream',
    handler: async ({ params }, _req, reply) => {
      const { sha256, bytes } = await getRunWeights(ctx, params.id);
      reply
        .header('content-type', 'application/octet-stream')
        .header('x-content-sha256', sha256)
        .header('cache-control', 'private, max-age=31536000, immutable');
      return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs/:id/metrics',
    summary: 'Browser runs: post metric points (idempotent per run/name/epoch/step)',
    tags: ['runs'],
    response: MetricsAcceptedResponse,
    params: IdParam,
    body: MetricsPost,
    handler: async ({ params, body }) => recordMetrics(ctx, params.id, body.points),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs/:id/heartbeat',
    summary:
      'Browser runs: renew the lease (a run with no metrics or heartbeat for the lease time fails as abandoned)',
    tags: ['runs'],
    response: HeartbeatResponse,
    params: IdParam,
    handler: async ({ params }) => heartbeatRun(ctx, params.id),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs/:id/fail',
    summary: 'Browser runs: report that training failed in the page (the run reads failed with this reason)',
    tags: ['runs'],
    response: RunResponse,
    params: IdParam,
    body: FailPost,
    handler: async ({ params, body }) => ({ run: await failBrowserRun(ctx, params.id, body) }),
  });
  await app.register(completeRoute, { ctx });
  defineRoute(app, {
    method: 'GET',
    url: '/api/runs/:id/events',
    summary: 'Server-Sent Events: `status`, `metric` and `log` events until the run ends',
    tags: ['runs'],
    params: IdParam,
    responseMediaType: 'text/event-stream',
    handler: async ({ params }, req, reply) => {
      await getRun(ctx, params.id); // 404 before the stream starts
      const lastEventId = Number(req.headers['last-event-id'] ?? 0) || undefined;
      reply.hijack();
      await streamRunEvents(ctx, params.id, req.raw, reply.raw, { lastEventId, origin: req.headers.origin });
    },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs/:id/cancel',
    summary: 'Cancel a queued or running run',
    tags: ['runs'],
    response: RunResponse,
    params: IdParam,
    handler: async ({ params }) => ({ run: await cancelRun(ctx, params.id) }),
  });
  defineRoute(app, {
    method: 'DELETE',
    url: '/api/runs/:id',
    summary: 'Delete a run with its metrics',
    tags: ['runs'],
    response: RunDeletedResponse,
    params: IdParam,
    handler: async ({ params }) => deleteRun(ctx, params.id),
  });
}

/** serializeWeights bytes a browser run may post (the studio's models are for microcontrollers: kilobytes). */
export const MAX_WEIGHTS_BYTES = 64 * 1024 * 1024;
/** The JSON form carries the weights in base64 (4/3 of the bytes) plus a confusion matrix. */
const MAX_WEIGHTS_JSON_BYTES = Math.ceil((MAX_WEIGHTS_BYTES * 4) / 3) + 1024 * 1024;

const weightsTooLarge = () =>
  new ApiError(
    413,
    'weights_too_large',
    `The weights exceed ${MAX_WEIGHTS_BYTES / 2 ** 20} MiB.`,
    'Post the serializeWeights bytes of a model that fits a microcontroller.',
  );

/**
 * The one route that takes a binary body: its own context holds the octet-stream parser, which streams the body
 * into chunks under its own limit (refused by content-length before reading, or as soon as the limit is passed).
 */
async function completeRoute(child: FastifyInstance, { ctx }: { ctx: AppContext }) {
  child.addContentTypeParser('application/octet-stream', (req, payload, done) => {
    if (Number(req.headers['content-length']) > MAX_WEIGHTS_BYTES) return done(weightsTooLarge(), undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      done(err, body);
    };
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEIGHTS_BYTES) {
        payload.removeAllListeners('data');
        payload.resume();
        finish(weightsTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => finish(null, Buffer.concat(chunks, size)));
    payload.on('error', (err) => finish(err));
  });
  // The JSON form: a body over INLINE_WEIGHTS_BYTES is parsed in a worker thread by the handler (complete-json.ts),
  // not on the event loop; smaller ones as every other JSON route's.
  const defaultJson = child.getDefaultJsonParser('error', 'error');
  child.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    if (bytes.byteLength <= INLINE_WEIGHTS_BYTES) return defaultJson(req, bytes.toString('utf8'), done);
    done(null, new LargeJsonBody(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  });
  defineRoute(child, {
    method: 'POST',
    url: '/api/runs/:id/complete',
    summary: 'Browser runs: final weights (octet-stream body + query metrics, or JSON with base64 weights)',
    tags: ['runs'],
    response: RunResponse,
    params: IdParam,
    bodyMediaType: 'application/octet-stream',
    bodyLimit: MAX_WEIGHTS_JSON_BYTES,
    handler: async ({ params }, req) => {
      if (Buffer.isBuffer(req.body)) {
        const q = CompleteQuery.safeParse(req.query);
        if (!q.success)
          throw new ApiError(
            400,
            'invalid_request',
            `Invalid query: ${q.error.issues[0]?.message}`,
            'finalAccuracy is 0..1.',
          );
        const body = req.body;
        const weights = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
        return { run: await completeBrowserRun(ctx, params.id, { weights, ...q.data }) };
      }
      const raw = req.body instanceof LargeJsonBody ? await readLargeCompleteJson(req.body) : req.body;
      // A large body's weights come back decoded (bytes); a small one's are base64, decoded with the check.
      const b = (
        (raw as { weights?: unknown } | null)?.weights instanceof Uint8Array
          ? CompleteJsonDecoded
          : CompleteJson
      ).safeParse(raw);
      if (!b.success)
        throw new ApiError(
          400,
          'invalid_request',
          `Invalid body: ${b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          'Send application/octet-stream weights, or JSON { weights: base64, finalAccuracy, ... }.',
        );
      const { weights, finalAccuracy, finalLoss, epochs, confusionMatrix, labels } = b.data;
      return {
        run: await completeBrowserRun(ctx, params.id, {
          weights, // bytes or base64, checked (and decoded) off the event loop when large
          finalAccuracy,
          finalLoss,
          epochs,
          results: confusionMatrix
            ? { confusionMatrix, labels: labels ?? confusionMatrix.map((_, i) => String(i)) }
            : undefined,
        }),
      };
    },
  });
}
