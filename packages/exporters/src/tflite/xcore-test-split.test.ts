// tflite-xcore on real data (issue #14): every preset the xcore profile accepts is exported with calibration on
// MNIST training images, and its file is run on a slice of the built-in MNIST test split with the independent
// TFLite/LCE int8 reference (tflite-int8-reference.ts), which refuses any operator TFLite or LCE would refuse.
// On every image, every operator the studio has an int8 kernel for (conv, depthwise, fully-connected, add, pools,
// LceQuantize, LceBconv2d with int8 output) is also run with the studio's kernels on the reference's inputs:
// int8 outputs equal. The file's argmax equals the studio's (kernels engine on the float deploy graph). The file
// imported back (importTflite: every operator, int8 MEAN and SOFTMAX included) runs whole in the studio's engine:
// its int8 outputs equal the reference's on every image. The whole split runs in the exporters bench
// (BNN_EXPORTERS_BENCH=xcore-split).
import { describe, expect, it } from 'vitest';
import { readTflite } from './read-tflite.js';
import { writeTflite } from './write-tflite.js';
import { xcoreFileProblems } from './xcore-acceptance.js';
import { runTestSplit, xcorePresetCases } from './xcore-test-split.js';

/** Test images per preset (the 96×96 presets cost ~3 s per image in the BigInt reference). */
const SLICE: Record<string, number> = { 'quicknet-28': 24 };
const DEFAULT_SLICE = 2;

describe('tflite-xcore exports on the MNIST test split', async () => {
  const cases = await xcorePresetCases(32);

  it('every preset the xcore profile accepts exports (quicknet-28, quicknet-96, vww-quicknet)', () => {
    expect(cases.map((c) => c.id)).toEqual(
      expect.arrayContaining(['quicknet-28', 'quicknet-96', 'vww-quicknet']),
    );
  });

  for (const c of cases) {
    it(`${c.id}: the file runs operator by operator as TFLite / LCE define them; the studio's int8 kernels equal it on every operator they cover; argmax equals the studio's`, async () => {
      const r = await runTestSplit(c, SLICE[c.id] ?? DEFAULT_SLICE);
      expect(r.argmaxAgree, `${c.id}: ${r.argmaxAgree}/${r.images}`).toBe(r.images);
      // the studio's int8 kernels equal the reference on every operator they cover, on real activations
      expect(r.studio.mismatches, c.id).toEqual([]);
      for (const name of [
        'CONV_2D',
        'DEPTHWISE_CONV_2D',
        'LceQuantize',
        'LceBconv2d',
        'ADD',
        'MEAN',
        'SOFTMAX',
      ])
        expect(r.studio.compared[name] ?? 0, `${c.id}: ${name}`).toBeGreaterThan(0);
      // the imported file, run whole by the studio: int8 outputs equal, argmax 100 % equal
      expect(r.imported.refused, c.id).toEqual([]);
      expect(r.imported.values, c.id).toBeGreaterThan(0);
      expect(r.imported.first, c.id).toEqual([]);
      expect(r.imported.mismatchingImages, c.id).toBe(0);
      expect(r.imported.argmaxAgree, c.id).toBe(r.images);
      console.info(
        c.id,
        'compared with the studio:',
        r.studio.compared,
        'not in the studio:',
        r.studio.notInStudio,
      );
      for (const y of r.logits)
        for (const v of y) expect(Number.isInteger(v) && v >= -128 && v <= 127).toBe(true);
    });
  }

  it("an int8_dequantize between int8 tensors is written as QUANTIZE (TFLite's DEQUANTIZE writes float32 only)", () => {
    const c = cases.find((k) => k.id === 'vww-quicknet')!;
    expect(c.deploy.ops.some((o) => o.op === 'int8_dequantize')).toBe(true);
    const m = readTflite(writeTflite(c.deploy, { profile: 'xcore', calibration: { ranges: c.ranges } }));
    const sg = m.subgraphs[0]!;
    expect(sg.operators.filter((o) => o.opName === 'DEQUANTIZE')).toEqual([]);
    const requant = sg.operators.findIndex(
      (o, i) =>
        o.opName === 'QUANTIZE' &&
        i > 0 &&
        sg.tensors[o.inputs[0]!]!.type === sg.tensors[o.outputs[0]!]!.type,
    );
    expect(requant).toBeGreaterThan(0);
    sg.operators[requant]!.opName = 'DEQUANTIZE';
    expect(xcoreFileProblems(m).join('\n')).toMatch(/DEQUANTIZE\).*writes float32 only/);
  });
});
