import type { DeployGraph } from '@bnn-studio/bnn-core';
import { createEngine } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from '../bnn/preset-graphs.js';
import { readBnn } from '../bnn/read-bnn.js';
import {
  buildMixedGraph,
  buildXcoreGraph,
  buildZooGraph,
  GraphBuilder,
  randomFloats,
  rng,
} from '../bnn/test-graphs.js';
import { writeBnn } from '../bnn/write-bnn.js';
import { ExportRefusedError } from '../errors.js';
import { randomDeployGraph } from '../firmware/random-graph.js';
import { calibrateTflite } from './calibrate.js';
import { flatcDump } from './flatc-dump.js';
import { listTfliteRefusals } from './profile-rules.js';
import { readTflite } from './read-tflite.js';
import { TensorType } from './schema.js';
import { TfliteInterpreter } from './tflite-interpreter.js';
import { writeTflite } from './write-tflite.js';

/**
 * The exported .tflite computes what the studio computes: a reference interpreter of the written operators
 * (LCE semantics for the custom ops) against @bnn-studio/kernels' reference engine on the DeployGraph.
 */
async function compareArm(deploy: DeployGraph, seed: number, samples = 2): Promise<number> {
  const inShape = deploy.tensors.find((t) => t.id === deploy.input)!.shape;
  const n = inShape.reduce((a, b) => a * b, 1);
  const engine = await createEngine(deploy, { backend: 'reference' });
  const interp = new TfliteInterpreter(writeTflite(deploy, { profile: 'arm' }));
  let worst = 0;
  try {
    for (let s = 0; s < samples; s++) {
      const x = randomFloats(rng(seed + s), n, -1, 1);
      const want = engine.run(x, 1);
      const got = interp.run(x);
      expect(got).toHaveLength(want.length);
      want.forEach((w, k) => {
        expect(got[k]!.length).toBe(w.length);
        for (let i = 0; i < w.length; i++)
          worst = Math.max(worst, Math.abs(got[k]![i]! - w[i]!) / (1 + Math.abs(w[i]!)));
      });
    }
  } finally {
    engine.dispose();
  }
  return worst;
}

describe('.tflite (arm) computes what the kernels compute', () => {
  it('mixed graphs (bit-packed and float outputs, one-padding, binary pool and dense)', async () => {
    expect(await compareArm(buildMixedGraph(3, { size: 12, channels: 32 }), 1)).toBeLessThan(1e-4);
    expect(
      await compareArm(buildMixedGraph(4, { size: 9, channels: 45, inChannels: 3, classes: 4 }), 2),
    ).toBeLessThan(1e-4);
  });

  it('binary convs with zero-padding, strides and dilations', async () => {
    const b = new GraphBuilder(rng(12), [7, 7, 40]);
    const q = b.add({ op: 'quantize', sourceNode: 'q', inputs: ['input'] }, [7, 7, 40], 'bitpacked');
    const zero = b.bconv2d('zero_pad_stride2', q, {
      cout: 24,
      strides: [2, 2],
      padding: 'same',
      padValue: 0,
      transform: () => b.floatTransform(24, 'none', 'relu'),
    });
    const dil = b.bconv2d('one_pad_dilated', q, {
      cout: 33,
      dilations: [2, 2],
      padding: 'same',
      padValue: 1,
      transform: () => b.thresholds(33, 9 * 40),
    });
    const dq = b.add({ op: 'dequantize', sourceNode: 'dq', inputs: [dil] }, [7, 7, 33], 'float32');
    const g = b.graph('convs', [zero, dq]);
    expect(await compareArm(g, 4, 2)).toBeLessThan(1e-4);
  });

  it('a zero-padded binary conv with a ReLU clamp is not fused (LCE refuses it): LceBconv2d, RELU, MUL, ADD', async () => {
    const b = new GraphBuilder(rng(21), [6, 6, 32]);
    const q = b.add({ op: 'quantize', sourceNode: 'q', inputs: ['input'] }, [6, 6, 32], 'bitpacked');
    const y = b.bconv2d('zero_pad_relu', q, {
      cout: 16,
      padding: 'same',
      padValue: 0,
      transform: () => b.floatTransform(16, 'relu', 'relu'),
    });
    const g = b.graph('zero_pad_relu', [y]);
    const m = readTflite(writeTflite(g, { profile: 'arm' }));
    const ops = m.subgraphs[0]!.operators;
    expect(ops.map((o) => o.opName)).toEqual(['LceQuantize', 'LceBconv2d', 'RELU', 'MUL', 'ADD']);
    expect(ops[1]!.customOptionsDecoded).toMatchObject({
      padding: 0,
      pad_values: 0,
      fused_activation_function: 0,
    });
    expect(ops[4]!.builtinOptions).toMatchObject({ fused_activation_function: 1 });
    expect(await compareArm(g, 6, 3)).toBeLessThan(1e-4);
    // One-padding keeps the fused form.
    const b1 = new GraphBuilder(rng(21), [6, 6, 32]);
    const q1 = b1.add({ op: 'quantize', sourceNode: 'q', inputs: ['input'] }, [6, 6, 32], 'bitpacked');
    const y1 = b1.bconv2d('one_pad_relu', q1, {
      cout: 16,
      padding: 'same',
      padValue: 1,
      transform: () => b1.floatTransform(16, 'relu', 'none'),
    });
    const ops1 = readTflite(writeTflite(b1.graph('one_pad_relu', [y1]), { profile: 'arm' })).subgraphs[0]!
      .operators;
    expect(ops1.map((o) => o.opName)).toEqual(['LceQuantize', 'LceBconv2d']);
    expect(ops1[1]!.customOptionsDecoded).toMatchObject({ pad_values: 1, fused_activation_function: 1 });
  });

  it('20 random deploy graphs (every bit-packed and float path the generator makes), bnn + tflite', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const g = randomDeployGraph(seed);
      expect(await compareArm(g, seed, 1), `seed ${seed}`).toBeLessThan(1e-4);
      expect(readBnn(writeBnn(g, { runId: `seed-${seed}` })).graph).toEqual(g);
      const refusals = listTfliteRefusals(g, 'xcore');
      for (const r of refusals) expect(g.ops.some((o) => o.sourceNode === r.nodeId)).toBe(true);
    }
  });

  it('the other op kinds (binary depthwise, dequantize, concat, pools, PReLU, leaky/hard tanh)', async () => {
    expect(await compareArm(buildZooGraph(5), 3, 3)).toBeLessThan(1e-4);
  });

  const presets = presetDeployGraphs(7);
  it('every preset', async () => {
    for (const p of presets) {
      const worst = await compareArm(p.deploy, 11, 1);
      expect(worst, p.id).toBeLessThan(1e-4);
      const dump = flatcDump(writeTflite(p.deploy, { profile: 'arm' }));
      expect(dump.subgraphs[0].operators.length, p.id).toBe(
        readTflite(writeTflite(p.deploy, { profile: 'arm' })).subgraphs[0]!.operators.length,
      );
    }
  });

  it('every preset either exports for xcore or is refused with a node of the graph', async () => {
    for (const p of presets) {
      const refusals = listTfliteRefusals(p.deploy, 'xcore');
      const nodes = new Set(p.deploy.ops.map((o) => o.sourceNode));
      for (const r of refusals) {
        expect(nodes.has(r.nodeId), `${p.id}: ${r.nodeId}`).toBe(true);
        expect(r.fix.length).toBeGreaterThan(10);
      }
      if (refusals.length > 0) {
        expect(() => writeTflite(p.deploy, { profile: 'xcore', calibration: { ranges: {} } })).toThrow(
          ExportRefusedError,
        );
        continue;
      }
      const n = p.deploy.tensors.find((t) => t.id === p.deploy.input)!.shape.reduce((a, b) => a * b, 1);
      const calibration = await calibrateTflite(p.deploy, {
        data: randomFloats(rng(2), 4 * n, 0, 1),
        batch: 4,
      });
      const m = readTflite(writeTflite(p.deploy, { profile: 'xcore', calibration }));
      const sg = m.subgraphs[0]!;
      expect(sg.tensors[sg.inputs[0]!]!.type, p.id).toBe(TensorType.INT8);
      for (const op of sg.operators) {
        expect(['LceDequantize', 'LceBMaxPool2d']).not.toContain(op.opName);
        if (op.opName === 'LceQuantize') expect(sg.tensors[op.inputs[0]!]!.type).toBe(TensorType.INT8);
        if (op.opName === 'LceBconv2d') {
          expect(op.customOptionsDecoded).toMatchObject({ padding: 1, pad_values: 0 });
          expect((op.customOptionsDecoded!.channels_in as number) % 32).toBe(0);
        }
      }
    }
  });
});

describe('.tflite (xcore, int8) stays close to the float model', () => {
  it('int8-simulated outputs track the kernels on calibration-like inputs', async () => {
    const deploy = buildXcoreGraph(5);
    const n = 10 * 10 * 3;
    const calibration = await calibrateTflite(deploy, {
      data: randomFloats(rng(1), 64 * n, 0, 1),
      batch: 64,
    });
    const interp = new TfliteInterpreter(writeTflite(deploy, { profile: 'xcore', calibration }));
    const engine = await createEngine(deploy, { backend: 'reference' });
    try {
      const errs: number[] = [];
      let agree = 0;
      const trials = 16;
      for (let s = 0; s < trials; s++) {
        const x = randomFloats(rng(100 + s), n, 0, 1);
        const want = engine.run(x, 1)[0]!;
        const got = interp.run(x)[0]!;
        const argmax = (v: Float32Array) => v.indexOf(Math.max(...v));
        if (argmax(want) === argmax(got)) agree++;
        errs.push(Math.max(...Array.from(want, (w, i) => Math.abs(w - got[i]!))));
      }
      // int8 rounding may flip a sign before a binary layer now and then; the answer must not drift.
      expect(agree).toBeGreaterThanOrEqual(trials - 2);
      expect(Math.max(...errs)).toBeLessThan(0.05);
    } finally {
      engine.dispose();
    }
  });
});

describe('.tflite (xcore, int8) float builtins', () => {
  it('depthwise, hard_tanh, concat, avg-pool, PReLU, add, flatten, dense stay within int8 error of float', async () => {
    const b = new GraphBuilder(rng(8), [6, 6, 4]);
    const r = b.r;
    const dw = b.add(
      {
        op: 'depthwise_conv2d',
        sourceNode: 'dw',
        inputs: ['input'],
        filter: randomFloats(r, 9 * 4),
        bias: randomFloats(r, 4, -0.2, 0.2),
        channels: 4,
        depthMultiplier: 1,
        kernel: [3, 3],
        strides: [1, 1],
        dilations: [1, 1],
        padding: 'same',
        activation: 'none',
      },
      [6, 6, 4],
      'float32',
    );
    const ht = b.add({ op: 'hard_tanh', sourceNode: 'ht', inputs: [dw] }, [6, 6, 4], 'float32');
    const cat = b.add({ op: 'concat', sourceNode: 'cat', inputs: [ht, 'input'] }, [6, 6, 8], 'float32');
    const ap = b.add(
      { op: 'avgpool2d', sourceNode: 'ap', inputs: [cat], pool: [2, 2], strides: [2, 2], padding: 'valid' },
      [3, 3, 8],
      'float32',
    );
    const pr = b.add(
      { op: 'prelu', sourceNode: 'pr', inputs: [ap], alpha: randomFloats(r, 8, 0, 0.3) },
      [3, 3, 8],
      'float32',
    );
    const sum = b.add({ op: 'add', sourceNode: 'sum', inputs: [pr, ap] }, [3, 3, 8], 'float32');
    const fl = b.add({ op: 'reshape', sourceNode: 'flat', inputs: [sum] }, [72], 'float32');
    const logits = b.add(
      {
        op: 'dense',
        sourceNode: 'head',
        inputs: [fl],
        weights: randomFloats(r, 72 * 6),
        bias: null,
        inChannels: 72,
        outChannels: 6,
        activation: 'none',
      },
      [6],
      'float32',
    );
    const deploy = b.graph('xcore-float', [logits]);
    const n = 6 * 6 * 4;
    const calibration = await calibrateTflite(deploy, {
      data: randomFloats(rng(2), 32 * n, -1, 1),
      batch: 32,
    });
    const bytes = writeTflite(deploy, { profile: 'xcore', calibration });
    const m = readTflite(bytes);
    expect(m.subgraphs[0]!.operators.map((o) => o.opName)).toEqual([
      'DEPTHWISE_CONV_2D',
      'MINIMUM',
      'MAXIMUM',
      'CONCATENATION',
      'AVERAGE_POOL_2D',
      'PRELU',
      'ADD',
      'RESHAPE',
      'FULLY_CONNECTED',
    ]);
    const sg = m.subgraphs[0]!;
    // Ops that need equal input/output parameters get them.
    const concat = sg.operators[3]!;
    for (const i of concat.inputs)
      expect(sg.tensors[i]!.quantization!.scale).toEqual(sg.tensors[concat.outputs[0]!]!.quantization!.scale);
    const interp = new TfliteInterpreter(bytes);
    const engine = await createEngine(deploy, { backend: 'reference' });
    try {
      const outScale = sg.tensors[sg.outputs[0]!]!.quantization!.scale[0]!;
      for (let s = 0; s < 4; s++) {
        const x = randomFloats(rng(50 + s), n, -1, 1);
        const want = engine.run(x, 1)[0]!;
        const got = interp.run(x)[0]!;
        // A handful of int8 steps of the output: rounding of inputs, weights and every intermediate.
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(12 * outScale);
      }
    } finally {
      engine.dispose();
    }
    expect(flatcDump(bytes).subgraphs[0].operators).toHaveLength(9);
  });
});

describe('.tflite (xcore) ReLU after a binary conv whose int8 range is shared', () => {
  it('keeps an explicit RELU when the output range (tied by concat) goes below 0', async () => {
    const b = new GraphBuilder(rng(21), [4, 4, 32]);
    const q = b.add({ op: 'quantize', sourceNode: 'bconv', inputs: ['input'] }, [4, 4, 32], 'bitpacked');
    const bc = b.bconv2d('bconv', q, {
      cout: 32,
      kernel: [1, 1],
      padding: 'valid',
      padValue: 0,
      transform: () => b.floatTransform(32, 'relu', 'relu'),
    });
    const cat = b.add({ op: 'concat', sourceNode: 'cat', inputs: [bc, 'input'] }, [4, 4, 64], 'float32');
    const deploy = b.graph('relu-tied', [cat]);
    const n = 4 * 4 * 32;
    const calibration = await calibrateTflite(deploy, {
      data: randomFloats(rng(3), 16 * n, -1, 1),
      batch: 16,
    });
    const bytes = writeTflite(deploy, { profile: 'xcore', calibration });
    expect(readTflite(bytes).subgraphs[0]!.operators.map((o) => o.opName)).toEqual([
      'LceQuantize',
      'LceBconv2d',
      'RELU',
      'CONCATENATION',
    ]);
    const engine = await createEngine(deploy, { backend: 'reference' });
    try {
      // Inputs away from 0, so int8 rounding of the input cannot flip a sign before the binary conv.
      const x = randomFloats(rng(4), n, -1, 1).map((v) => Math.sign(v) * (0.05 + 0.95 * Math.abs(v)));
      const want = engine.run(x, 1)[0]!;
      const got = new TfliteInterpreter(bytes).run(x)[0]!;
      const scale =
        readTflite(bytes).subgraphs[0]!.tensors[readTflite(bytes).subgraphs[0]!.outputs[0]!]!.quantization!
          .scale[0]!;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(scale);
    } finally {
      engine.dispose();
    }
  });
});
