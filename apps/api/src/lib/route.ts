// Routes declared once with zod schemas: parsed before the handler (400 with the failing fields otherwise) and
// collected into the OpenAPI document served at /api/openapi.json.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import type { IsoDate } from '../contract/common.js';
import { ApiError } from './errors.js';

/**
 * What a route answers on success: a JSON body described by a contract schema (contract/*.ts, shared with the
 * web), or a non-JSON media type (binary downloads, event streams). One of the two is required, so every operation
 * in /api/openapi.json has a response schema.
 */
export type ResponseSpec<R extends z.ZodType> =
  | { response: R; responseMediaType?: never }
  | { response?: never; responseMediaType: string };

/**
 * What a JSON route's handler may return for its response schema's output `T`: the same shape, where a timestamp
 * (contract IsoDate) may still be a Date (JSON sends Date.prototype.toJSON) — so the compiler checks services
 * against the contract the web parses with.
 */
export type Wire<T> = T extends IsoDate
  ? string | Date
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** JSON already serialised from a value of the response's shape (the hot cached reads send these bytes). */
export type JsonText<T> = string & { readonly __json: T };

/** Serialises a value of the response's wire shape, keeping that shape in the type. */
export function jsonText<T>(value: Wire<T>): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}

interface RouteSpecBase<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Non-JSON request body media type (documented only; parsing handled by the route). */
  bodyMediaType?: string;
  successStatus?: number;
  public?: boolean;
  bodyLimit?: number;
  handler: (
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    req: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<Wire<z.output<R>> | JsonText<z.output<R>> | FastifyReply | undefined>;
}

export type RouteSpec<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> = RouteSpecBase<P, Q, B, R> & ResponseSpec<R>;

export interface DocumentedRoute {
  method: string;
  url: string;
  summary: string;
  tags: string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyMediaType?: string;
  response?: z.ZodType;
  responseMediaType?: string;
  successStatus: number;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiRoutes: DocumentedRoute[];
  }
}

export function formatZodIssues(where: string, error: z.ZodError): { message: string; details: unknown } {
  const parts = error.issues.slice(0, 5).map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    return `${path}: ${i.message}`;
  });
  return {
    message: `Invalid request: ${parts.join('; ')}${error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : ''}`,
    details: error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
      code: i.code,
    })),
  };
}

/**
 * Path of the first string containing NUL (not storable in Postgres text), searched depth-first through JSON
 * values only: strings, arrays and plain objects. Binary bodies (Buffer, typed arrays) and streams are not text
 * and are never walked (a Buffer's entries are its bytes: walking 16 MiB of them froze the server for 94 s).
 */
export function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}.${i}`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return `${path}.${k.replaceAll('\u0000', '\\0')}`;
    const hit = findNul(v, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

function parsePart<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  const nul = findNul(value, where);
  if (nul)
    throw new ApiError(
      400,
      'invalid_characters',
      `${nul} contains a NUL character.`,
      'Remove \\u0000 from the text.',
    );
  if (!schema) return value as z.output<T>;
  const result = schema.safeParse(value);
  if (!result.success) {
    const { message, details } = formatZodIssues(where, result.error);
    throw new ApiError(
      400,
      'invalid_request',
      message,
      'Correct the listed fields; see /api/openapi.json.',
      details,
    );
  }
  return result.data;
}

export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType = z.ZodUnknown,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B, R>): void {
  app.apiRoutes.push({
    method: spec.method as string,
    url: spec.url,
    summary: spec.summary,
    tags: spec.tags,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    bodyMediaType: spec.bodyMediaType,
    response: spec.response,
    responseMediaType: spec.responseMediaType,
    successStatus: spec.successStatus ?? 200,
    public: spec.public ?? false,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    config: { public: spec.public ?? false },
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    handler: async (req, reply) => {
      const params = parsePart(spec.params, req.params, 'params');
      const query = parsePart(spec.query, req.query, 'query');
      const body = parsePart(spec.body, req.body, 'body');
      const result = await spec.handler({ params, query, body }, req, reply);
      if (reply.sent) return reply;
      if (spec.successStatus) reply.code(spec.successStatus);
      return result;
    },
  });
}
