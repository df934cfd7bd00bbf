/**
 * Latency of each run's architecture for the dashboard's accuracy-vs-latency plot: the architecture versions of
 * the listed runs are fetched once each (GET /api/architecture-versions/:id through `getArchitectureVersion`),
 * then lowered and estimated like the composer does (lib/deploy-estimate.ts; cached per graph).
 */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { useEffect, useMemo, useState } from 'react';
import { estimateDeployment } from '../lib/deploy-estimate';
import { getArchitectureVersion, type RunSummary } from '../lib/studio-api';
import type { TargetId } from '../lib/targets';

/** At most this many architecture versions are fetched for one page of runs. */
export const MAX_VERSIONS = 60;

/** Estimated ms per run id on `target`, for the runs whose architecture graph is known and deployable. */
export function runLatencies(
  runs: readonly Pick<RunSummary, 'id' | 'architectureVersionId'>[],
  graphs: ReadonlyMap<string, GraphSpec | null>,
  target: TargetId,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of runs) {
    const g = graphs.get(r.architectureVersionId);
    if (!g) continue;
    const est = estimateDeployment(g);
    if (est.ok) out.set(r.id, est.estimate.latency[target].ms);
  }
  return out;
}

/** Fetches the runs' architecture graphs while `enabled` and returns their latency estimates per run id. */
export function useRunLatencies(
  runs: readonly RunSummary[],
  target: TargetId,
  enabled: boolean,
): Map<string, number> {
  const [graphs, setGraphs] = useState<ReadonlyMap<string, GraphSpec | null>>(new Map());
  useEffect(() => {
    if (!enabled) return;
    const missing = [...new Set(runs.map((r) => r.architectureVersionId))]
      .filter((id) => !graphs.has(id))
      .slice(0, MAX_VERSIONS);
    if (missing.length === 0) return;
    let cancelled = false;
    Promise.all(
      missing.map((id) =>
        getArchitectureVersion(id).then(
          (v) => [id, v.graph] as const,
          () => [id, null] as const,
        ),
      ),
    ).then((pairs) => {
      if (cancelled) return;
      setGraphs((prev) => new Map([...prev, ...pairs]));
    });
    return () => {
      cancelled = true;
    };
  }, [runs, enabled, graphs]);
  return useMemo(
    () => (enabled ? runLatencies(runs, graphs, target) : new Map()),
    [runs, graphs, target, enabled],
  );
}
