import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { OpenApiResponse } from '../contract/health.js';
import { buildOpenApi } from '../lib/openapi.js';
import { defineRoute } from '../lib/route.js';

export default async function openapiRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  let doc: ReturnType<typeof buildOpenApi> | undefined;
  defineRoute(app, {
    method: 'GET',
    url: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['meta'],
    response: OpenApiResponse,
    handler: async () => {
      doc ??= buildOpenApi(app.apiRoutes, ctx.version);
      return doc;
    },
  });
}
