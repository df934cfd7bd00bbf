import type { RunDetail, RunLocation, RunResults, RunStatus, RunSummary } from '../../contract/runs.js';
import type { Run } from '../../generated/sqlite/client.js';
import type { Wire } from '../../lib/route.js';

const parse = (s: string | null | undefined): unknown => (s ? JSON.parse(s) : null);

/** A run as the API returns it (contract RunSummary); `detail` adds the config snapshot, options and results. */
export function runDto(r: Run): Wire<RunSummary>;
export function runDto(r: Run, detail: true): Wire<RunDetail>;
export function runDto(r: Run, detail = false): Wire<RunSummary> | Wire<RunDetail> {
  const summary: Wire<RunSummary> = {
    id: r.id,
    name: r.name,
    // The database stores the values the services write (RUN_STATUSES, server|browser).
    status: r.status as RunStatus,
    location: r.location as RunLocation,
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
  };
  if (!detail) return summary;
  return {
    ...summary,
    config: parse(r.configJson) as Record<string, unknown>,
    options: parse(r.optionsJson) as Record<string, unknown>,
    results: parse(r.resultJson) as RunResults | null,
    cancelRequested: r.cancelRequested,
  };
}

export const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
