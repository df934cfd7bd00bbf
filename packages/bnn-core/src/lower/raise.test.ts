// raiseDeployGraph: every preset, lowered with seeded random weights, raises to a studio graph whose lowering
// computes the same outputs; graphs with ops the studio has no layer for are refused op by op.
import { describe, expect, it } from 'vitest';
import type { DeployGraph } from '../deploy/deploy-types.js';
import { evaluateDeployGraphFloat } from '../eval/evaluate-deploy.js';
import { randomInt8DeployGraph } from '../eval/int8-fixtures.js';
import { randomWeights } from '../eval/weight-specs.js';
import { seededRandom } from '../math/rng.js';
import { getPreset, listPresets } from '../presets/presets.js';
import { lower } from './lower.js';
import { raiseDeployGraph } from './raise.js';

/** Both graphs' outputs on the same seeded batch. */
function sameOutputs(a: DeployGraph, b: DeployGraph, seed: number, batch = 3): void {
  const shape = a.tensors.find((t) => t.id === a.input)!.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  const rand = seededRandom(seed);
  const x = Float32Array.from({ length: n * batch }, () => rand() * 2 - 0.5);
  const ya = evaluateDeployGraphFloat(a, x, batch);
  const yb = evaluateDeployGraphFloat(b, x, batch);
  expect(yb.length).toBe(ya.length);
  for (const [i, y] of ya.entries()) expect(Array.from(yb[i]!)).toEqual(Array.from(y));
}

describe('raiseDeployGraph', () => {
  for (const { id } of listPresets()) {
    it(`${id}: the raised graph lowers to the same outputs`, () => {
      const graph = getPreset(id);
      const deploy = lower(graph, randomWeights(graph, 3));
      const r = raiseDeployGraph(deploy);
      if (!r.maps) throw new Error(JSON.stringify(r.refused));
      sameOutputs(deploy, lower(r.graph, r.weights), 5);
    });
  }

  it('refuses int8 layers whose weights are off the studio grid, and int8 ADD, naming each op', () => {
    const { graph } = randomInt8DeployGraph(1);
    const r = raiseDeployGraph(graph);
    expect(r.maps).toBe(false);
    if (r.maps) return;
    expect(r.refused[0]).toMatchObject({ op: 'int8_conv2d', message: expect.stringMatching(/grid/) });
    for (const x of r.refused) expect(graph.ops[x.opIndex]!.op).toBe(x.op);

    const q = { scale: 0.05, zeroPoint: -3 };
    const add: DeployGraph = {
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'add',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [4], kind: 'float32' },
        { id: 'xq', shape: [4], kind: 'int8', quant: q },
        { id: 's', shape: [4], kind: 'int8', quant: q },
        { id: 'y', shape: [4], kind: 'float32' },
      ],
      ops: [
        { op: 'int8_quantize', sourceNode: 'q', inputs: ['x'], outputs: ['xq'] },
        { op: 'int8_add', sourceNode: 'a', inputs: ['xq', 'xq'], outputs: ['s'], activation: 'none' },
        { op: 'int8_dequantize', sourceNode: 'd', inputs: ['s'], outputs: ['y'] },
      ],
    };
    expect(raiseDeployGraph(add)).toEqual({
      maps: false,
      refused: [
        {
          opIndex: 1,
          op: 'int8_add',
          sourceNode: 'a',
          message: expect.stringMatching(/requantizes its sum/),
        },
      ],
    });
  });

  it('refuses an op kind it does not know', () => {
    const graph = getPreset('mnist-tiny');
    const deploy = lower(graph, randomWeights(graph, 1));
    const i = deploy.ops.findIndex((o) => o.op === 'softmax');
    const changed = {
      ...deploy,
      ops: deploy.ops.map((o, j) => (j === i ? { ...o, op: 'int8_softmax' } : o)),
    };
    const r = raiseDeployGraph(changed as unknown as DeployGraph);
    expect(r).toEqual({
      maps: false,
      refused: [
        {
          opIndex: i,
          op: 'int8_softmax',
          sourceNode: deploy.ops[i]!.sourceNode,
          message: 'the studio has no layer for this op.',
        },
      ],
    });
  });
});
