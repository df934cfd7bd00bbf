import { createEngine } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from './preset-graphs.js';
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

  const presets = presetDeployGraphs(3);
  it('every preset: lower → .bnn → read → kernels gives the same outputs', async () => {
    for (const p of presets) {
      const bytes = writeBnn(p.deploy, { runId: 'preset-test', dataset: 'mnist' });
      const file = readBnn(bytes);
      expect(file.graph, p.id).toEqual(p.deploy);
      const n = p.deploy.tensors.find((t) => t.id === p.deploy.input)!.shape.reduce((a, b) => a * b, 1);
      const input = randomFloats(rng(9), 2 * n, 0, 1);
      const a = await createEngine(p.deploy, { backend: 'wasm' });
      const b = await createEngine(file.graph, { backend: 'wasm' });
      try {
        expect(b.run(input, 2), p.id).toEqual(a.run(input, 2));
      } finally {
        a.dispose();
        b.dispose();
      }
    }
  });
});
