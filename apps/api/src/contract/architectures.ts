import type { GraphSpec } from '@bnn-studio/bnn-core';
import { z } from 'zod';
import { IsoDate } from './common.js';

/** A graph document as stored (bnn-core's GraphSpec; validated by parseGraph when it was saved). */
export const GraphDocument = z
  .custom<GraphSpec>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      Array.isArray((v as { nodes?: unknown }).nodes) &&
      Array.isArray((v as { edges?: unknown }).edges),
    'expected a graph document with nodes and edges',
  )
  .meta({ description: "bnn-core GraphSpec (see packages/bnn-core's graph schema)", type: 'object' });

/** bnn-core's inferGraph result stored with a version (shapes, sizes, MACs, issues); null when not inferred. */
export const GraphSummary = z.looseObject({
  order: z.array(z.string()),
  totals: z.looseObject({ modelSizeBytes: z.number().optional() }),
  issues: z.array(
    z.looseObject({ code: z.string(), severity: z.enum(['error', 'warning']), message: z.string() }),
  ),
});
export type GraphSummary = z.infer<typeof GraphSummary>;

export const ArchitectureVersion = z.object({
  id: z.string(),
  architectureId: z.string(),
  version: z.number().int(),
  graphSha256: z.string(),
  createdAt: IsoDate,
  summary: GraphSummary.nullable(),
});
export type ArchitectureVersion = z.infer<typeof ArchitectureVersion>;

export const ArchitectureVersionWithGraph = ArchitectureVersion.extend({ graph: GraphDocument });
export type ArchitectureVersionWithGraph = z.infer<typeof ArchitectureVersionWithGraph>;

export const Architecture = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string().nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Architecture = z.infer<typeof Architecture>;

/** GET /api/architectures */
export const ArchitectureListResponse = z.object({
  architectures: z.array(
    Architecture.extend({ versionCount: z.number().int(), latestVersion: ArchitectureVersion.nullable() }),
  ),
});
export type ArchitectureListResponse = z.infer<typeof ArchitectureListResponse>;
/** POST /api/architectures: the architecture with its version 1. */
export const ArchitectureCreateResponse = z.object({
  architecture: Architecture.extend({ versions: z.array(ArchitectureVersion) }),
  version: ArchitectureVersionWithGraph,
});
export type ArchitectureCreateResponse = z.infer<typeof ArchitectureCreateResponse>;
/** GET /api/architectures/:id: every version with its graph. */
export const ArchitectureResponse = z.object({
  architecture: Architecture.extend({ versions: z.array(ArchitectureVersionWithGraph) }),
});
/** POST /api/architectures/:id/versions */
export const VersionCreateResponse = z.object({ version: ArchitectureVersionWithGraph });
export type VersionCreateResponse = z.infer<typeof VersionCreateResponse>;
/** GET /api/architecture-versions/:id */
export const VersionResponse = z.object({
  version: ArchitectureVersionWithGraph.extend({ architectureName: z.string() }),
});
export type VersionResponse = z.infer<typeof VersionResponse>;
