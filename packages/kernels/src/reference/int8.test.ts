// Seeded fuzzing: the int8 kernels (reference backend, and the WASM backend's int8 entries) must equal bnn-core's
// oracle (evaluateDeployGraphFloat: plain loops over TFLite's integer definitions) on every tensor of random
// graphs that use every int8 op. A failing case reports its seed; add it to REGRESSION_SEEDS.
import {
  type DeployGraph,
  evaluateDeployGraphFloat,
  type Int8Conv2DOp,
  randomInt8DeployGraph,
} from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.js';
import { int8AddReference, int8BitpackReference, int8Conv2dReference, int8Pool2dReference } from './int8.js';

const REGRESSION_SEEDS: number[] = [];
const SEEDS = [...REGRESSION_SEEDS, ...Array.from({ length: 60 }, (_, i) => 1000 + i)];

/** The fixture with every tensor but the input as a graph output (int8 ones come back as their integers). */
function everyTensorOut(g: DeployGraph): DeployGraph {
  return { ...g, outputs: g.tensors.filter((t) => t.id !== g.input).map((t) => t.id) };
}

describe('int8 kernels equal the oracle bit for bit (seeded fuzz)', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    it(`${backend} backend: every tensor of random int8 graphs`, async () => {
      for (const seed of SEEDS) {
        const { graph, input, batch } = randomInt8DeployGraph(seed, 3);
        const g = everyTensorOut(graph);
        const expected = evaluateDeployGraphFloat(g, input, batch);
        const engine = await createEngine(g, { backend });
        const got = engine.run(input, batch);
        engine.dispose();
        g.outputs.forEach((id, i) => {
          expect([...got[i]!], `seed ${seed}, tensor ${id}`).toEqual([...expected[i]!]);
        });
      }
    });
  }
});

describe('int8 reference kernels: edge cases', () => {
  const q = (scale: number, zeroPoint: number) => ({ scale: Math.fround(scale), zeroPoint });

  it('conv saturates at both ends, and a fused ReLU clamps at the output zero point', () => {
    const op: Int8Conv2DOp = {
      op: 'int8_conv2d',
      sourceNode: 'c',
      inputs: ['x'],
      outputs: ['y'],
      filter: Int8Array.from([127, -127, 1]),
      filterScales: Float32Array.from([1, 1, 1]),
      bias: null,
      inChannels: 1,
      outChannels: 3,
      kernel: [1, 1],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'valid',
      activation: 'none',
    };
    const x = Int8Array.from([127]);
    const inQ = q(1, -128); // x − zp = 255
    const outQ = q(1, 10);
    expect([...int8Conv2dReference(x, 1, 1, op, inQ, outQ)]).toEqual([127, -128, 127]);
    const relu = int8Conv2dReference(
      Int8Array.from([-128]),
      1,
      1,
      { ...op, activation: 'relu' },
      q(1, 0),
      outQ,
    );
    // acc = [−16256, 16256, −128] → +10 → clamp to [10, 127]
    expect([...relu]).toEqual([10, 127, 10]);
  });

  it("'same' padding skips out-of-bounds taps (they read the input zero point)", () => {
    const op: Int8Conv2DOp = {
      op: 'int8_conv2d',
      sourceNode: 'c',
      inputs: ['x'],
      outputs: ['y'],
      filter: new Int8Array(9).fill(1),
      filterScales: Float32Array.from([1]),
      bias: null,
      inChannels: 1,
      outChannels: 1,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'same',
      activation: 'none',
    };
    // every input equals the zero point → every tap contributes 0, also at the borders
    const y = int8Conv2dReference(new Int8Array(4).fill(-5), 2, 2, op, q(0.5, -5), q(1, 3));
    expect([...y]).toEqual([3, 3, 3, 3]);
  });

  it('LceQuantize from int8 marks q < zero point, tail bits 0', () => {
    const x = Int8Array.from([-3, -2, -1, 0, 127, -128]);
    expect([...int8BitpackReference(x, 3, -1)]).toEqual([0b011, 0b100]);
    expect([...int8BitpackReference(x, 6, -1)]).toEqual([0b100011]);
  });

  it('average pool rounds half away from zero; add requantizes both inputs', () => {
    const pool = int8Pool2dReference(Int8Array.from([1, 2, -1, -2]), 1, 2, 2, {
      op: 'int8_avgpool2d',
      sourceNode: 'p',
      inputs: ['x'],
      outputs: ['y'],
      pool: [1, 2],
      strides: [1, 1],
      padding: 'valid',
    });
    // (1 + −1)/2 = 0; (2 + −2)/2 = 0
    expect([...pool]).toEqual([0, 0]);
    const pool2 = int8Pool2dReference(Int8Array.from([1, -4, 2, -3]), 1, 2, 2, {
      op: 'int8_avgpool2d',
      sourceNode: 'p',
      inputs: ['x'],
      outputs: ['y'],
      pool: [1, 2],
      strides: [1, 1],
      padding: 'valid',
    });
    // 3/2 = 1.5 → 2; −7/2 = −3.5 → −4
    expect([...pool2]).toEqual([2, -4]);
    const sum = int8AddReference(
      Int8Array.from([100, -128]),
      Int8Array.from([100, -128]),
      q(1, 0),
      q(1, 0),
      q(1, 0),
      'none',
    );
    expect([...sum]).toEqual([127, -128]);
  });
});
