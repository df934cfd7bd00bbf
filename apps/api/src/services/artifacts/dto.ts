import type { Artifact } from '../../generated/sqlite/client.js';

export function artifactDto(a: Artifact) {
  return {
    id: a.id,
    sha256: a.sha256,
    bytes: a.bytes,
    filename: a.filename,
    kind: a.kind,
    target: a.target,
    mediaType: a.mediaType,
    runId: a.runId,
    createdAt: a.createdAt,
    downloadUrl: `/api/artifacts/${a.id}/download`,
  };
}
