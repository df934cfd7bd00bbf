// tflite-xcore for every preset (issue #14): each preset either yields a file that xformer / LCE / TFLite's int8
// kernels take (xcoreFileProblems on the file read back, and flatc reads it) or is refused with an
// ExportRefusedError naming one of its nodes, the rule and the fix (the API answers it as 422 export_refused).
// Untrained (seeded random) weights: the structure decides.
import { getPreset, listPresets, lower, randomWeights, withFirstLastPrecision } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { randomFloats, rng } from '../bnn/test-graphs.js';
import { ExportRefusedError } from '../errors.js';
import { calibrateTflite } from './calibrate.js';
import { flatcDump } from './flatc-dump.js';
import { listTfliteRefusals } from './profile-rules.js';
import { readTflite } from './read-tflite.js';
import { writeTflite } from './write-tflite.js';
import { xcoreFileProblems } from './xcore-acceptance.js';

describe('tflite-xcore for every preset: a file xformer takes, or a refusal naming the node and the fix', async () => {
  const presets = listPresets().map((p) => {
    const graph = getPreset(p.id);
    return { id: p.id, deploy: lower(graph, randomWeights(graph, 1)) };
  });
  const exported: string[] = [];
  for (const { id, deploy } of presets) {
    it(id, async () => {
      const refusals = listTfliteRefusals(deploy, 'xcore');
      const nodes = new Set(deploy.ops.map((o) => o.sourceNode));
      if (refusals.length > 0) {
        for (const r of refusals) {
          expect(nodes.has(r.nodeId), `${id}: ${r.nodeId}`).toBe(true);
          expect(r.message, r.rule).toContain(r.nodeId);
          expect(r.fix.length, r.rule).toBeGreaterThan(10);
          expect(r.target).toBe('tflite-xcore');
        }
        let thrown: unknown = null;
        try {
          writeTflite(deploy, { profile: 'xcore', calibration: { ranges: {} } });
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(ExportRefusedError);
        expect((thrown as ExportRefusedError).rule).toBe(refusals[0]!.rule);
        return;
      }
      const n = deploy.tensors.find((t) => t.id === deploy.input)!.shape.reduce((a, b) => a * b, 1);
      const calibration = await calibrateTflite(deploy, {
        data: randomFloats(rng(5), 8 * n, 0, 1),
        batch: 8,
      });
      const bytes = writeTflite(deploy, { profile: 'xcore', calibration });
      const model = readTflite(bytes);
      expect(xcoreFileProblems(model), id).toEqual([]);
      expect(flatcDump(bytes).subgraphs[0].operators).toHaveLength(model.subgraphs[0]!.operators.length);
      exported.push(id);
    });
  }
  it('the QuickNet presets export (the check is not vacuous)', () => {
    expect(exported).toEqual(expect.arrayContaining(['quicknet-28', 'quicknet-96']));
  });
});

describe('xcoreFileProblems finds what xformer / LCE would refuse', async () => {
  // The float first/last version: the preset ships its classifier int8 (written as CONV_2D 1×1 with per-channel
  // filters), while these cases need the FULLY_CONNECTED the xcore profile quantises from a float dense.
  const graph = withFirstLastPrecision(getPreset('quicknet-28'), 'float32');
  const deploy = lower(graph, randomWeights(graph, 1));
  const n = deploy.tensors.find((t) => t.id === deploy.input)!.shape.reduce((a, b) => a * b, 1);
  const calibration = await calibrateTflite(deploy, { data: randomFloats(rng(5), 4 * n, 0, 1), batch: 4 });
  const fresh = () => readTflite(writeTflite(deploy, { profile: 'xcore', calibration }));

  it('a FULLY_CONNECTED bias with one scale per element under a per-tensor filter', () => {
    const m = fresh();
    const sg = m.subgraphs[0]!;
    const fc = sg.operators.find((o) => o.opName === 'FULLY_CONNECTED')!;
    const bias = sg.tensors[fc.inputs[2]!]!;
    const s = bias.quantization!.scale[0]!;
    bias.quantization!.scale = Array.from({ length: bias.shape[0]! }, () => s);
    bias.quantization!.zeroPoint = bias.quantization!.scale.map(() => 0);
    expect(xcoreFileProblems(m).join('\n')).toMatch(/FULLY_CONNECTED.*bias has 10 scales, its filter 1/);
  });

  it('an LceBconv2d with SAME zero-padding and a fused ReLU, or with float output', () => {
    const m = fresh();
    const sg = m.subgraphs[0]!;
    const bconv = sg.operators.find((o) => o.opName === 'LceBconv2d')!;
    Object.assign(bconv.customOptionsDecoded!, { padding: 0, pad_values: 0, fused_activation_function: 1 });
    const text = xcoreFileProblems(m).join('\n');
    expect(text).toMatch(/padding must be VALID/);
    expect(text).toMatch(/LCE refuses a fused activation with SAME zero-padding/);
  });

  it('the arm (float) file of the same model', () => {
    const arm = readTflite(writeTflite(deploy, { profile: 'arm' }));
    expect(xcoreFileProblems(arm).join('\n')).toMatch(/FLOAT32 in an int8 model/);
  });
});
