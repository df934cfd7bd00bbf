/**
 * Imported models in the composer: every preset exported to .tflite and imported back raises to studio layers
 * (bnn-core `raiseDeployGraph`) whose lowering computes the imported graph's outputs; an LCE-layout int8 BNN with
 * a binary convolution of int8 output does not map, and says which operator and why.
 */
import {
  type DeployGraph,
  evaluateDeployGraphFloat,
  lower,
  raiseDeployGraph,
  seededRandom,
} from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from '../../bnn/preset-graphs.js';
import { writeTflite } from '../write-tflite.js';
import { importTflite } from './import-tflite.js';
import { lceInt8Bnn } from './lce-fixtures.js';

function expectSameOutputs(a: DeployGraph, b: DeployGraph, seed: number, batch = 3): void {
  const n = a.tensors.find((t) => t.id === a.input)!.shape.reduce((x, y) => x * y, 1);
  const rand = seededRandom(seed);
  const x = Float32Array.from({ length: n * batch }, () => rand() * 2 - 0.5);
  const ya = evaluateDeployGraphFloat(a, x, batch);
  const yb = evaluateDeployGraphFloat(b, x, batch);
  expect(yb.length).toBe(ya.length);
  for (const [i, y] of ya.entries()) expect(Array.from(yb[i]!)).toEqual(Array.from(y));
}

describe('imported .tflite → studio graph', () => {
  for (const { id, deploy } of presetDeployGraphs(2)) {
    it(`${id}: exported, imported and raised, lowers back to the same outputs`, () => {
      const imported = importTflite(writeTflite(deploy, { profile: 'arm' })).graph!;
      const r = raiseDeployGraph(imported);
      if (!r.maps) throw new Error(`${id} does not map: ${JSON.stringify(r.refused)}`);
      expectSameOutputs(imported, lower(r.graph, r.weights), 7);
    });
  }

  it('an LCE int8 BNN does not map: the first refused op is named with the reason', () => {
    const imported = importTflite(lceInt8Bnn(7, false).bytes).graph!;
    const r = raiseDeployGraph(imported);
    expect(r.maps).toBe(false);
    if (r.maps) return;
    expect(r.refused.length).toBeGreaterThan(0);
    const first = r.refused[0]!;
    expect(imported.ops[first.opIndex]!.op).toBe(first.op);
    expect(first.message).toMatch(/studio/);
  });
});
