import { z } from 'zod';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphSpec, type ParamValue } from './graph-types.js';

/**
 * Runtime schema of the current graph document version. It accepts exactly the TypeScript types of
 * `graph-types.ts` (checked at compile time below). Objects are strict: an unknown key is an error, which keeps
 * the parsed document equal to its JSON text (exact round-trip).
 */
export const paramValueSchema: z.ZodType<ParamValue> = z.lazy(() =>
  z.union([
    z.number(),
    z.string(),
    z.boolean(),
    z.null(),
    z.array(z.number()),
    z.record(z.string(), paramValueSchema),
  ]),
);

const idSchema = z.string().min(1, 'ids must be non-empty').max(200, 'ids are at most 200 characters');

export const graphNodeSchema = z.strictObject({
  id: idSchema,
  type: z.string().min(1),
  params: z.record(z.string(), paramValueSchema),
  name: z.string().optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
});

export const graphEdgeSchema = z.strictObject({
  id: idSchema,
  source: idSchema,
  target: idSchema,
  targetPort: z.number().int().min(0).optional(),
});

export const graphSpecSchema = z.strictObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string(),
  description: z.string().optional(),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
  meta: z.record(z.string(), paramValueSchema).optional(),
});

// Compile-time check that the schema and the contract types agree in both directions.
type SchemaOut = z.infer<typeof graphSpecSchema>;
const _specToSchema = (g: GraphSpec): SchemaOut => g;
const _schemaToSpec = (g: SchemaOut): GraphSpec => g;
void _specToSchema;
void _schemaToSpec;

/** JSON Schema (draft 2020-12) of the graph document, e.g. for OpenAPI request bodies. */
export function graphJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(graphSpecSchema) as Record<string, unknown>;
}
