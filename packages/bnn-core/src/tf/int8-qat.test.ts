// Quantization-aware training of int8-precision layers: the tfjs model computes the graph's fake-quantized
// semantics (forwardGraphFloat is the oracle), training tracks the activation ranges on the training data, and
// the lowered int8 deploy graph (TFLite's integer arithmetic) gives the trained model's argmaxes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import {
  describeWeights,
  evaluateDeployGraphFloat,
  forwardGraphFloat,
  type GraphSpec,
  lower,
  randomWeights,
} from '../index.js';
import { createTrainer } from '../train/trainer.js';
import { initBackend } from './backend/init-backend.js';
import { buildModel } from './build-model.js';
import { chain } from './test-graphs.js';
import { extractWeights, predict } from './weights.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const ste = { id: 'ste_sign' };

/** int8 first conv → BN → binary conv → pool → BN → flatten → int8 dense. */
function int8Cnn(): GraphSpec {
  return chain(
    'int8-cnn',
    [8, 8, 1],
    [
      { type: 'Conv2D', params: { filters: 8, kernel_size: [3, 3], padding: 'same', precision: 'int8' } },
      { type: 'BatchNormalization', params: {} },
      {
        type: 'QuantConv2D',
        params: {
          filters: 8,
          kernel_size: [3, 3],
          padding: 'same',
          pad_values: 1,
          input_quantizer: ste,
          kernel_quantizer: ste,
          use_bias: false,
        },
      },
      { type: 'MaxPool2D', params: { pool_size: [2, 2] } },
      { type: 'BatchNormalization', params: {} },
      { type: 'Flatten', params: {} },
      { type: 'Dense', params: { units: 3, precision: 'int8' } },
      { type: 'Softmax', params: {} },
    ],
  );
}

function quadrants(n: number, seed: number): Dataset {
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  let s = seed;
  const r = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    const oy = k === 2 ? 4 : 0;
    const ox = k === 1 ? 4 : 0;
    for (let p = 0; p < 64; p++) {
      const h = Math.floor(p / 8);
      const w = p % 8;
      x[i * 64 + p] = (h >= oy && h < oy + 4 && w >= ox && w < ox + 4 ? 0.8 : 0.1) + 0.2 * r();
    }
  }
  return { name: 'quadrants', x, y, shape: [8, 8, 1], numClasses: 3, labels: ['a', 'b', 'c'] };
}

const argmaxes = (p: Float32Array, n: number) =>
  Array.from({ length: p.length / n }, (_, s) => {
    let best = 0;
    for (let i = 1; i < n; i++) if (p[s * n + i]! > p[s * n + best]!) best = i;
    return best;
  });

describe('int8 quantization-aware training', () => {
  it('the tfjs layers carry the range variables the graph declares', () => {
    const g = int8Cnn();
    const model = buildModel(g, { seed: 1 });
    const ours = extractWeights(model);
    model.dispose();
    const spec = describeWeights(g);
    for (const [node, vars] of Object.entries(spec)) {
      expect(Object.keys(ours[node]!).sort(), node).toEqual(Object.keys(vars).sort());
    }
    const conv = g.nodes.find((n) => n.type === 'Conv2D')!.id;
    expect(Object.keys(spec[conv]!)).toEqual(
      expect.arrayContaining(['input_min', 'input_max', 'output_min', 'output_max']),
    );
  });

  it('the tfjs forward pass is the fake-quantized graph semantics (forwardGraphFloat)', () => {
    const g = int8Cnn();
    const weights = randomWeights(g, 5);
    const data = quadrants(12, 9);
    const got = predict(g, weights, data.x, 12);
    const want = forwardGraphFloat(g, weights, data.x, 12)[0]!;
    expect(argmaxes(got, 3)).toEqual(argmaxes(want, 3));
    let close = 0;
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i]! - want[i]!) < 1e-3) close++;
    expect(close / want.length).toBeGreaterThan(0.9);
  });

  it('trains: ranges calibrated on the training split; the int8 deploy graph keeps the argmaxes', async () => {
    const g = int8Cnn();
    const train = quadrants(96, 1);
    const test = quadrants(60, 2);
    const trainer = createTrainer({
      graph: g,
      dataset: train,
      config: { epochs: 4, batchSize: 16, seed: 3, optimizer: { id: 'adam', learningRate: 0.01 } },
    });
    const result = await trainer.start();
    trainer.destroy();
    const w = result.weights;
    const conv = g.nodes.find((n) => n.type === 'Conv2D')!.id;
    const inMin = w[conv]!.input_min!.data[0]!;
    const inMax = w[conv]!.input_max!.data[0]!;
    // The raw training images lie in [0.1, 1.0]: the tracked input range follows them.
    expect(inMin).toBeGreaterThan(0.05);
    expect(inMin).toBeLessThan(0.2);
    expect(inMax).toBeGreaterThan(0.85);
    expect(inMax).toBeLessThan(1.05);
    expect(w[conv]!.output_max!.data[0]!).toBeGreaterThan(w[conv]!.output_min!.data[0]!);

    const deploy = lower(g, w);
    expect(deploy.ops.map((o) => o.op)).toEqual(
      expect.arrayContaining(['int8_quantize', 'int8_conv2d', 'int8_dense', 'int8_dequantize']),
    );
    const tfjs = argmaxes(predict(g, w, test.x, 60), 3);
    const deployed = argmaxes(evaluateDeployGraphFloat(deploy, test.x, 60)[0]!, 3);
    const agree = tfjs.filter((a, i) => a === deployed[i]).length / tfjs.length;
    expect(agree).toBeGreaterThanOrEqual(0.95);
    const accuracy = deployed.filter((a, i) => a === test.y[i]).length / 60;
    expect(accuracy).toBeGreaterThan(0.8);
  }, 120_000);
});
