/**
 * Round trips: every .tflite the studio writes imports back to the deploy graph it was written from (arm), and
 * the xcore files import to int8 graphs that re-export to the same bytes.
 */
import { type DeployGraph, randomInt8DeployGraph } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from '../../bnn/preset-graphs.js';
import { buildMixedGraph, buildXcoreGraph, buildZooGraph, randomFloats, rng } from '../../bnn/test-graphs.js';
import { calibrateTflite } from '../calibrate.js';
import { listTfliteRefusals } from '../profile-rules.js';
import { writeTflite } from '../write-tflite.js';
import { importTflite } from './import-tflite.js';
import { int8ElementwiseGraph } from './lce-fixtures.js';

/** The graph without what a .tflite does not carry (name, labels, sourceNode of ops without constants). */
function normalized(g: DeployGraph) {
  return {
    input: g.input,
    outputs: g.outputs,
    tensors: [...g.tensors].sort((a, b) => a.id.localeCompare(b.id)),
    // padValue is ignored with 'valid' padding (the writer stores pad_values 0 then).
    ops: g.ops.map(({ sourceNode: _s, ...rest }) =>
      'padValue' in rest && rest.padding === 'valid' ? { ...rest, padValue: 0 } : rest,
    ),
  };
}

describe('arm .tflite round trip', () => {
  const presets = presetDeployGraphs(1);
  const cases: { id: string; deploy: DeployGraph }[] = [
    ...presets,
    { id: 'mixed', deploy: buildMixedGraph(11, { size: 12, channels: 32, classes: 10 }) },
    ...[1, 2, 3].map((seed) => ({ id: `int8 fixture ${seed}`, deploy: randomInt8DeployGraph(seed).graph })),
    { id: 'int8 mul/add', deploy: int8ElementwiseGraph() },
  ];
  for (const { id, deploy } of cases) {
    it(`${id}: imports back to an identical deploy graph`, () => {
      const bytes = writeTflite(deploy, { profile: 'arm' });
      const r = importTflite(bytes);
      expect(r.refused).toEqual([]);
      expect(r.graph).not.toBeNull();
      expect(normalized(r.graph!)).toEqual(normalized(deploy));
      // And writes the same bytes again.
      expect(writeTflite(r.graph!, { profile: 'arm' })).toEqual(bytes);
    });
  }

  it('zoo graph: the binary depthwise conv, written as float plumbing, is refused naming its operator', () => {
    const deploy = buildZooGraph(3);
    const bytes = writeTflite(deploy, { profile: 'arm' });
    const r = importTflite(bytes);
    // bdepthwise_conv2d is written LceDequantize → PADV2(1.0) → DEPTHWISE_CONV_2D (±1 weights): the +1 padding of a
    // float map has no deploy op, so the importer refuses it rather than guess the binary layer back.
    expect(r.graph).toBeNull();
    expect(r.refused).toHaveLength(1);
    const [x] = r.refused;
    expect(x!.op).toBe('DEPTHWISE_CONV_2D');
    expect(x!.message).toMatch(/PAD\/PADV2 operator \d+/);
    expect(x!.supported).toMatch(/zero/);
    expect(r.operators[x!.operatorIndex]!.became).toEqual(['refused']);
  });
});

describe('xcore .tflite import', () => {
  it('the xcore export of every preset the profile accepts imports whole, and re-exports (tflite-xcore, no calibration needed) to a file that imports to the identical graph', async () => {
    const cases = presetDeployGraphs(1).filter((p) => listTfliteRefusals(p.deploy, 'xcore').length === 0);
    expect(cases.map((c) => c.id)).toEqual(
      expect.arrayContaining(['quicknet-28', 'quicknet-96', 'vww-quicknet']),
    );
    for (const { id, deploy } of cases) {
      const n = deploy.tensors.find((t) => t.id === deploy.input)!.shape.reduce((a, b) => a * b, 1);
      const calibration = await calibrateTflite(deploy, {
        data: randomFloats(rng(7), 4 * n, 0, 1),
        batch: 4,
      });
      const r = importTflite(writeTflite(deploy, { profile: 'xcore', calibration }));
      expect(r.refused, id).toEqual([]);
      const g = r.graph!;
      // global average pooling is TFLite's int8 MEAN, the head TFLite's int8 SOFTMAX
      expect(
        g.ops.map((o) => o.op),
        id,
      ).toEqual(expect.arrayContaining(['int8_mean', 'int8_softmax']));
      expect(
        g.tensors.filter((t) => t.kind === 'float32').map((t) => t.id),
        id,
      ).toEqual([g.input]);
      // The imported graph is all int8 after its input: the xcore writer takes the input's quantization from its
      // int8_quantize and writes no QUANTIZE for it, so no calibration is needed.
      const again = writeTflite(g, { profile: 'xcore' });
      const back = importTflite(again);
      expect(back.refused, id).toEqual([]);
      expect(normalized(back.graph!), id).toEqual(normalized(g));
      expect(writeTflite(back.graph!, { profile: 'xcore' }), id).toEqual(again);
      // and through the arm profile too
      const arm = importTflite(writeTflite(g, { profile: 'arm' }));
      expect(normalized(arm.graph!), id).toEqual(normalized(g));
    }
  });

  it('int8 MUL/ADD by constants (the xcore scale_shift) import as int8_mul / int8_add; nothing is refused', async () => {
    const cases = [
      ...presetDeployGraphs(1).filter((p) => listTfliteRefusals(p.deploy, 'xcore').length === 0),
      { id: 'xcore graph', deploy: buildXcoreGraph(5) },
    ];
    expect(cases.map((c) => c.id)).toEqual(expect.arrayContaining(['quicknet-28', 'xcore graph']));
    let imported = 0;
    for (const { id, deploy } of cases) {
      const n = deploy.tensors.find((t) => t.id === deploy.input)!.shape.reduce((a, b) => a * b, 1);
      const calibration = await calibrateTflite(deploy, {
        data: randomFloats(rng(5), 4 * n, 0, 1),
        batch: 4,
      });
      const bytes = writeTflite(deploy, { profile: 'xcore', calibration });
      const r = importTflite(bytes);
      // The studio's scale_shift becomes TFLite int8 MUL + ADD with per-channel INT8 constants: int8_mul / int8_add.
      const ops = r.operators.map((o) => `${o.op}:${o.became.join('+')}`);
      expect(ops.filter((o) => o.startsWith('MUL:')).length, id).toBeGreaterThan(0);
      for (const o of ops.filter((o) => o.startsWith('MUL:') || o.startsWith('ADD:')))
        expect(o, id).toMatch(/^(MUL:(int8_mul|skipped)|ADD:(int8_add|skipped))$/);
      imported += ops.filter((o) => o === 'MUL:int8_mul').length;
      // Nothing is refused: int8 RELU / QUANTIZE of another quantization are int8_requantize, int8 MEAN is
      // int8_mean, and the writer's int8 → int8 view of an int8_dequantize is QUANTIZE.
      expect(r.refused, id).toEqual([]);
    }
    expect(imported).toBeGreaterThan(0);
  });
});
