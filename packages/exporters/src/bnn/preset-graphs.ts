/** The studio's presets lowered to DeployGraphs with seeded random weights, for tests and benchmarks. */
import { type DeployGraph, getPreset, listPresets, lower, randomWeights } from '@bnn-studio/bnn-core';

export interface PresetDeploy {
  id: string;
  deploy: DeployGraph;
}

export function presetDeployGraphs(seed = 1): PresetDeploy[] {
  return listPresets().map((p) => {
    const graph = getPreset(p.id);
    return { id: p.id, deploy: lower(graph, randomWeights(graph, seed)) };
  });
}
