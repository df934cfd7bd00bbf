// CORS limited to the studio's own origins (StudioOrigins: loopback on the studio's port and
// BNN_STUDIO_WEB_ORIGIN), and rate limits on every route the router matched except the public ones (health, web
// pages) — decided on the matched route's config, never on the URL's spelling. Multipart is registered only by
// the dataset upload route (routes/datasets.ts).
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { StudioOrigins } from '../lib/origins.js';

export interface SecurityOptions {
  origins: StudioOrigins;
  rateLimitPerMinute: number;
}

export default fp(
  async function securityPlugin(app: FastifyInstance, opts: SecurityOptions) {
    await app.register(cors, {
      delegator: (req, cb) =>
        cb(null, {
          origin: opts.origins.originAllowed(req.headers.origin, req.headers.host, req.socket.localPort),
          credentials: true,
        }),
    });
    await app.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: '1 minute',
      allowList: (req) => req.routeOptions.config?.public === true,
    });
  },
  { name: 'security' },
);
