import { createEngine } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { readBnn } from './read-bnn.js';
import { buildMixedGraph, randomFloats, rng } from './test-graphs.js';
import { writeBnn } from './write-bnn.js';

describe('@bnn-studio/kernels runs a .bnn directly', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    it(`${backend}: the read-back graph (views into the file) gives bit-identical outputs`, async () => {
      const graph = buildMixedGraph(21, { size: 10, channels: 40, classes: 5, inChannels: 2 });
      const file = readBnn(writeBnn(graph, { runId: 'r1' }));
      const batch = 3;
      const input = randomFloats(rng(4), batch * 10 * 10 * 2, -1, 1);
      const original = await createEngine(graph, { backend });
      const fromFile = await createEngine(file.graph, { backend });
      try {
        const a = original.run(input, batch);
        const b = fromFile.run(input, batch);
        expect(b).toHaveLength(1);
        expect(b[0]!.length).toBe(batch * 5);
        expect(b).toEqual(a);
        expect(b[0]!.every(Number.isFinite)).toBe(true);
      } finally {
        original.dispose();
        fromFile.dispose();
      }
    });
  }
});
