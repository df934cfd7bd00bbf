import type { Architecture, ArchitectureVersion } from '../../generated/sqlite/client.js';

export function versionDto(v: ArchitectureVersion, withGraph: boolean) {
  return {
    id: v.id,
    architectureId: v.architectureId,
    version: v.version,
    graphSha256: v.graphSha256,
    createdAt: v.createdAt,
    summary: v.summaryJson ? (JSON.parse(v.summaryJson) as unknown) : null,
    ...(withGraph ? { graph: JSON.parse(v.graphJson) as unknown } : {}),
  };
}

export function architectureDto(a: Architecture & { versions?: ArchitectureVersion[] }, withGraphs = false) {
  return {
    id: a.id,
    name: a.name,
    projectId: a.projectId,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    ...(a.versions ? { versions: a.versions.map((v) => versionDto(v, withGraphs)) } : {}),
  };
}
