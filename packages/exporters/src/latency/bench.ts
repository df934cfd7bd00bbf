/**
 * Bench cases of the latency model (src/bench/index.ts): the estimate against the exact QEMU count, for the
 * presets (counted by the preset cases) and 20 random architectures (firmware/random-graph.ts seeds 1–20).
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import type { BenchCase } from '../bench/formats.js';
import { randomDeployGraph } from '../firmware/random-graph.js';
import { estimateLatency, LATENCY_TARGETS } from './estimate.js';
import { countGraphInstructions } from './measure.js';

/** One case: the estimate (value) against the QEMU count (baseline); ratio = estimate / count. */
export function latencyCase(name: string, deploy: DeployGraph, counted: number): BenchCase {
  const est = estimateLatency(deploy, 'stm32l4r9');
  const t = LATENCY_TARGETS.stm32l4r9;
  return {
    case: `${name}: latency model estimate (${(est.ms).toFixed(2)} ms on ${t.label} at ${t.cyclesPerInstruction} cycles/instruction)`,
    metric: 'instructions per inference, estimate vs exact QEMU count (ratio within 0.9–1.1 asked)',
    value: est.instructions,
    unit: 'instructions',
    baseline: 'QEMU instruction count (TCG plugin)',
    baselineValue: counted,
    ratio: est.instructions / counted,
  };
}

export async function latencyRandomCases(
  seeds: readonly number[] = Array.from({ length: 20 }, (_, i) => i + 1),
): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  for (const seed of seeds) {
    const deploy = randomDeployGraph(seed);
    const counted = await countGraphInstructions(deploy, seed);
    cases.push(latencyCase(`random architecture ${seed}`, deploy, counted.total));
  }
  return cases;
}
