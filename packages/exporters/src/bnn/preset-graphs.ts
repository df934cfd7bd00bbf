/**
 * The studio's presets lowered to DeployGraphs with seeded random weights, for tests and benchmarks.
 * Uses bnn-core's `lower` and `randomWeights` when this build of bnn-core has them (looked up at run time so
 * this package keeps building while bnn-core grows); returns null otherwise.
 */

import type { DeployGraph, GraphSpec, WeightMap } from '@bnn-studio/bnn-core';
import * as core from '@bnn-studio/bnn-core';

type Lower = (graph: GraphSpec, weights: WeightMap) => DeployGraph;
type RandomWeights = (graph: GraphSpec, seed: number) => WeightMap;

export interface PresetDeploy {
  id: string;
  deploy: DeployGraph;
}

export function presetDeployGraphs(seed = 1): PresetDeploy[] | null {
  const c = core as unknown as Record<string, unknown>;
  const lower = c.lower as Lower | undefined;
  const randomWeights = c.randomWeights as RandomWeights | undefined;
  if (typeof lower !== 'function' || typeof randomWeights !== 'function') return null;
  return core.listPresets().map((p) => {
    const graph = core.getPreset(p.id);
    return { id: p.id, deploy: lower(graph, randomWeights(graph, seed)) };
  });
}
