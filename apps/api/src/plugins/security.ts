// CORS limited to the studio's own origin (and BNN_STUDIO_WEB_ORIGIN), rate limits on /api, upload limits.
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityOptions {
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  maxUploadBytes: number;
}

export default fp(
  async function securityPlugin(app: FastifyInstance, opts: SecurityOptions) {
    await app.register(cors, {
      origin: (origin, cb) => cb(null, !origin || opts.allowedOrigins.includes(origin)),
      credentials: true,
    });
    await app.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: '1 minute',
      allowList: (req) => !req.url.startsWith('/api/') || req.url === '/api/health',
    });
    await app.register(multipart, {
      limits: { fileSize: opts.maxUploadBytes, files: 2, fields: 10, parts: 12, fieldSize: 64 * 1024 },
    });
  },
  { name: 'security' },
);
