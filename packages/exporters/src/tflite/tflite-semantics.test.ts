import type { DeployGraph } from '@bnn-studio/bnn-core';
import { createEngine } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from '../bnn/preset-graphs.js';
import { buildMixedGraph, buildXcoreGraph, buildZooGraph, randomFloats, rng } from '../bnn/test-graphs.js';
import { ExportRefusedError } from '../errors.js';
import { calibrateTflite } from './calibrate.js';
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

  it('the other op kinds (binary depthwise, dequantize, concat, pools, PReLU, leaky/hard tanh)', async () => {
    expect(await compareArm(buildZooGraph(5), 3, 3)).toBeLessThan(1e-4);
  });

  const presets = presetDeployGraphs(7);
  it.runIf(presets !== null)('every preset', async () => {
    for (const p of presets!) {
      const worst = await compareArm(p.deploy, 11, 1);
      expect(worst, p.id).toBeLessThan(1e-4);
    }
  });

  it.runIf(presets !== null)(
    'every preset either exports for xcore or is refused with a node of the graph',
    async () => {
      for (const p of presets!) {
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
    },
  );
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
