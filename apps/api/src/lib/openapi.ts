// OpenAPI 3.1 document built from the zod schemas the routes validate with (one source of truth).
import { z } from 'zod';
import { ErrorResponse } from '../contract/common.js';
import type { DocumentedRoute } from './route.js';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

export function buildOpenApi(routes: DocumentedRoute[], version: string) {
  const ERROR_SCHEMA = jsonSchema(ErrorResponse, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: r.tags,
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: {
        [String(r.successStatus)]: {
          description: 'Success',
          content: r.responseMediaType
            ? { [r.responseMediaType]: { schema: { type: 'string', format: 'binary' } } }
            : r.response
              ? { 'application/json': { schema: jsonSchema(r.response, 'output') } }
              : { 'application/json': { schema: {} } },
        },
        '4XX': { description: 'Client error', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        '5XX': { description: 'Server error', content: { 'application/json': { schema: ERROR_SCHEMA } } },
      },
    };
    if (!r.public) op.security = [{ bearer: [] }, { cookie: [] }];
    if (r.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
      };
    else if (r.bodyMediaType)
      op.requestBody = {
        required: true,
        content: { [r.bodyMediaType]: { schema: { type: 'string', format: 'binary' } } },
      };
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'BNN Studio API',
      version,
      description: 'Projects, architectures, datasets, runs, metrics, exports.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'bnn_token' },
      },
    },
    paths,
  };
}
