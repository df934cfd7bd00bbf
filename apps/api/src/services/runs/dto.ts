import type { Run } from '../../generated/sqlite/client.js';

const parse = (s: string | null | undefined): unknown => (s ? JSON.parse(s) : null);

/** A run as the API returns it; `detail` adds the config snapshot and options. */
export function runDto(r: Run, detail = false) {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    location: r.location,
    projectId: r.projectId,
    architectureVersionId: r.architectureVersionId,
    datasetId: r.datasetId,
    seed: r.seed,
    epochs: r.epochs,
    epochsDone: r.epochsDone,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    finalAccuracy: r.finalAccuracy,
    finalLoss: r.finalLoss,
    packedBytes: r.packedBytes,
    error: r.error,
    attempts: r.attempts,
    hasWeights: !!r.weightsSha256,
    ...(detail
      ? {
          config: parse(r.configJson),
          options: parse(r.optionsJson),
          results: parse(r.resultJson),
          cancelRequested: r.cancelRequested,
        }
      : {}),
  };
}

export const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
