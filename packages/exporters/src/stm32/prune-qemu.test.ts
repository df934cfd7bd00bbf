/**
 * A pruned model still exports bit-exact: mnist-tiny pruned by 30 % of its binary channels (bnn-core
 * `pruneModel`) lowers, builds as an STM32L4 bundle, passes `make qemu-test` on the emulated Cortex-M4 (every
 * golden output bit for bit) and costs fewer instructions per inference than the unpruned model.
 * (Seeded random weights: the instruction count depends on the shapes only. Trained weights: the pruning bench,
 * src/bench/prune-qemu.ts.)
 */
import { getPreset, lower, pruneModel, randomWeights } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { buildStm32Bundle } from './bundle.js';
import { limiter } from './limit.js';
import { verifyStm32Bundle } from './verify.js';

const limit = limiter(1);

describe('a pruned model on the emulated STM32L4', () => {
  it('passes make qemu-test bit-exact and counts fewer instructions than the unpruned model', async () => {
    const graph = getPreset('mnist-tiny');
    const weights = randomWeights(graph, 7);
    const pruned = pruneModel(graph, weights, { fraction: 0.3 });
    expect(pruned.report.binaryMacsRemoved).toBeGreaterThan(0.3);
    const verify = (g: typeof graph, w: typeof weights) =>
      limit(async () => {
        const { zip } = await buildStm32Bundle(lower(g, w), { goldenCount: 1 });
        return verifyStm32Bundle(zip, { countInstructions: true });
      });
    const before = await verify(graph, weights);
    const after = await verify(pruned.graph, pruned.weights);
    expect(before.passed, before.log).toBe(true);
    expect(after.passed, after.log).toBe(true);
    expect(after.log).toMatch(/vector \d+: 0 mismatching values/);
    expect(after.instructions!).toBeLessThan(before.instructions!);
  }, 600_000);
});
