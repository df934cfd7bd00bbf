import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { HealthResponse } from '../contract/health.js';
import { defineRoute } from '../lib/route.js';
import { getHealth } from '../services/health/get-health.js';

export default async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness and database status (no token needed)',
    tags: ['health'],
    public: true,
    response: HealthResponse,
    handler: async (_input, _req, reply) => {
      const health = await getHealth(ctx);
      if (health.status !== 'ok') reply.code(503);
      return health;
    },
  });
}
