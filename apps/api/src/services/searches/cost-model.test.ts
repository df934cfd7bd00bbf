// Cost before training for every family: each candidate of a seeded sample of a wide space (every first/last
// precision, quantizer and a prune fraction) lowers and gets the target's flash, RAM and latency estimates.
import { drawCandidate, packedCost, parseSearchSpace, Rng, SEARCH_FAMILIES } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { candidateCost, candidateGraph } from './cost-model.js';

const io = { inputShape: [28, 28, 1], classes: 10 };

describe.each(SEARCH_FAMILIES)('candidateCost (%s)', (family) => {
  it('estimates every candidate of a seeded sample on both targets; pruning lowers the cost', () => {
    const r = parseSearchSpace({
      family,
      firstLayer: ['float', 'int8', 'binary-kernel'],
      lastLayer: ['binary', 'float', 'int8'],
      quantizers: ['ste_sign', 'approx_sign', 'swish_sign'],
      prune: [0, 0.5],
    });
    if (!r.ok) throw new Error(r.issues.join('; '));
    const rng = new Rng(5);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const d = drawCandidate(r.space, rng, seen)!;
      seen.add(d.key);
      for (const target of ['stm32l4r9', 'xcore'] as const) {
        const cost = candidateCost(d.params, io, target);
        expect(cost.flashBytes!, d.key).toBeGreaterThan(cost.packedBytes);
        expect(cost.ramBytes!, d.key).toBeGreaterThan(0);
        expect(cost.latencyMs!, d.key).toBeGreaterThan(0);
      }
      const full = packedCost(candidateGraph({ ...d.params, prune: 0 }, io));
      const cost = candidateCost(d.params, io, 'stm32l4r9');
      if (d.params.prune > 0) expect(cost.binaryMacs!).toBeLessThan(full.binaryMacs!);
      else expect(cost.packedBytes).toBe(full.packedBytes);
    }
  });
});
