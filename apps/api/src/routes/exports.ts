import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ArtifactResponse, ExportResponse } from '../contract/exports.js';
import { defineRoute } from '../lib/route.js';
import { ExportCreate, IdParam } from '../schemas.js';
import { artifactDto } from '../services/artifacts/dto.js';
import { getArtifact } from '../services/artifacts/get-artifact.js';
import { exportRun } from '../services/exports/export-run.js';

export default async function exportRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/runs/:id/exports',
    summary:
      'Export a trained run (cached by content hash); 422 export_refused with the exporter explanation',
    tags: ['exports'],
    response: ExportResponse,
    params: IdParam,
    body: ExportCreate,
    handler: async ({ params, body }) => exportRun(ctx, params.id, body.target),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/artifacts/:id',
    summary: 'Artifact metadata',
    tags: ['exports'],
    response: ArtifactResponse,
    params: IdParam,
    handler: async ({ params }) => ({ artifact: artifactDto(await getArtifact(ctx, params.id)) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/artifacts/:id/download',
    summary: 'Download an artifact from the content-addressed store',
    tags: ['exports'],
    params: IdParam,
    responseMediaType: 'application/octet-stream',
    handler: async ({ params }, _req, reply) => {
      const a = await getArtifact(ctx, params.id);
      const safeName = a.filename.replace(/[^A-Za-z0-9._-]+/g, '_');
      reply
        .header('content-type', a.mediaType)
        .header('content-length', a.bytes)
        .header('content-disposition', `attachment; filename="${safeName}"`)
        .header('x-content-sha256', a.sha256)
        .header('cache-control', 'private, max-age=31536000, immutable');
      return reply.send(ctx.store.stream(a.sha256));
    },
  });
}
