// Catch-all for everything outside /api: hands the raw request to Next.js. HTML responses to the local user carry
// the access-token cookie so the web app calls /api without copy-paste.
import type { FastifyInstance } from 'fastify';
import { TOKEN_COOKIE } from '../lib/token.js';
import type { WebApp } from '../web.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export default async function webPlugin(app: FastifyInstance, opts: { web: WebApp; token: string }) {
  // Leave request bodies unread: Next.js reads them from the raw request.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    config: { public: true, web: true },
    handler: async (req, reply) => {
      if (req.url === '/api' || req.url.startsWith('/api/')) {
        return reply.code(404).send({
          error: {
            code: 'not_found',
            message: `No API route ${req.method} ${req.url.split('?')[0]}.`,
            fix: 'See /api/openapi.json.',
          },
        });
      }
      const wantsHtml = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
      if (wantsHtml && LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        reply.raw.setHeader(
          'Set-Cookie',
          `${TOKEN_COOKIE}=${encodeURIComponent(opts.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`,
        );
      }
      reply.hijack();
      await opts.web.handle(req.raw, reply.raw);
    },
  });
}
