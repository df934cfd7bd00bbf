import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SearchCreate, SearchListResponse, SearchResponse } from '../contract/searches.js';
import { defineRoute } from '../lib/route.js';
import { IdParam } from '../schemas.js';
import { createSearch } from '../services/searches/create-search.js';
import { cancelSearch, getSearch, listSearches, resumeSearch } from '../services/searches/manage-search.js';
import { streamSearchEvents } from '../services/searches/stream-search-events.js';

export default async function searchRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/searches',
    summary:
      'Start an auto-size search: candidates within the budget train as ordinary server runs (successive halving over epochs)',
    tags: ['searches'],
    response: SearchResponse,
    body: SearchCreate,
    successStatus: 201,
    handler: async ({ body }) => ({ search: await createSearch(ctx, body) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/searches',
    summary: 'List searches, newest first (at most 200)',
    tags: ['searches'],
    response: SearchListResponse,
    handler: async () => ({ searches: await listSearches(ctx) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/searches/:id',
    summary: 'A search with its candidates, trials, Pareto front and best candidate under budget',
    tags: ['searches'],
    response: SearchResponse,
    params: IdParam,
    handler: async ({ params }) => ({ search: await getSearch(ctx, params.id) }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/searches/:id/events',
    summary: 'Server-Sent Events: `search` (the whole detail) on every change until the search ends',
    tags: ['searches'],
    params: IdParam,
    responseMediaType: 'text/event-stream',
    handler: async ({ params }, req, reply) => {
      await getSearch(ctx, params.id); // 404 before the stream starts
      reply.hijack();
      await streamSearchEvents(ctx, params.id, req.raw, reply.raw);
    },
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/searches/:id/cancel',
    summary: 'Cancel a running search (its queued and running candidates are cancelled)',
    tags: ['searches'],
    response: SearchResponse,
    params: IdParam,
    handler: async ({ params }) => ({ search: await cancelSearch(ctx, params.id) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/searches/:id/resume',
    summary: 'Resume a cancelled search (its cancelled candidates are queued again)',
    tags: ['searches'],
    response: SearchResponse,
    params: IdParam,
    handler: async ({ params }) => ({ search: await resumeSearch(ctx, params.id) }),
  });
}
