// The request guard, the first onRequest hook of every route (including the not-found handler and the web
// pages). It decides on the route the router matched, never on the URL's spelling:
// 1. the request target must be an origin-form, normalised path (else 400), so the path that was matched is the
//    path that was sent;
// 2. routes whose config marks them `public` and not `web` (health) are open to anyone;
// 3. a Bearer token, when sent, must be the access token (401), and such requests are done;
// 4. everything else — the web pages (which set the token cookie) and cookie requests — needs a Host naming this
//    studio (421: DNS rebinding);
// 5. web pages are open; every other route needs the bnn_token cookie (401, deny by default);
// 6. state-changing cookie requests need the studio's own Origin, or no Origin and `X-BNN-Studio: 1` (403:
//    cross-site and cross-port request forgery).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../lib/errors.js';
import type { StudioOrigins } from '../lib/origins.js';
import { checkRequestTarget } from '../lib/request-target.js';
import { readCookie, TOKEN_COOKIE, tokensEqual } from '../lib/token.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the access token (health, the web pages). */
    public?: boolean;
    /** A web page route (served to browsers; needs an allowed Host, sets the token cookie). */
    web?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const STUDIO_HEADER = 'x-bnn-studio';

const TOKEN_FIX =
  'Send `Authorization: Bearer <token>` (the token is in <data dir>/access-token or BNN_STUDIO_TOKEN), or open the studio in the browser.';

/** The rejection for this request, or null to let it through. */
export function guardRequest(req: FastifyRequest, token: string, origins: StudioOrigins): ApiError | null {
  const target = checkRequestTarget(req.raw.url);
  if (target) return new ApiError(400, target.code, target.message, target.fix);
  const config = req.routeOptions.config ?? {};
  // CORS preflight (answered by @fastify/cors from headers alone; browsers send no credentials with it).
  if (req.method === 'OPTIONS') return null;
  if (config.public && !config.web) return null;

  const header = req.headers.authorization;
  if (header !== undefined) {
    const bearer = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!bearer || !tokensEqual(bearer, token))
      return new ApiError(401, 'unauthorized', 'The access token is not valid.', TOKEN_FIX);
    return null;
  }

  const localPort = req.socket.localPort;
  if (!origins.hostAllowed(req.headers.host, localPort))
    return new ApiError(
      421,
      'host_not_allowed',
      `The Host '${String(req.headers.host ?? '').slice(0, 100)}' does not name this studio.`,
      'Open the studio at http://localhost:<port> (or 127.0.0.1 / [::1]); to serve it under another name, list that origin in BNN_STUDIO_WEB_ORIGIN.',
    );
  if (config.public) return null;

  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
  if (!cookie || !tokensEqual(cookie, token))
    return new ApiError(
      401,
      'unauthorized',
      cookie ? 'The access token is not valid.' : 'This route needs the access token.',
      TOKEN_FIX,
    );
  if (SAFE_METHODS.has(req.method)) return null;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origins.originAllowed(origin, req.headers.host, localPort)) return null;
    return new ApiError(
      403,
      'origin_not_allowed',
      `A ${req.method} from the page at '${origin.slice(0, 100)}' may not use the studio's cookie.`,
      'Call the API from the studio page itself, or send `Authorization: Bearer <token>`; to allow another origin, list it in BNN_STUDIO_WEB_ORIGIN.',
    );
  }
  if (req.headers[STUDIO_HEADER] === '1') return null;
  return new ApiError(
    403,
    'origin_required',
    `A ${req.method} authenticated by the cookie needs an Origin header or \`X-BNN-Studio: 1\`.`,
    'Send `X-BNN-Studio: 1` (the studio page does), or authenticate with `Authorization: Bearer <token>`.',
  );
}

export default fp(
  async function authPlugin(app: FastifyInstance, opts: { token: string; origins: StudioOrigins }) {
    app.addHook('onRequest', async (req) => {
      const refused = guardRequest(req, opts.token, opts.origins);
      if (refused) throw refused;
    });
  },
  { name: 'auth' },
);
