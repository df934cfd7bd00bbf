/**
 * What the composer shows beside flash and RAM: the deployed model's latency per node and in total (exporters'
 * latency model: a cost table from exact QEMU instruction counts, a documented cycles-per-instruction figure per
 * target) and its firmware memory (the STM32L4 bundle's own arena plan and constant bytes). Both need the lowered
 * deploy graph: the graph is lowered with seeded placeholder weights (sizes and costs do not depend on their
 * values). Cached per graph object (graphs are immutable in the composer store), so every panel can ask.
 */
import { type GraphSpec, lower, randomWeights, validateGraph } from '@bnn-studio/bnn-core';
import {
  estimateFirmwareMemory,
  estimateLatency,
  type FirmwareMemory,
  LATENCY_TARGETS,
  type LatencyEstimate,
} from '@bnn-studio/exporters/latency';
import type { TargetId } from './targets';

export interface DeployEstimate {
  memory: FirmwareMemory;
  latency: Record<TargetId, LatencyEstimate>;
}

export type DeployEstimateResult = { ok: true; estimate: DeployEstimate } | { ok: false; error: string };

const cache = new WeakMap<GraphSpec, DeployEstimateResult>();

/** Lowers `graph` and estimates its deployment (memory, latency on every target); a result, never a throw. */
export function estimateDeployment(graph: GraphSpec): DeployEstimateResult {
  const hit = cache.get(graph);
  if (hit) return hit;
  let result: DeployEstimateResult;
  try {
    if (validateGraph(graph).some((i) => i.severity === 'error')) {
      result = { ok: false, error: 'Fix the graph errors to see the latency and firmware memory estimate.' };
    } else {
      const deploy = lower(graph, randomWeights(graph, 1));
      result = {
        ok: true,
        estimate: {
          memory: estimateFirmwareMemory(deploy),
          latency: {
            stm32l4r9: estimateLatency(deploy, LATENCY_TARGETS.stm32l4r9),
            xcore: estimateLatency(deploy, LATENCY_TARGETS.xcore),
          },
        },
      };
    }
  } catch (e) {
    result = { ok: false, error: `Deployment estimate unavailable: ${(e as Error).message}` };
  }
  cache.set(graph, result);
  return result;
}
