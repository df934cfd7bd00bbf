/**
 * TFLite's RELU6 (float, standalone and fused into CONV_2D / DEPTHWISE_CONV_2D / ADD / FULLY_CONNECTED) and
 * HARD_SWISH (float and int8), imported from files in LCE's converter layout (`lce-fixtures.ts`): the deploy ops
 * they become, what the imported graph computes (kernels' reference engine) against independent references
 * (plain double loops of TFLite's float formulas; the BigInt TFLite/LCE reference `../tflite-int8-reference.ts`
 * for int8), round trips, and refusals of what TFLite would refuse.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { runDeployGraph } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { readBnn } from '../../bnn/read-bnn.js';
import { rng } from '../../bnn/test-graphs.js';
import { writeBnn } from '../../bnn/write-bnn.js';
import { TfliteModelBuilder } from '../model-builder.js';
import { readTflite } from '../read-tflite.js';
import { BuiltinOperator as Op, TensorType } from '../schema.js';
import { at, type Map3, refBconvDots, runTfliteInt8Reference } from '../tflite-int8-reference.js';
import { writeTflite } from '../write-tflite.js';
import { importTflite } from './import-tflite.js';
import { lceFloatActivations, lceInt8HardSwish, randInt } from './lce-fixtures.js';

const relu6 = (v: number) => Math.min(Math.max(v, 0), 6);
const hardSwish = (v: number) => (v * Math.min(6, Math.max(0, v + 3))) / 6;

/** The float model of `lceFloatActivations` in plain double loops (TFLite's float semantics). */
function floatReference(p: ReturnType<typeof lceFloatActivations>['params'], xin: number[]): number[] {
  const X: Map3 = { h: 6, w: 6, c: 4, d: xin };
  const conv: number[] = [];
  for (let oy = 0; oy < 6; oy++)
    for (let ox = 0; ox < 6; ox++)
      for (let o = 0; o < 8; o++) {
        let acc = p.b1[o]!;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy + ky - 1;
            const ix = ox + kx - 1;
            if (iy < 0 || ix < 0 || iy >= 6 || ix >= 6) continue;
            for (let i = 0; i < 4; i++) acc += p.w1[((o * 3 + ky) * 3 + kx) * 4 + i]! * at(X, iy, ix, i);
          }
        conv.push(relu6(acc));
      }
  const H: Map3 = { h: 6, w: 6, c: 8, d: conv.map(hardSwish) };
  const s: number[] = [];
  for (let oy = 0; oy < 6; oy++)
    for (let ox = 0; ox < 6; ox++)
      for (let c = 0; c < 8; c++) {
        let acc = p.bd[c]!;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy + ky - 1;
            const ix = ox + kx - 1;
            if (iy < 0 || ix < 0 || iy >= 6 || ix >= 6) continue;
            acc += p.wd[(ky * 3 + kx) * 8 + c]! * at(H, iy, ix, c);
          }
        const a = relu6(at(H, oy, ox, c) + relu6(acc));
        s.push(a + p.shift[c]!);
      }
  const signs: Map3 = { h: 6, w: 6, c: 8, d: s.map((v) => (v < 0 ? -1 : 1)) };
  const d = refBconvDots(signs, { bits: p.bits, kh: 3, kw: 3 }, false, 0, 1, 1);
  const flat = d.dot.map((dot, i) => relu6(p.mult[i % 16]! * dot + p.bias[i % 16]!));
  return Array.from({ length: 5 }, (_, o) => {
    let acc = p.bf[o]!;
    for (let i = 0; i < 256; i++) acc += p.wf[o * 256 + i]! * flat[i]!;
    return hardSwish(relu6(acc));
  });
}

/** `.bnn` round trip, and the WASM engine (these ops run their reference kernels on its heap) equal to the
 * reference engine bit for bit on the same inputs. */
async function bnnAndWasm(graph: DeployGraph, inputs: Float32Array[]): Promise<void> {
  const file = readBnn(writeBnn(graph));
  expect(file.version).toEqual({ major: 1, minor: 5 });
  expect(file.graph.ops.map((o) => o.op)).toEqual(graph.ops.map((o) => o.op));
  for (const x of inputs) {
    const [a] = await runDeployGraph(graph, x, { backend: 'reference' });
    const [b] = await runDeployGraph(file.graph, x, { backend: 'wasm' });
    expect(Array.from(b!)).toEqual(Array.from(a!));
  }
}

/** The graph without what a .tflite does not carry (name, labels, sourceNode). */
function normalized(g: DeployGraph) {
  return {
    input: g.input,
    outputs: g.outputs,
    tensors: [...g.tensors].sort((a, b) => a.id.localeCompare(b.id)),
    ops: g.ops.map(({ sourceNode: _s, ...rest }) => rest),
  };
}

describe('importTflite: float RELU6 and HARD_SWISH', () => {
  const { bytes, params } = lceFloatActivations(4);
  const r = importTflite(bytes);

  it('maps standalone and fused RELU6 (split off as an exact relu6) and HARD_SWISH to their deploy ops', () => {
    expect(r.refused).toEqual([]);
    expect(r.operators.map((o) => `${o.op}:${o.became.join('+')}`)).toEqual([
      'CONV_2D:conv2d+relu6',
      'HARD_SWISH:hard_swish',
      'DEPTHWISE_CONV_2D:depthwise_conv2d+relu6',
      'ADD:add+relu6',
      'ADD:scale_shift',
      'LceQuantize:quantize',
      'LceBconv2d:bconv2d',
      'RELU6:relu6',
      'RESHAPE:reshape',
      'FULLY_CONNECTED:dense+relu6',
      'HARD_SWISH:hard_swish',
    ]);
    expect(r.graph!.ops.find((o) => o.op === 'conv2d')).toMatchObject({ activation: 'none' });
  });

  it('computes what TFLite computes (plain double loops of its float formulas)', async () => {
    const r2 = rng(9);
    let clamped = 0;
    for (let sample = 0; sample < 4; sample++) {
      const x = Float32Array.from({ length: 6 * 6 * 4 }, () => r2() * 4 - 2);
      const [out] = await runDeployGraph(r.graph!, x, { backend: 'reference' });
      const want = floatReference(params, Array.from(x));
      for (let i = 0; i < 5; i++) expect(out![i]).toBeCloseTo(want[i]!, 4);
      clamped += want.filter((v) => v === 6 || v === 0).length;
    }
    expect(clamped).toBeGreaterThan(0); // the clamps of RELU6 / HARD_SWISH are exercised
  });

  it('.bnn round trip; the WASM engine equals the reference engine bit for bit', async () => {
    const r2 = rng(10);
    await bnnAndWasm(
      r.graph!,
      [0, 1, 2].map(() => Float32Array.from({ length: 6 * 6 * 4 }, () => r2() * 4 - 2)),
    );
  });

  it('round trip: the written .tflite imports back to an identical deploy graph and the same bytes', () => {
    const written = writeTflite(r.graph!, { profile: 'arm' });
    const back = importTflite(written);
    expect(back.refused).toEqual([]);
    expect(normalized(back.graph!)).toEqual(normalized(r.graph!));
    expect(writeTflite(back.graph!, { profile: 'arm' })).toEqual(written);
  });
});

describe('importTflite: int8 HARD_SWISH', () => {
  const { bytes, inQ } = lceInt8HardSwish(5);
  const r = importTflite(bytes);

  it('maps HARD_SWISH int8 to int8_hard_swish', () => {
    expect(r.refused).toEqual([]);
    expect(r.operators.filter((o) => o.op === 'HARD_SWISH').map((o) => o.became)).toEqual([
      ['int8_hard_swish'],
      ['int8_hard_swish'],
    ]);
  });

  it('matches the BigInt TFLite/LCE reference bit for bit on seeded inputs (extreme values included)', async () => {
    const model = readTflite(bytes);
    const outIdx = model.subgraphs[0]!.outputs[0]!;
    const r2 = rng(12);
    for (let sample = 0; sample < 6; sample++) {
      const xq = Array.from({ length: 6 * 6 * 3 }, (_, i) =>
        sample === 0 ? (i % 2 ? 127 : -128) : randInt(r2, -128, 127),
      );
      const want = runTfliteInt8Reference(model, xq).values.get(outIdx)!;
      const xf = Float32Array.from(xq, (v) => Math.fround(inQ.s * (v - inQ.z)));
      const [out] = await runDeployGraph(r.graph!, xf, { backend: 'reference' });
      expect(Array.from(out!)).toEqual(want);
    }
  });

  it('round trip: the written .tflite imports back to an identical deploy graph and the same bytes', () => {
    const written = writeTflite(r.graph!, { profile: 'arm' });
    const back = importTflite(written);
    expect(back.refused).toEqual([]);
    expect(normalized(back.graph!)).toEqual(normalized(r.graph!));
    expect(writeTflite(back.graph!, { profile: 'arm' })).toEqual(written);
  });

  it('.bnn round trip; the WASM engine equals the reference engine bit for bit', async () => {
    const r2 = rng(13);
    await bnnAndWasm(
      r.graph!,
      [0, 1, 2].map(() =>
        Float32Array.from({ length: 6 * 6 * 3 }, () => Math.fround(inQ.s * (randInt(r2, -128, 127) - inQ.z))),
      ),
    );
  });

  it('refuses scales TensorFlow Lite refuses, and HARD_SWISH of bit-packed data, naming the operator', () => {
    const mb = new TfliteModelBuilder();
    const q = (s: number, z: number) => ({ scale: [Math.fround(s)], zeroPoint: [z] });
    const x = mb.addTensor('x', [1, 16], TensorType.INT8, q(1, 0));
    const y = mb.addTensor('y', [1, 16], TensorType.INT8, q(1 / 512, 0)); // s_in / s_out = 512 ≥ 128
    mb.addBuiltin(Op.HARD_SWISH, 1, [x], [y]);
    mb.inputs = [x];
    mb.outputs = [y];
    const bad = importTflite(mb.serialize());
    expect(bad.graph).toBeNull();
    expect(bad.refused).toEqual([
      expect.objectContaining({
        operatorIndex: 0,
        op: 'HARD_SWISH',
        message: expect.stringMatching(/too large/),
        supported: expect.stringMatching(/output a scale/),
      }),
    ]);
  });
});
