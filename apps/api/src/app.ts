// The Fastify app: plugins first (errors, security, auth), then routes. No lifecycle here (see server.ts), so tests
// build the real app and drive it through app.inject.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from './context.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import securityPlugin from './plugins/security.js';
import webPlugin from './plugins/web.js';
import architectureRoutes from './routes/architectures.js';
import datasetTensorRoutes from './routes/dataset-tensors.js';
import datasetRoutes from './routes/datasets.js';
import exportRoutes from './routes/exports.js';
import healthRoutes from './routes/health.js';
import openapiRoutes from './routes/openapi.js';
import projectRoutes from './routes/projects.js';
import runRoutes from './routes/runs.js';
import type { WebApp } from './web.js';

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  web?: WebApp;
}

export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
  });
  app.decorate('apiRoutes', []);

  await app.register(errorsPlugin);
  const port = ctx.config.port;
  await app.register(securityPlugin, {
    allowedOrigins: [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      ...(ctx.config.webOrigin ? ctx.config.webOrigin.split(',').map((s) => s.trim()) : []),
    ],
    rateLimitPerMinute: ctx.config.rateLimitPerMinute,
    maxUploadBytes: ctx.config.maxUploadBytes,
  });
  await app.register(authPlugin, { token: ctx.token });
  // Binary bodies (browser runs upload serializeWeights bytes).
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: 256 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  await app.register(healthRoutes, { ctx });
  await app.register(openapiRoutes, { ctx });
  await app.register(projectRoutes, { ctx });
  await app.register(architectureRoutes, { ctx });
  await app.register(datasetRoutes, { ctx });
  await app.register(datasetTensorRoutes, { ctx });
  await app.register(runRoutes, { ctx });
  await app.register(exportRoutes, { ctx });

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
