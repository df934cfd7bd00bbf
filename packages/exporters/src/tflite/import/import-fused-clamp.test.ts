/**
 * LceBconv2d with every fused activation LCE accepts on float and int8 output (issue 16): RELU_N1_TO_1 and RELU6
 * clamp the int32 dot to [−1, 1] / [0, 6] before the multiplier (TFLite's integer CalculateActivationRange). Files
 * in LCE's layout (`lceFusedClampModel`) import to `clamp: 'relu_n1_to_1' | 'relu6'` and match an independent
 * reference (int8: `runTfliteInt8Reference`, BigInt fixed point; float32: the dot from `refBconvDots`, clamped and
 * scaled in this file) on both engine backends; the graphs write back to the same operators and bytes.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { runDeployGraph } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { readBnn } from '../../bnn/read-bnn.js';
import { rng } from '../../bnn/test-graphs.js';
import { writeBnn } from '../../bnn/write-bnn.js';
import { readTflite } from '../read-tflite.js';
import { Activation } from '../schema.js';
import { refBconvDots, runTfliteInt8Reference } from '../tflite-int8-reference.js';
import { TfliteInterpreter } from '../tflite-interpreter.js';
import { writeTflite } from '../write-tflite.js';
import { importTflite } from './import-tflite.js';
import { lceFusedClampModel, randInt } from './lce-fixtures.js';

const { NONE, RELU, RELU_N1_TO_1, RELU6 } = Activation;
/** The int32 range of each fused activation, written out here (not bnn-core's table, which is under test). */
const RANGE: Record<number, [number, number]> = {
  [NONE]: [-(2 ** 31), 2 ** 31 - 1],
  [RELU]: [0, 2 ** 31 - 1],
  [RELU_N1_TO_1]: [-1, 1],
  [RELU6]: [0, 6],
};
const CLAMP: Record<number, string> = { 0: 'none', 1: 'relu', 2: 'relu_n1_to_1', 3: 'relu6' };
const ACT_PAIRS: [number, number][] = [
  [RELU6, RELU_N1_TO_1],
  [RELU_N1_TO_1, RELU6],
  [RELU6, RELU6],
  [RELU_N1_TO_1, NONE],
  [RELU, RELU6],
];

/** float32 model reference: per layer, LceQuantize (sign) then the dot, clamped, times m plus b in float32. */
function floatReference(f: ReturnType<typeof lceFusedClampModel>, x: number[]): number[] {
  let cur = { h: 6, w: 6, c: 32, d: x };
  for (const l of f.layers) {
    const signs = { ...cur, d: cur.d.map((v) => (v < 0 ? -1 : 1)) };
    const d = refBconvDots(signs, { bits: l.bits, kh: 3, kw: 3 }, l.same, 1, l.stride, 1);
    const [lo, hi] = RANGE[l.act]!;
    const y = d.dot.map((dot, i) => {
      const c = i % l.cout;
      return Math.fround(Math.fround(l.mult[c]! * Math.min(Math.max(dot, lo), hi)) + l.bias[c]!);
    });
    cur = { h: d.h, w: d.w, c: l.cout, d: y };
  }
  return cur.d;
}

describe('importTflite: LceBconv2d with fused RELU_N1_TO_1 and RELU6', () => {
  it('int8 output: imports the clamps and matches the TFLite/LCE reference bit for bit on both backends', async () => {
    let seed = 1;
    for (const acts of ACT_PAIRS) {
      const f = lceFusedClampModel(seed++, acts, 'int8');
      const r = importTflite(f.bytes);
      expect(r.refused, JSON.stringify(acts)).toEqual([]);
      const g = r.graph!;
      const convs = g.ops.filter((o) => o.op === 'int8_bconv2d');
      expect(convs.map((o) => o.clamp)).toEqual(acts.map((a) => CLAMP[a]));
      const model = readTflite(f.bytes);
      const r2 = rng(40 + seed);
      for (let s = 0; s < 3; s++) {
        const xq = Array.from({ length: 6 * 6 * 32 }, () => randInt(r2, -128, 127));
        const want = runTfliteInt8Reference(model, xq).values.get(model.subgraphs[0]!.outputs[0]!)!;
        const xf = Float32Array.from(xq, (v) => Math.fround(Math.fround(f.inQ.s) * (v - f.inQ.z)));
        for (const backend of ['reference', 'wasm'] as const) {
          const [out] = await runDeployGraph(g, xf, { backend });
          expect(Array.from(out!), `${JSON.stringify(acts)} sample ${s} ${backend}`).toEqual(want);
        }
      }
    }
  });

  it('the clamps bite: RELU6 / RELU_N1_TO_1 outputs differ from the unclamped model’s', async () => {
    const x = Float32Array.from({ length: 6 * 6 * 32 }, (_, i) => Math.sin(i * 1.7));
    const outs: number[][] = [];
    for (const acts of [
      [NONE, NONE],
      [RELU6, RELU6],
      [RELU_N1_TO_1, RELU_N1_TO_1],
    ] as [number, number][]) {
      const g = importTflite(lceFusedClampModel(3, acts, 'float32').bytes).graph!;
      outs.push(Array.from((await runDeployGraph(g, x, { backend: 'reference' }))[0]!));
    }
    expect(new Set(outs.map((o) => JSON.stringify(o))).size).toBe(3);
  });

  it('float32 output: imports the clamps and matches the LCE reference bit for bit on both backends', async () => {
    let seed = 20;
    for (const acts of ACT_PAIRS) {
      const f = lceFusedClampModel(seed++, acts, 'float32');
      const r = importTflite(f.bytes);
      expect(r.refused, JSON.stringify(acts)).toEqual([]);
      const g = r.graph!;
      const convs = g.ops.filter((o) => o.op === 'bconv2d');
      expect(
        convs.map((o) => (o.op === 'bconv2d' && o.transform.kind === 'float' ? o.transform.clamp : '')),
      ).toEqual(acts.map((a) => CLAMP[a]));
      for (let s = 0; s < 3; s++) {
        const x = Float32Array.from({ length: 6 * 6 * 32 }, (_, i) => Math.sin(i * 0.77 + s * 3 + seed) * 2);
        const want = floatReference(f, Array.from(x));
        for (const backend of ['reference', 'wasm'] as const) {
          const [out] = await runDeployGraph(g, x, { backend });
          expect(Array.from(out!), `${JSON.stringify(acts)} sample ${s} ${backend}`).toEqual(want);
        }
      }
    }
  });

  it('round trip: the imported graphs (and a zero-padded float one, written unfused) write back and import identically', async () => {
    const graphs: DeployGraph[] = [];
    for (const type of ['int8', 'float32'] as const)
      graphs.push(importTflite(lceFusedClampModel(5, [RELU6, RELU_N1_TO_1], type).bytes).graph!);
    // Float output with "same" zero-padding: LCE fuses no activation there, so the writer emits the exact dot
    // (unit multiplier) → RELU6 / RELU_N1_TO_1 → MUL → ADD, which the importer fuses back into the clamp.
    for (const clamp of ['relu6', 'relu_n1_to_1'] as const) {
      const g = structuredClone(graphs[1]!);
      const first = g.ops.find((o) => o.op === 'bconv2d')!;
      if (first.op !== 'bconv2d' || first.transform.kind !== 'float') throw new Error('no float bconv2d');
      first.padValue = 0;
      first.transform.clamp = clamp;
      graphs.push(g);
    }
    for (const [i, g] of graphs.entries()) {
      const bytes = writeTflite(g, { profile: 'arm' });
      if (i >= 2) {
        const names = readTflite(bytes).subgraphs[0]!.operators.map((o) => o.opName);
        expect(names).toContain(i === 2 ? 'RELU6' : 'RELU_N1_TO_1');
      }
      const back = importTflite(bytes);
      expect(back.refused, `graph ${i}`).toEqual([]);
      const strip = (d: DeployGraph) => d.ops.map(({ sourceNode: _s, ...rest }) => rest);
      expect(strip(back.graph!), `graph ${i}`).toEqual(strip(g));
      expect(writeTflite(back.graph!, { profile: 'arm' }), `graph ${i}`).toEqual(bytes);
      // The written float files compute what the studio computes (the reference interpreter's LCE semantics).
      if (i >= 1) {
        const x = Float32Array.from({ length: 6 * 6 * 32 }, (_, k) => Math.cos(k * 0.31 + i));
        const [want] = await runDeployGraph(g, x, { backend: 'reference' });
        expect(Array.from(new TfliteInterpreter(bytes).run(x)[0]!), `graph ${i} interpreter`).toEqual(
          Array.from(want!),
        );
      }
      // .bnn 1.5 carries the clamps.
      const file = readBnn(writeBnn(g));
      expect(file.version).toEqual({ major: 1, minor: 5 });
      expect(strip(file.graph), `graph ${i} .bnn`).toEqual(strip(g));
    }
  });

  it('xcore refuses int8 output with RELU6 / RELU_N1_TO_1 (xcore-opt lowers int8-output binary convs only with RELU)', () => {
    const g = importTflite(lceFusedClampModel(9, [RELU6, RELU_N1_TO_1], 'int8').bytes).graph!;
    let error: unknown;
    try {
      writeTflite(g, { profile: 'xcore' });
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/dot clamp relu6 \(LCE's fused RELU6\)/);
  });
});
