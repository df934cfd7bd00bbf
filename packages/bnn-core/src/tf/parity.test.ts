import { beforeAll, describe, expect, it } from 'vitest';
import { describeWeights, forwardGraphFloat, getPreset, listPresets, randomWeights } from '../index.js';
import { initBackend } from './backend/init-backend.js';
import { buildModel } from './build-model.js';
import { residualGraph } from './test-graphs.js';
import { extractWeights, predict } from './weights.js';

// The tfjs model must compute what the graph means: core-spec's plain-float reference forward pass
// (forwardGraphFloat, Larq/Keras semantics) is the oracle, on every preset and on a DAG using most layer types.

beforeAll(async () => {
  await initBackend('cpu');
});

function input(n: number, per: number, seed: number): Float32Array {
  const x = new Float32Array(n * per);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s >>> 8) / 2 ** 24;
  }
  return x;
}

const graphs = [
  ...listPresets()
    .filter((p) => p.inputShape[0]! <= 28)
    .map((p) => getPreset(p.id)),
  residualGraph(),
];

describe('tfjs model vs the graph reference forward pass', () => {
  for (const graph of graphs) {
    it(`${graph.name}: same weight names and shapes, same outputs`, () => {
      const model = buildModel(graph, { seed: 1 });
      const ours = extractWeights(model);
      model.dispose();
      const spec = describeWeights(graph);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(spec).sort());
      for (const [node, vars] of Object.entries(spec)) {
        for (const [name, shape] of Object.entries(vars))
          expect(ours[node]![name]!.shape, `${node}/${name}`).toEqual(shape);
      }
      const weights = randomWeights(graph, 7);
      const shape = graph.nodes.find((n) => n.type === 'Input')!.params.shape as number[];
      const per = shape.reduce((a, b) => a * b, 1);
      const x = input(2, per, 3);
      const got = predict(graph, weights, x, 2);
      const want = forwardGraphFloat(graph, weights, x, 2)[0]!;
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
    });
  }
});
