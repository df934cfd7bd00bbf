import { z } from 'zod';

/** GET /api/health (200 when the database answers, 503 with the same shape when it does not). */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    ok: z.boolean(),
    provider: z.enum(['sqlite', 'postgresql']),
    error: z.string().optional(),
  }),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /api/openapi.json: an OpenAPI 3.1 document. */
export const OpenApiResponse = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
