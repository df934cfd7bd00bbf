import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import {
  ArchitectureCreateResponse,
  ArchitectureListResponse,
  ArchitectureResponse,
  VersionCreateResponse,
  VersionResponse,
} from '../contract/architectures.js';
import { defineRoute } from '../lib/route.js';
import { ArchitectureCreate, IdParam, VersionCreate } from '../schemas.js';
import { addArchitectureVersion } from '../services/architectures/add-architecture-version.js';
import { createArchitecture } from '../services/architectures/create-architecture.js';
import { getArchitecture } from '../services/architectures/get-architecture.js';
import { getArchitectureVersion } from '../services/architectures/get-architecture-version.js';
import { listArchitectures } from '../services/architectures/list-architectures.js';

export default async function architectureRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/architectures',
    summary: 'List architectures with their latest version',
    tags: ['architectures'],
    response: ArchitectureListResponse,
    query: z.object({ projectId: z.string().max(100).optional() }),
    handler: async ({ query }) => ({ architectures: await listArchitectures(ctx, query) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/architectures',
    summary: 'Create an architecture and its version 1 (422 with graph issues)',
    tags: ['architectures'],
    response: ArchitectureCreateResponse,
    body: ArchitectureCreate,
    successStatus: 201,
    handler: async ({ body }) => createArchitecture(ctx, body),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/architectures/:id',
    summary: 'An architecture with all its versions',
    tags: ['architectures'],
    response: ArchitectureResponse,
    params: IdParam,
    handler: async ({ params }) => ({ architecture: await getArchitecture(ctx, params.id) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/architectures/:id/versions',
    summary: 'Add an immutable version',
    tags: ['architectures'],
    response: VersionCreateResponse,
    params: IdParam,
    body: VersionCreate,
    successStatus: 201,
    handler: async ({ params, body }) => addArchitectureVersion(ctx, params.id, body.graph),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/architecture-versions/:id',
    summary: 'A version: graph and inferred summary',
    tags: ['architectures'],
    response: VersionResponse,
    params: IdParam,
    handler: async ({ params }) => ({ version: await getArchitectureVersion(ctx, params.id) }),
  });
}
