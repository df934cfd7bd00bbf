// Whole model: the engine on a lowered preset must give the same argmax as the tfjs model on 100 % of the MNIST
// test split, with logits within 1e-4 relative. BatchNorm statistics are randomised (as training would leave
// them: varied thresholds, negative scales that flip filters) so the test does not rely on an initial state.
import { type DeployGraph, getPreset, lower, type WeightMap } from '@bnn-studio/bnn-core';
import * as bnnTf from '@bnn-studio/bnn-core/tf';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnistTestSplit } from '../test-support/mnist.js';
import { Rng } from '../test-support/random.js';
import { createEngine } from './engine.js';

/** Presets and how many test images each runs (binarynet-cnn is 3× larger: a prefix keeps the suite short). */
const PRESETS: [string, number | null][] = [
  ['mnist-tiny', null],
  ['larq-mnist', null],
  ['binarynet-cnn', 400],
];

beforeAll(async () => {
  await bnnTf.initBackend('wasm');
});

function randomiseBatchNorm(w: WeightMap, seed: number): void {
  const rng = new Rng(seed);
  for (const tensors of Object.values(w)) {
    if (!('moving_mean' in tensors)) continue;
    const n = tensors.moving_mean!.data.length;
    tensors.moving_mean!.data = rng.floats(n, 8);
    tensors.moving_variance!.data = Float32Array.from({ length: n }, () => 0.5 + 20 * rng.next());
    if (tensors.gamma)
      tensors.gamma.data = Float32Array.from(
        { length: n },
        () => (rng.next() < 0.2 ? -1 : 1) * (0.2 + rng.next()),
      );
    if (tensors.beta) tensors.beta.data = rng.floats(n, 1);
  }
}

/** The deploy graph cut before its final softmax (the logits), as the tfjs logits model is. */
function logitsGraph(deploy: DeployGraph): DeployGraph {
  const last = deploy.ops[deploy.ops.length - 1]!;
  return last.op === 'softmax'
    ? { ...deploy, outputs: [last.inputs[0]!], ops: deploy.ops.slice(0, -1) }
    : deploy;
}

const argmax = (a: Float32Array, from: number, n: number) => {
  let best = from;
  for (let i = from + 1; i < from + n; i++) if (a[i]! > a[best]!) best = i;
  return best - from;
};

describe('whole model: engine vs TensorFlow.js on the MNIST test split', () => {
  for (const [id, limit] of PRESETS) {
    it(`${id}: same argmax on ${limit ? `the first ${limit}` : 'every'} test image${limit ? 's' : ''}, logits within 1e-4 relative`, async () => {
      const split = mnistTestSplit();
      const count = limit ?? split.count;
      const x = split.x.subarray(0, count * 784);
      const graph = getPreset(id);
      const model = bnnTf.buildModel(graph, { seed: 11 });
      const weights = bnnTf.extractWeights(model, graph);
      randomiseBatchNorm(weights, 5);
      bnnTf.loadWeights(model, weights);
      const deploy = logitsGraph(lower(graph, weights));
      const classes = 10;
      const theirs = bnnTf.runModel(bnnTf.modelInfo(model).logitsModel, x, count);
      model.dispose();
      const engine = await createEngine(deploy);
      const ours = engine.run(x, count)[0]!;
      expect(ours.length).toBe(count * classes);
      let mismatches = 0;
      let worst = 0;
      for (let s = 0; s < count; s++) {
        if (argmax(ours, s * classes, classes) !== argmax(theirs, s * classes, classes)) mismatches++;
        let scale = 0;
        for (let c = 0; c < classes; c++) scale = Math.max(scale, Math.abs(theirs[s * classes + c]!));
        for (let c = 0; c < classes; c++) {
          const i = s * classes + c;
          worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!) / Math.max(scale, 1e-6));
        }
      }
      expect(mismatches, `${mismatches} of ${count} argmax mismatches`).toBe(0);
      expect(worst).toBeLessThanOrEqual(1e-4);
      // and the reference backend agrees with the wasm one exactly
      const reference = await createEngine(deploy, { backend: 'reference' });
      expect(Array.from(reference.run(x.subarray(0, 784 * 50), 50)[0]!)).toEqual(
        Array.from(ours.subarray(0, 500)),
      );
      engine.dispose();
    });
  }
});
