/**
 * int8 deploy ops through the exporters: `.bnn` stores int8 tensors (element type 3, minor version 2) and gives
 * the graph back bit for bit; `.tflite` writes them in TensorFlow Lite's int8 quantization (per-channel INT8
 * filters, INT32 biases with as many scales as the filter, QUANTIZE / DEQUANTIZE, LceQuantize from int8,
 * LceBconv2d with an int8 output); STM32 bundles run them with the runtime's int8 kernels, bit-exact in QEMU.
 */
import { type DeployGraph, evaluateDeployGraphFloat, randomInt8DeployGraph } from '@bnn-studio/bnn-core';
import { runDeployGraph } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { BNN_VERSION_MINOR, FIELD } from './bnn/layout.js';
import { readBnn } from './bnn/read-bnn.js';
import { writeBnn } from './bnn/write-bnn.js';
import { ExportRefusedError } from './errors.js';
import { generateModel } from './firmware/codegen.js';
import { buildStm32Bundle } from './stm32/bundle.js';
import { limiter } from './stm32/limit.js';
import { verifyStm32Bundle } from './stm32/verify.js';
import { readTflite } from './tflite/read-tflite.js';
import { TensorType } from './tflite/schema.js';
import { TfliteInterpreter } from './tflite/tflite-interpreter.js';
import { writeTflite } from './tflite/write-tflite.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const limit = limiter(1);

describe('.bnn carries int8 layers', () => {
  it('round-trips random int8 graphs: same ops, Int8Array weights, quantization, outputs', async () => {
    for (const seed of SEEDS) {
      const { graph, input, batch } = randomInt8DeployGraph(seed);
      const bytes = writeBnn(graph);
      expect(new DataView(bytes.buffer).getUint16(FIELD.versionMinor, true)).toBe(BNN_VERSION_MINOR);
      expect(BNN_VERSION_MINOR).toBe(5); // 1.2: int8 tensors and ops; 1.3: int8_softmax / int8_mul / int8_requantize; 1.4: relu6 / hard_swish / int8_hard_swish / int8_mean; 1.5: dot clamps relu6 / relu_n1_to_1
      const back = readBnn(bytes).graph;
      expect(back.tensors).toEqual(graph.tensors);
      const conv = back.ops.find((o) => o.op === 'int8_conv2d')!;
      expect(conv.op === 'int8_conv2d' && conv.filter instanceof Int8Array).toBe(true);
      expect(back.ops.map((o) => o.op)).toEqual(graph.ops.map((o) => o.op));
      const [a] = await runDeployGraph(back, input, { batch, backend: 'reference' });
      expect([...a!]).toEqual([...evaluateDeployGraphFloat(graph, input, batch)[0]!]);
    }
  });
});

/** A fixture whose binary conv suits xcore-opt (ReLU, Cin % 32 = 0, Cout % 4 = 0), or null. */
function xcoreFriendly(g: DeployGraph): boolean {
  const b = g.ops.find((o) => o.op === 'int8_bconv2d')!;
  return b.op === 'int8_bconv2d' && b.clamp === 'relu' && b.inChannels % 32 === 0 && b.outChannels % 4 === 0;
}

describe('.tflite carries int8 layers in TFLite int8 quantization', () => {
  it('writes CONV_2D / DEPTHWISE_CONV_2D with per-channel INT8 filters and INT32 biases of as many scales', () => {
    for (const seed of SEEDS) {
      const { graph } = randomInt8DeployGraph(seed);
      const out = writeTflite(graph, { profile: 'arm' });
      const m = readTflite(out);
      const sg = m.subgraphs[0]!;
      const names = sg.operators.map((o) => o.opName);
      expect(names[0]).toBe('QUANTIZE');
      expect(names.at(-1)).toBe('DEQUANTIZE');
      expect(names).toContain('LceQuantize');
      expect(names).toContain('LceBconv2d');
      for (const op of sg.operators) {
        if (op.opName !== 'CONV_2D' && op.opName !== 'DEPTHWISE_CONV_2D') continue;
        const [x, f, b] = op.inputs.map((i) => sg.tensors[i]!);
        expect(x!.type).toBe(TensorType.INT8);
        expect(f!.type).toBe(TensorType.INT8);
        expect(b!.type).toBe(TensorType.INT32);
        const channels = f!.shape[op.opName === 'CONV_2D' ? 0 : 3]!;
        expect(f!.quantization!.scale).toHaveLength(channels);
        expect(f!.quantization!.quantizedDimension).toBe(op.opName === 'CONV_2D' ? 0 : 3);
        expect(f!.quantization!.zeroPoint.every((z) => z === 0)).toBe(true);
        expect(b!.quantization!.scale).toHaveLength(channels);
        b!.quantization!.scale.forEach((s, c) => {
          // TFLite stores scales as float32
          expect(s).toBe(Math.fround(x!.quantization!.scale[0]! * f!.quantization!.scale[c]!));
        });
      }
      // LceBconv2d writes int8 through [in, filter, multiplier, bias, -1]
      const bconv = sg.operators.find((o) => o.opName === 'LceBconv2d')!;
      expect(bconv.inputs[4]).toBe(-1);
      expect(sg.tensors[bconv.outputs[0]!]!.type).toBe(TensorType.INT8);
      expect(sg.tensors[sg.operators.find((o) => o.opName === 'LceQuantize')!.inputs[0]!]!.type).toBe(
        TensorType.INT8,
      );
    }
  });

  it("the interpreter's int8 simulation of the file agrees with the studio within one output step", () => {
    for (const seed of SEEDS) {
      const { graph, input } = randomInt8DeployGraph(seed, 1);
      const out = writeTflite(graph, { profile: 'arm' });
      const got = new TfliteInterpreter(out).run(input)[0]!;
      const want = evaluateDeployGraphFloat(graph, input, 1)[0]!;
      const scale = graph.tensors.find((t) => t.id === 'dense')!.quant!.scale;
      // The interpreter computes in float (not TFLite's fixed point), so intermediate roundings can move a value
      // by a step; differences propagate, so only the agreement of most outputs is asserted.
      const close = [...got].filter((v, i) => Math.abs(v - want[i]!) <= 2 * scale + 1e-6).length;
      expect(close / got.length, `seed ${seed}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('the xcore profile takes int8 layers; an int8-output binary conv without ReLU is refused by node', () => {
    let checked = 0;
    for (let seed = 1; seed < 200 && checked < 2; seed++) {
      const { graph } = randomInt8DeployGraph(seed);
      const b = graph.ops.find((o) => o.op === 'int8_bconv2d')!;
      if (!xcoreFriendly(graph)) {
        if (b.op === 'int8_bconv2d' && b.clamp === 'none' && b.inChannels % 32 === 0) {
          expect(() =>
            writeTflite(graph, { profile: 'xcore', calibration: { data: new Float32Array(0), batch: 1 } }),
          ).toThrow(ExportRefusedError);
        }
        continue;
      }
      checked++;
    }
  });
});

describe('STM32L4 bundles of int8 graphs: qemu bit-exact + host sanitizers', () => {
  for (const seed of [1, 2, 3]) {
    it(`int8 fixture seed ${seed}: every int8 op in C equals the studio bit for bit`, async () => {
      const { graph } = randomInt8DeployGraph(seed);
      const model = generateModel(graph);
      expect(model.source).toContain('bnn_s8_conv2d(');
      expect(model.source).toContain('bnn_s8_to_bitpacked(');
      const result = await limit(async () => {
        const { zip } = await buildStm32Bundle(graph, {
          goldenCount: 2,
          goldenSeed: seed,
          goldenRange: [-2, 2],
        });
        return verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
      });
      expect(result.passed, `seed ${seed}:\n${result.log}`).toBe(true);
      expect(result.hostSanitizersPassed).toBe(true);
      expect(result.log).toMatch(/vector 1: 0 mismatching values/);
    }, 600_000);
  }
});
