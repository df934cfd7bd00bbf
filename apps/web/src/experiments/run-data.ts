/** Loads everything a run page shows: the run, its metric points (as epoch rows) and its architecture graph. */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { getArchitectureVersion, getRun, getRunMetrics, type RunWithMetrics } from '../lib/studio-api';
import type { EpochMetrics } from '../train/protocol';
import { mergePoints } from '../train/training-store';

export interface RunData {
  run: RunWithMetrics;
  epochs: EpochMetrics[];
  graph: GraphSpec | null;
}

export async function loadRunData(id: string): Promise<RunData> {
  const [run, points] = await Promise.all([getRun(id), getRunMetrics(id).catch(() => [])]);
  const graph: GraphSpec | null = await getArchitectureVersion(run.architectureVersionId)
    .then((v) => v.graph)
    .catch(() => null);
  return { run, epochs: mergePoints([], points), graph };
}
