import { type DeployGraph, getPreset, listPresets, lower, randomWeights } from '@bnn-studio/bnn-core';

/**
 * Test support for the per-preset suites (QEMU bit-exactness, latency counts, device images): every preset as
 * `{ id, deploy }`, where `deploy()` lowers the preset with seeded random weights (seed 1) when the test runs,
 * not when it is collected.
 */
export function presetCases(): { id: string; deploy: () => DeployGraph }[] {
  return listPresets().map((p) => ({
    id: p.id,
    deploy: () => {
      const graph = getPreset(p.id);
      return lower(graph, randomWeights(graph, 1));
    },
  }));
}
