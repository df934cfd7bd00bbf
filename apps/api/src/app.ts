// The Fastify app: plugins first (errors, the request guard, security), then routes. No lifecycle here (see server.ts), so tests
// build the real app and drive it through app.inject.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from './context.js';
import { StudioOrigins } from './lib/origins.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import securityPlugin from './plugins/security.js';
import webPlugin from './plugins/web.js';
import architectureRoutes from './routes/architectures.js';
import datasetTensorRoutes from './routes/dataset-tensors.js';
import datasetRoutes from './routes/datasets.js';
import exportRoutes from './routes/exports.js';
import healthRoutes from './routes/health.js';
import importRoutes from './routes/imports.js';
import openapiRoutes from './routes/openapi.js';
import projectRoutes from './routes/projects.js';
import runRoutes from './routes/runs.js';
import searchRoutes from './routes/searches.js';
import type { WebApp } from './web.js';

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  web?: WebApp;
}

/** Limits of the HTTP server (documented in API.md "Auth, errors, limits"). */
export const SERVER_LIMITS = {
  /** JSON bodies on every route but the ones that set their own limit. */
  jsonBodyBytes: 1024 * 1024,
  /** The whole request (headers and body) must arrive within this time. */
  requestTimeoutMs: 10 * 60_000,
  /** Headers must arrive within this time. */
  headersTimeoutMs: 30_000,
  /** A connection with no bytes in either direction for this long is closed (SSE streams ping every 15 s). */
  connectionTimeoutMs: 75_000,
  keepAliveTimeoutMs: 72_000,
} as const;

export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: SERVER_LIMITS.jsonBodyBytes,
    requestTimeout: SERVER_LIMITS.requestTimeoutMs,
    connectionTimeout: SERVER_LIMITS.connectionTimeoutMs,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    return503OnClosing: true,
  });
  app.server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  app.decorate('apiRoutes', []);

  await app.register(errorsPlugin);
  const origins = new StudioOrigins(
    ctx.config.webOrigin ? ctx.config.webOrigin.split(',').map((s) => s.trim()) : [],
    () => ctx.config.port,
  );
  // First onRequest hook: request target, Host, token, Origin — before CORS, rate limits and body parsing.
  await app.register(authPlugin, { token: ctx.token, origins });
  await app.register(securityPlugin, { origins, rateLimitPerMinute: ctx.config.rateLimitPerMinute });
  // Only JSON bodies by default; routes that take other media types register their parser in their own context
  // (multipart: routes/datasets.ts and routes/imports.ts; octet-stream weights: routes/runs.ts).
  app.removeContentTypeParser('text/plain');

  await app.register(healthRoutes, { ctx });
  await app.register(openapiRoutes, { ctx });
  await app.register(projectRoutes, { ctx });
  await app.register(architectureRoutes, { ctx });
  await app.register(datasetRoutes, { ctx });
  await app.register(datasetTensorRoutes, { ctx });
  await app.register(runRoutes, { ctx });
  await app.register(exportRoutes, { ctx });
  await app.register(importRoutes, { ctx });
  await app.register(searchRoutes, { ctx });

  if (opts.web) {
    await app.register(webPlugin, { web: opts.web, token: ctx.token });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({
        error: {
          code: 'not_found',
          message: `No route ${req.method} ${req.url.split('?')[0]}.`,
          fix: 'See /api/openapi.json.',
        },
      }),
    );
  }
  return app;
}
