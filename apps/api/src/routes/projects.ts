import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ProjectListResponse, ProjectResponse } from '../contract/projects.js';
import { defineRoute } from '../lib/route.js';
import { ProjectCreate } from '../schemas.js';
import { createProject } from '../services/projects/create-project.js';
import { listProjects } from '../services/projects/list-projects.js';

export default async function projectRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/projects',
    summary: 'List projects',
    tags: ['projects'],
    response: ProjectListResponse,
    handler: async () => ({ projects: await listProjects(ctx) }),
  });
  defineRoute(app, {
    method: 'POST',
    url: '/api/projects',
    summary: 'Create a project',
    tags: ['projects'],
    response: ProjectResponse,
    body: ProjectCreate,
    successStatus: 201,
    handler: async ({ body }) => ({ project: await createProject(ctx, body) }),
  });
}
