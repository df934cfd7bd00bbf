import type { BConv2DOp, DeployGraph } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import {
  buildMixedGraph,
  buildXcoreGraph,
  GraphBuilder,
  randomFloats,
  randomPacked,
  rng,
} from '../bnn/test-graphs.js';
import { ExportRefusedError } from '../errors.js';
import { calibrateTflite } from './calibrate.js';
import { flatcDump } from './flatc-dump.js';
import { listTfliteRefusals } from './profile-rules.js';
import { readTflite } from './read-tflite.js';
import { TensorType } from './schema.js';
import { TfliteInterpreter } from './tflite-interpreter.js';
import { writeTflite, writeTfliteWithReport } from './write-tflite.js';

function samples(n: number, size: number, seed: number): { data: Float32Array; batch: number } {
  return { data: randomFloats(rng(seed), n * size, 0, 1), batch: n };
}

function refusal(f: () => unknown): ExportRefusedError {
  try {
    f();
  } catch (e) {
    if (e instanceof ExportRefusedError) return e;
    throw e;
  }
  throw new Error('expected an ExportRefusedError');
}

describe('.tflite (xcore profile)', async () => {
  const graph = buildXcoreGraph();
  const calibration = await calibrateTflite(graph, samples(16, 300, 9));
  const report = writeTfliteWithReport(graph, { profile: 'xcore', calibration });
  const m = readTflite(report.bytes);
  const sg = m.subgraphs[0]!;
  const ops = sg.operators;
  const tensor = (i: number) => sg.tensors[i]!;

  it('is int8 at the edges and around binary blocks', () => {
    expect(ops.map((o) => o.opName)).toEqual([
      'CONV_2D',
      'MAX_POOL_2D',
      'LceQuantize',
      'PAD',
      'LceBconv2d',
      'LceBconv2d',
      'MUL',
      'ADD',
      'MEAN',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    const input = tensor(sg.inputs[0]!);
    expect(input.type).toBe(TensorType.INT8);
    expect(input.quantization!.scale[0]).toBeCloseTo(1 / 255, 4);
    expect(input.quantization!.zeroPoint[0]).toBe(-128);
    expect(report.io.input).toMatchObject({ type: 'int8', shape: [1, 10, 10, 3], zeroPoint: -128 });
    const output = tensor(sg.outputs[0]!);
    expect(output).toMatchObject({ type: TensorType.INT8, shape: [1, 10] });
    expect(output.quantization!.scale[0]).toBeCloseTo(1 / 256, 8);
    expect(output.quantization!.zeroPoint[0]).toBe(-128);
    for (const op of ops) {
      if (op.opName === 'LceQuantize') expect(tensor(op.inputs[0]!).type).toBe(TensorType.INT8);
      expect(op.opName).not.toBe('LceDequantize');
      expect(op.opName).not.toBe('LceBMaxPool2d');
    }
  });

  it('binary max-pool is pooled in int8 before LceQuantize', () => {
    const [mp, q] = [ops[1]!, ops[2]!];
    expect(mp.inputs[0]).toBe(ops[0]!.outputs[0]);
    expect(tensor(mp.outputs[0]!)).toMatchObject({ type: TensorType.INT8, shape: [1, 5, 5, 32] });
    expect(tensor(mp.outputs[0]!).quantization!.scale).toEqual(tensor(mp.inputs[0]!).quantization!.scale);
    expect(q.inputs[0]).toBe(mp.outputs[0]);
    expect(tensor(q.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 5, 5, 1] });
  });

  it('one-padding is written as PAD of the packed words + VALID', () => {
    const [pad, bconv] = [ops[3]!, ops[4]!];
    const paddings = tensor(pad.inputs[1]!);
    expect(paddings).toMatchObject({ type: TensorType.INT32, shape: [4, 2] });
    expect(new Int32Array(m.buffers[paddings.buffer]!.data!.slice().buffer)).toEqual(
      Int32Array.of(0, 0, 1, 1, 1, 1, 0, 0),
    );
    expect(tensor(pad.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 7, 7, 1] });
    expect(bconv.inputs[0]).toBe(pad.outputs[0]);
    expect(bconv.customOptionsDecoded).toMatchObject({ padding: 1, pad_values: 0, channels_in: 32 });
    expect(tensor(bconv.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 5, 5, 1] });
  });

  it('int8-output binary conv has a fused ReLU, float multiplier/bias and an int8 output scale', () => {
    const op = ops[5]!;
    expect(op.inputs[4]).toBe(-1);
    expect(tensor(op.inputs[2]!).type).toBe(TensorType.FLOAT32);
    expect(op.customOptionsDecoded).toMatchObject({ fused_activation_function: 1, padding: 1 });
    const out = tensor(op.outputs[0]!);
    expect(out).toMatchObject({ type: TensorType.INT8, shape: [1, 3, 3, 64] });
    expect(out.quantization!.scale[0]).toBeGreaterThan(0);
  });

  it('int8 conv: per-channel symmetric filter, int32 bias at input·filter scale', () => {
    const conv = ops[0]!;
    expect(m.operatorCodes[conv.opcodeIndex]!.version).toBe(3);
    const f = tensor(conv.inputs[1]!);
    expect(f.type).toBe(TensorType.INT8);
    expect(f.quantization!.scale).toHaveLength(32);
    expect(f.quantization!.zeroPoint.every((z) => z === 0)).toBe(true);
    expect(f.quantization!.quantizedDimension).toBe(0);
    const bias = tensor(conv.inputs[2]!);
    expect(bias.type).toBe(TensorType.INT32);
    const sIn = tensor(conv.inputs[0]!).quantization!.scale[0]!;
    bias.quantization!.scale.forEach((s, c) => {
      expect(s).toBeCloseTo(sIn * f.quantization!.scale[c]!, 10);
    });
    // Dequantised weights are within half a step of the float weights (OHWI of the HWIO source).
    const src = graph.ops[0]!;
    if (src.op !== 'conv2d') throw new Error('fixture');
    const q = new Int8Array(m.buffers[f.buffer]!.data!.slice().buffer);
    for (let o = 0; o < 32; o++) {
      const s = f.quantization!.scale[o]!;
      for (let h = 0; h < 3; h++)
        for (let w = 0; w < 3; w++)
          for (let i = 0; i < 3; i++) {
            const real = src.filter[((h * 3 + w) * 3 + i) * 32 + o]!;
            expect(Math.abs(q[((o * 3 + h) * 3 + w) * 3 + i]! * s - real)).toBeLessThanOrEqual(s / 2 + 1e-7);
          }
    }
  });

  it('int8 FULLY_CONNECTED: the bias scale count follows the per-tensor filter (read back with flatc)', () => {
    const fcIndex = ops.findIndex((o) => o.opName === 'FULLY_CONNECTED');
    const dumped = flatcDump(report.bytes).subgraphs[0];
    const fc = dumped.operators[fcIndex];
    const tensors = dumped.tensors;
    const [, filter, bias] = fc.inputs.map((i: number) => tensors[i]);
    expect(filter.type).toBe('INT8');
    expect(filter.quantization.scale).toHaveLength(1);
    expect(bias.type).toBe('INT32');
    expect(bias.shape).toEqual([10]);
    expect(bias.quantization.scale).toHaveLength(1);
    expect(bias.quantization.zero_point).toEqual([0]);
    // flatc prints scales with 6 decimals; the exact value through read-tflite.
    const exact = ops[fcIndex]!.inputs.map((i) => tensor(i).quantization!.scale);
    expect(Math.fround(exact[2]![0]!)).toBe(Math.fround(exact[0]![0]! * exact[1]![0]!));
    // Per-channel filters (CONV_2D) keep one bias scale per output channel.
    const conv = dumped.operators[0];
    expect(tensors[conv.inputs[2]].quantization.scale).toHaveLength(
      tensors[conv.inputs[1]].quantization.scale.length,
    );
  });

  it('flatc reads it', () => {
    const j = flatcDump(report.bytes);
    expect(j.subgraphs[0].tensors[sg.inputs[0]!].type).toBe('INT8');
    expect(j.subgraphs[0].tensors[sg.inputs[0]!].quantization.zero_point).toEqual([-128]);
  });

  it('calibrating from representative inputs with bnn-core’s float oracle gives the same int8 parameters', () => {
    const viaOracle = readTflite(writeTflite(graph, { profile: 'xcore', calibration: samples(16, 300, 9) }));
    const a = viaOracle.subgraphs[0]!.tensors;
    const b = sg.tensors;
    expect(a.map((t) => t.type)).toEqual(b.map((t) => t.type));
    a.forEach((t, i) => {
      if (t.type !== TensorType.INT8 || t.buffer !== 0) return;
      expect(t.quantization!.scale[0]! / b[i]!.quantization!.scale[0]!).toBeCloseTo(1, 3);
      expect(Math.abs(t.quantization!.zeroPoint[0]! - b[i]!.quantization!.zeroPoint[0]!)).toBeLessThanOrEqual(
        1,
      );
    });
  });

  it('float32 I/O on request: QUANTIZE after the input, DEQUANTIZE before the output, same int8 core', () => {
    const floatIo = writeTfliteWithReport(graph, { profile: 'xcore', calibration, io: 'float32' });
    const fm = readTflite(floatIo.bytes);
    const fsg = fm.subgraphs[0]!;
    const names = fsg.operators.map((o) => o.opName);
    expect(names[0]).toBe('QUANTIZE');
    expect(names.at(-1)).toBe('DEQUANTIZE');
    expect(names.slice(1, -1)).toEqual(ops.map((o) => o.opName));
    expect(fsg.tensors[fsg.inputs[0]!]!).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 10, 10, 3] });
    expect(fsg.tensors[fsg.outputs[0]!]!).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 10] });
    expect(floatIo.io.input).toEqual({ name: 'input', shape: [1, 10, 10, 3], type: 'float32' });
    const x = samples(1, 300, 77).data;
    expect(new TfliteInterpreter(floatIo.bytes).run(x)).toEqual(new TfliteInterpreter(report.bytes).run(x));
  });

  it('refuses ranges computed for another graph', () => {
    expect(() =>
      writeTflite(graph, { profile: 'xcore', calibration: { ranges: { input: { min: 0, max: 1 } } } }),
    ).toThrow(/calibration ranges lack tensor/);
  });

  it('refuses without calibration data, naming the fix', () => {
    const e = refusal(() => writeTflite(graph, { profile: 'xcore' }));
    expect(e.rule).toBe('xcore.calibration_data_required');
    expect(e.fix).toMatch(/calibrateTflite/);
  });
});

describe('.tflite xcore refusals name the layer, the rule and the fix', () => {
  const base = buildXcoreGraph();
  const edit = (f: (g: DeployGraph) => void): DeployGraph => {
    const g = structuredClone(base);
    f(g);
    return g;
  };
  const bconv = (g: DeployGraph, node: string) =>
    g.ops.find((o) => o.op === 'bconv2d' && o.sourceNode === node) as BConv2DOp;
  const cases: { name: string; graph: DeployGraph; node: string; rule: string; fix: RegExp }[] = [
    {
      name: 'channels_in not a multiple of 32',
      graph: edit((g) => {
        // bconv1 makes 48 channels (a consistent graph: checkDeployGraph runs before the profile rules).
        const first = bconv(g, 'bconv1');
        first.outChannels = 48;
        first.filter = new Int32Array(48 * 9);
        first.transform = { kind: 'bitpacked', thresholds: new Int32Array(48) };
        g.tensors.find((t) => t.id === first.outputs[0])!.shape = [5, 5, 48];
        const op = bconv(g, 'bconv2');
        op.inChannels = 48;
        op.filter = new Int32Array(64 * 9 * 2);
      }),
      node: 'bconv2',
      rule: 'xcore.channels_in_multiple_of_32',
      fix: /64 channels/,
    },
    {
      name: 'zero-padding',
      graph: edit((g) => {
        // bconv2 (float output) with "same" zero-padding: 5×5 outputs, and the BatchNorm after it.
        const op = bconv(g, 'bconv2');
        op.padding = 'same';
        op.padValue = 0;
        const bn = g.ops.find((o) => o.inputs[0] === op.outputs[0])!;
        for (const t of g.tensors) if (t.id === op.outputs[0] || t.id === bn.outputs[0]) t.shape = [5, 5, 64];
      }),
      node: 'bconv2',
      rule: 'xcore.valid_or_one_padding',
      fix: /valid|one-padding/,
    },
    {
      name: 'int8 output without ReLU',
      graph: edit((g) => {
        const t = bconv(g, 'bconv2').transform;
        if (t.kind === 'float') t.clamp = 'none';
      }),
      node: 'bconv2',
      rule: 'xcore.int8_output_needs_relu',
      fix: /ReLU/,
    },
    {
      name: 'int8 output with Cout % 4 ≠ 0',
      graph: buildMixedGraph(2, { channels: 31 }), // bconv2: 31 → 62 channels, float output
      node: 'bconv2',
      rule: 'xcore.int8_output_channels_multiple_of_4',
      fix: /64 filters/,
    },
    {
      name: 'LceBMaxPool2d on bit-packed conv output',
      graph: buildMixedGraph(2),
      node: 'pool1',
      rule: 'xcore.no_binary_maxpool',
      fix: /before the sign quantizer/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(
        refusal(() => writeTflite(c.graph, { profile: 'xcore', calibration: { ranges: {} } })),
      ).toBeInstanceOf(ExportRefusedError);
      const e = listTfliteRefusals(c.graph, 'xcore').find((x) => x.rule === c.rule)!;
      expect(e).toBeDefined();
      expect(e.nodeId).toBe(c.node);
      expect(e.rule).toBe(c.rule);
      expect(e.fix).toMatch(c.fix);
      expect(e.message).toContain(c.node);
      expect(listTfliteRefusals(c.graph, 'arm')).toEqual([]);
    });
  }

  it('binary depthwise, LceDequantize and leaky_tanh are refused too', () => {
    const b = new GraphBuilder(rng(1), [4, 4, 32]);
    const q = b.add({ op: 'quantize', sourceNode: 'q', inputs: ['input'] }, [4, 4, 32], 'bitpacked');
    const dq = b.add({ op: 'dequantize', sourceNode: 'unpack', inputs: [q] }, [4, 4, 32], 'float32');
    const lt = b.add({ op: 'leaky_tanh', sourceNode: 'lt', inputs: [dq], alpha: 0.1 }, [4, 4, 32], 'float32');
    const q2 = b.add({ op: 'quantize', sourceNode: 'dw', inputs: [lt] }, [4, 4, 32], 'bitpacked');
    const dw = b.add(
      {
        op: 'bdepthwise_conv2d',
        sourceNode: 'dw',
        inputs: [q2],
        filter: randomPacked(b.r, 9, 32),
        channels: 32,
        kernel: [3, 3],
        strides: [1, 1],
        dilations: [1, 1],
        padding: 'valid',
        padValue: 0,
        transform: {
          kind: 'float',
          clamp: 'none',
          activation: 'none',
          multiplier: new Float32Array(32),
          bias: new Float32Array(32),
        },
      },
      [2, 2, 32],
      'float32',
    );
    const all = listTfliteRefusals(b.graph('x', [dw]), 'xcore');
    expect(all.map((e) => [e.nodeId, e.rule])).toEqual([
      ['unpack', 'xcore.no_lce_dequantize'],
      ['lt', 'xcore.no_leaky_tanh'],
      ['dw', 'xcore.no_binary_depthwise'],
    ]);
    expect(() => writeTflite(b.graph('x', [dw]), { profile: 'arm' })).not.toThrow();
  });
});
