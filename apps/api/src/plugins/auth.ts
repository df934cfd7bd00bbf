// Access token on every /api route but the public ones (health): `Authorization: Bearer <t>` or the bnn_token
// cookie that the server sets on the web app's HTML responses for the local user.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../lib/errors.js';
import { readCookie, TOKEN_COOKIE, tokensEqual } from '../lib/token.js';

export default fp(
  async function authPlugin(app: FastifyInstance, opts: { token: string }) {
    app.addHook('onRequest', async (req) => {
      if (req.routeOptions.config?.public) return;
      if (!req.url.startsWith('/api/')) return;
      const header = req.headers.authorization;
      const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      const given = bearer ?? readCookie(req.headers.cookie, TOKEN_COOKIE);
      if (!given || !tokensEqual(given, opts.token)) {
        throw new ApiError(
          401,
          'unauthorized',
          given ? 'The access token is not valid.' : 'This route needs the access token.',
          'Send `Authorization: Bearer <token>` (the token is in <data dir>/access-token or BNN_STUDIO_TOKEN), or open the studio in the browser.',
        );
      }
    });
  },
  { name: 'auth' },
);
