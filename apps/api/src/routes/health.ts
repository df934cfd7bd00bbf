import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { defineRoute } from '../lib/route.js';
import { getHealth } from '../services/health/get-health.js';

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    ok: z.boolean(),
    provider: z.enum(['sqlite', 'postgresql']),
    error: z.string().optional(),
  }),
  version: z.string(),
});

export default async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness and database status (no token needed)',
    tags: ['health'],
    public: true,
    response: HealthSchema,
    handler: async (_input, _req, reply) => {
      const health = await getHealth(ctx);
      if (health.status !== 'ok') reply.code(503);
      return health;
    },
  });
}
