// The cost of a candidate on a target before training (docs/auto-size-search.md §2): bnn-core's packed size plus
// the exporters' firmware estimate (flash, RAM of the STM32L4 bundle's arena plan and constants) and latency
// model, from the graph lowered with seeded placeholder weights (sizes and costs do not depend on their values).
import {
  type CandidateCost,
  type CandidateParams,
  deployedShapeGraph,
  candidateGraph as familyGraph,
  type GraphSpec,
  lower,
  packedCost,
  randomWeights,
  type TrunkIO,
} from '@bnn-studio/bnn-core';
import { estimateFirmwareMemory, estimateLatency, LATENCY_TARGETS } from '@bnn-studio/exporters/latency';
import type { SearchTarget } from '../../contract/searches.js';

/** The graph a candidate trains (before pruning), built by its family (bnn-core `SEARCH_FAMILY_DEFS`). */
export function candidateGraph(params: CandidateParams, io: TrunkIO): GraphSpec {
  return familyGraph(params, io);
}

/** Packed bytes, flash, RAM and latency of the model a candidate deploys (pruned when it prunes). */
export function candidateCost(params: CandidateParams, io: TrunkIO, target: SearchTarget): CandidateCost {
  const deployed = deployedShapeGraph(candidateGraph(params, io), params.prune);
  const cost = packedCost(deployed);
  const deploy = lower(deployed, randomWeights(deployed, 1));
  const memory = estimateFirmwareMemory(deploy);
  const latency = estimateLatency(deploy, LATENCY_TARGETS[target]);
  return {
    ...cost,
    flashBytes: memory.flashBytes,
    ramBytes: memory.ramBytes,
    latencyMs: Math.round(latency.ms * 1000) / 1000,
  };
}
