import type { GraphSpec } from '@bnn-studio/bnn-core';
import type {
  Architecture as ArchitectureOut,
  GraphSummary,
  ArchitectureVersion as VersionOut,
  ArchitectureVersionWithGraph as VersionWithGraphOut,
} from '../../contract/architectures.js';
import type { Architecture, ArchitectureVersion } from '../../generated/sqlite/client.js';
import type { Wire } from '../../lib/route.js';

/** A version as the API returns it; `withGraph` adds the graph document. */
export function versionDto(v: ArchitectureVersion, withGraph: false): Wire<VersionOut>;
export function versionDto(v: ArchitectureVersion, withGraph: true): Wire<VersionWithGraphOut>;
export function versionDto(
  v: ArchitectureVersion,
  withGraph: boolean,
): Wire<VersionOut> | Wire<VersionWithGraphOut> {
  const version: Wire<VersionOut> = {
    id: v.id,
    architectureId: v.architectureId,
    version: v.version,
    graphSha256: v.graphSha256,
    createdAt: v.createdAt,
    summary: v.summaryJson ? (JSON.parse(v.summaryJson) as Wire<GraphSummary>) : null,
  };
  return withGraph ? { ...version, graph: JSON.parse(v.graphJson) as GraphSpec } : version;
}

export function architectureDto(a: Architecture): Wire<ArchitectureOut> {
  return { id: a.id, name: a.name, projectId: a.projectId, createdAt: a.createdAt, updatedAt: a.updatedAt };
}
