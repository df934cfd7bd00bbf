import type { BConv2DOp, Conv2DOp, DenseOp, DeployGraph } from '@bnn-studio/bnn-core';
import { packBits } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { buildMixedGraph, buildZooGraph, GraphBuilder, rng } from '../bnn/test-graphs.js';
import { flatcDump } from './flatc-dump.js';
import { readTflite, type TfliteModelView, TfliteReadError } from './read-tflite.js';
import { TensorType } from './schema.js';
import { writeTflite } from './write-tflite.js';

const BCONV_KEYS = [
  'channels_in',
  'dilation_height_factor',
  'dilation_width_factor',
  'fused_activation_function',
  'pad_values',
  'padding',
  'stride_height',
  'stride_width',
];

/** A copy of the constant data of a tensor of the first subgraph. */
function tensorData(m: TfliteModelView, tensor: number): ArrayBuffer {
  const t = m.subgraphs[0]!.tensors[tensor]!;
  return m.buffers[t.buffer]!.data!.slice().buffer;
}
const int32s = (m: TfliteModelView, tensor: number) => new Int32Array(tensorData(m, tensor));
const float32s = (m: TfliteModelView, tensor: number) => new Float32Array(tensorData(m, tensor));

describe('.tflite (arm profile) of a mixed binary graph', () => {
  const graph = buildMixedGraph(11, { size: 12, channels: 32, classes: 10 });
  const bytes = writeTflite(graph, { profile: 'arm' });
  const m = readTflite(bytes);
  const sg = m.subgraphs[0]!;
  const ops = sg.operators;
  const tensor = (i: number) => sg.tensors[i]!;

  it('has the model-level layout of LCE-converted files', () => {
    expect(m.version).toBe(3);
    expect(m.description).toBe('MLIR Converted.');
    expect(m.subgraphs).toHaveLength(1);
    expect(sg.name).toBe('main');
    expect(m.buffers[0]!.data).toBeNull();
    expect(m.metadata).toEqual([{ name: 'min_runtime_version', buffer: m.buffers.length - 1 }]);
    const rt = m.buffers.at(-1)!.data!;
    expect(rt.length).toBe(16);
    expect(new TextDecoder().decode(rt.subarray(0, 6))).toBe('1.14.0');
    expect([...rt.subarray(6)].every((b) => b === 0)).toBe(true);
    for (const b of m.buffers) if (b.data) expect(b.offset % 4).toBe(0);
    expect(m.signatureDefs[0]!.key).toBe('serving_default');
    expect(m.signatureDefs[0]!.inputs).toEqual([{ name: 'input', tensorIndex: sg.inputs[0] }]);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    expect(writeTflite(graph, { profile: 'arm' })).toEqual(bytes); // deterministic
  });

  it('writes the expected operators with LCE custom codes', () => {
    expect(ops.map((o) => o.opName)).toEqual([
      'CONV_2D',
      'LceQuantize',
      'LceBconv2d',
      'LceBMaxPool2d',
      'LceBconv2d',
      'MUL',
      'ADD',
      'MEAN',
      'RESHAPE',
      'LceQuantize',
      'LceBconv2d',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    for (const code of m.operatorCodes.filter((c) => c.customCode)) {
      expect(code.builtinCode).toBe(32);
      expect(code.deprecatedBuiltinCode).toBe(32);
      expect(['LceQuantize', 'LceBconv2d', 'LceDequantize', 'LceBMaxPool2d']).toContain(code.customCode);
    }
    const conv = m.operatorCodes.find((c) => c.builtinCode === 3)!;
    expect(conv.deprecatedBuiltinCode).toBe(3);
  });

  it('LceQuantize: float32 [1,H,W,C] → int32 [1,H,W,ceil(C/32)] with empty custom options', () => {
    const q = ops[1]!;
    expect(tensor(q.inputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 12, 12, 32] });
    expect(tensor(q.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 12, 12, 1] });
    expect(q.customOptions).not.toBeNull();
    expect(q.customOptions!.length).toBe(0);
  });

  it('LceBconv2d with bit-packed output: [in, filter, -1, -1, thresholds] and the 8 INT options', () => {
    const op = ops[2]!;
    const src = graph.ops.find((o) => o.op === 'bconv2d' && o.sourceNode === 'bconv1') as BConv2DOp;
    expect(op.inputs).toHaveLength(5);
    expect(op.inputs.slice(2, 4)).toEqual([-1, -1]);
    expect(tensor(op.inputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 12, 12, 1] });
    expect(tensor(op.inputs[1]!)).toMatchObject({ type: TensorType.INT32, shape: [32, 3, 3, 1] });
    expect(tensor(op.inputs[4]!)).toMatchObject({ type: TensorType.INT32, shape: [32] });
    expect(tensor(op.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 12, 12, 1] });
    expect(int32s(m, op.inputs[1]!)).toEqual(src.filter);
    if (src.transform.kind !== 'bitpacked') throw new Error('fixture');
    expect(int32s(m, op.inputs[4]!)).toEqual(src.transform.thresholds);
    // INT32 tensors carry an empty quantization table.
    expect(tensor(op.inputs[1]!).quantization).toEqual({
      scale: [],
      zeroPoint: [],
      quantizedDimension: 0,
      min: [],
      max: [],
    });
    expect(Object.keys(op.customOptionsDecoded!).sort()).toEqual(BCONV_KEYS);
    expect(op.customOptionsDecoded).toEqual({
      channels_in: 32,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: 0,
      pad_values: 1,
      padding: 0,
      stride_height: 1,
      stride_width: 1,
    });
  });

  it('LceBconv2d with float output: [in, filter, multiplier, bias, -1], fused ReLU clamp', () => {
    const op = ops[4]!;
    const src = graph.ops.find((o) => o.sourceNode === 'bconv2') as BConv2DOp;
    if (src.transform.kind !== 'float') throw new Error('fixture');
    expect(op.inputs[4]).toBe(-1);
    expect(tensor(op.inputs[2]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [64] });
    expect(float32s(m, op.inputs[2]!)).toEqual(src.transform.multiplier);
    expect(float32s(m, op.inputs[3]!)).toEqual(src.transform.bias);
    expect(tensor(op.outputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 4, 4, 64] });
    expect(op.customOptionsDecoded).toMatchObject({
      padding: 1,
      pad_values: 0,
      fused_activation_function: 1,
      channels_in: 32,
    });
  });

  it('LceBMaxPool2d options', () => {
    expect(ops[3]!.customOptionsDecoded).toEqual({
      padding: 1,
      stride_width: 2,
      stride_height: 2,
      filter_width: 2,
      filter_height: 2,
    });
  });

  it('binary dense becomes a 1×1 LceBconv2d on [1, 1, 1, words] tensors', () => {
    const [r1, q, bc, r2] = [ops[8]!, ops[9]!, ops[10]!, ops[11]!];
    expect(tensor(r1.inputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 64] });
    expect(tensor(r1.outputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 1, 1, 64] });
    expect(q.inputs[0]).toBe(r1.outputs[0]);
    expect(tensor(q.outputs[0]!)).toMatchObject({ type: TensorType.INT32, shape: [1, 1, 1, 2] });
    expect(bc.inputs[0]).toBe(q.outputs[0]);
    expect(tensor(bc.inputs[1]!).shape).toEqual([64, 1, 1, 2]);
    expect(bc.customOptionsDecoded).toMatchObject({ channels_in: 64, padding: 1 });
    expect(tensor(bc.outputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 1, 1, 64] });
    expect(tensor(r2.outputs[0]!)).toMatchObject({ type: TensorType.FLOAT32, shape: [1, 64] });
    expect(r2.builtinOptions).toEqual({ new_shape: [1, 64] });
  });

  it('float conv filter is OHWI, dense weights are [Cout, Cin]', () => {
    const conv = graph.ops[0] as Conv2DOp;
    const f = float32s(m, ops[0]!.inputs[1]!);
    expect(tensor(ops[0]!.inputs[1]!).shape).toEqual([32, 3, 3, 1]);
    // OHWI[o][h][w][i] = HWIO[h][w][i][o]
    for (const [o, h, w] of [
      [0, 0, 0],
      [5, 1, 2],
      [31, 2, 1],
    ] as const) {
      expect(f[(o * 3 + h) * 3 + w]).toBe(conv.filter[(h * 3 + w) * 32 + o]);
    }
    expect(ops[0]!.builtinOptions).toMatchObject({
      padding: 0,
      stride_w: 1,
      stride_h: 1,
      fused_activation_function: 1,
    });
    const dense = graph.ops.find((o) => o.op === 'dense') as DenseOp;
    const fc = ops[12]!;
    const wf = float32s(m, fc.inputs[1]!);
    expect(tensor(fc.inputs[1]!).shape).toEqual([10, 64]);
    expect(wf[3 * 64 + 7]).toBe(dense.weights[7 * 10 + 3]);
  });

  it('reads back identically through flatc --json with the TFLite schema', () => {
    const j = flatcDump(bytes);
    expect(j.version).toBe(3);
    expect(j.description).toBe('MLIR Converted.');
    expect(j.metadata).toEqual([{ name: 'min_runtime_version', buffer: m.buffers.length - 1 }]);
    const codes = j.operator_codes.map(
      (c: { custom_code?: string; builtin_code?: string }) => c.custom_code ?? c.builtin_code ?? 'ADD',
    );
    const jsg = j.subgraphs[0];
    expect(jsg.name).toBe('main');
    expect(jsg.operators.map((o: { opcode_index?: number }) => codes[o.opcode_index ?? 0])).toEqual(
      ops.map((o) => o.opName),
    );
    expect(jsg.tensors.map((t: { shape: number[] }) => t.shape)).toEqual(sg.tensors.map((t) => t.shape));
    expect(jsg.tensors.map((t: { name: string }) => t.name)).toEqual(sg.tensors.map((t) => t.name));
    const bconv = jsg.operators[2];
    expect(bconv.inputs).toEqual(ops[2]!.inputs);
    expect(bconv.custom_options.length).toBeGreaterThan(0);
    expect(jsg.operators[1].custom_options).toEqual([]);
    expect(jsg.operators[0].builtin_options_type).toBe('Conv2DOptions');
    const types = jsg.tensors.map((t: { type?: string }) => t.type ?? 'FLOAT32');
    expect(types).toEqual(sg.tensors.map((t) => ({ 0: 'FLOAT32', 2: 'INT32', 9: 'INT8' })[t.type]));
  });
});

describe('readTflite on damaged files', () => {
  it('throws TfliteReadError (never hangs or throws anything else) on truncations and byte edits', () => {
    const bytes = writeTflite(buildMixedGraph(1, { size: 8 }), { profile: 'arm' });
    const r = rng(99);
    for (let k = 0; k < 300; k++) {
      const c = k < 100 ? bytes.slice(0, Math.floor(r() * bytes.length)) : bytes.slice();
      if (k >= 100) for (let j = 0; j < 4; j++) c[Math.floor(r() * c.length)] = Math.floor(r() * 256);
      try {
        readTflite(c);
      } catch (e) {
        expect(e).toBeInstanceOf(TfliteReadError);
      }
    }
    expect(() => readTflite(new TextEncoder().encode('not a model at all'))).toThrow(/TFL3/);
  });
});

describe('packed bits match LCE', () => {
  it('writes the reference example word 0x10C73298 as bytes 98 32 c7 10', () => {
    const signs = '+ + + − − + + − + − + + − − + + − − − + + + − − + + + + − + + +'
      .split(' ')
      .map((s) => (s === '+' ? 1 : -1));
    const word = packBits(signs, 32);
    expect(word[0]! >>> 0).toBe(0x10c73298);
    const b = new GraphBuilder(rng(1), [1, 1, 32]);
    const q = b.add({ op: 'quantize', sourceNode: 'q', inputs: ['input'] }, [1, 1, 32], 'bitpacked');
    const out = b.bconv2d('bconv', q, {
      cout: 1,
      kernel: [1, 1],
      padding: 'valid',
      padValue: 0,
      filter: word,
      transform: () => ({ kind: 'bitpacked', thresholds: Int32Array.of(16) }),
    });
    const graph: DeployGraph = { ...b.graph('example', [out]), labels: [] };
    const m = readTflite(writeTflite(graph, { profile: 'arm' }));
    const filterTensor = m.subgraphs[0]!.tensors[m.subgraphs[0]!.operators[1]!.inputs[1]!]!;
    expect([...m.buffers[filterTensor.buffer]!.data!]).toEqual([0x98, 0x32, 0xc7, 0x10]);
  });
});

describe('.tflite (arm) of the remaining op kinds', () => {
  const graph = buildZooGraph(3);
  const m = readTflite(writeTflite(graph, { profile: 'arm' }));
  const sg = m.subgraphs[0]!;

  it('maps every op kind to LCE or builtin operators', () => {
    expect(sg.operators.map((o) => o.opName)).toEqual([
      'DEPTHWISE_CONV_2D',
      'RELU_N1_TO_1',
      'LceQuantize',
      'LceDequantize',
      'PADV2',
      'DEPTHWISE_CONV_2D',
      'MUL',
      'ADD',
      'LceDequantize',
      'ADD',
      'CONCATENATION',
      'MAX_POOL_2D',
      'AVERAGE_POOL_2D',
      'PRELU',
      'RELU_N1_TO_1',
      'SUB',
      'MUL',
      'ADD',
      'HARD_SWISH',
      'RELU',
      'RELU6',
      'RESHAPE',
    ]);
  });

  it('binary depthwise: ±1 weights from the packed bits, one-padding as PADV2 with value 1', () => {
    const pad = sg.operators[4]!;
    const paddings = sg.tensors[pad.inputs[1]!]!;
    expect(new Int32Array(m.buffers[paddings.buffer]!.data!.slice().buffer)).toEqual(
      Int32Array.of(0, 0, 1, 1, 1, 1, 0, 0),
    );
    const padValue = sg.tensors[pad.inputs[2]!]!;
    expect(new Float32Array(m.buffers[padValue.buffer]!.data!.slice().buffer)).toEqual(Float32Array.of(1));
    const conv = sg.operators[5]!;
    expect(conv.builtinOptions).toMatchObject({
      padding: 1,
      depth_multiplier: 1,
      fused_activation_function: 1,
    });
    const w = sg.tensors[conv.inputs[1]!]!;
    expect(w.shape).toEqual([1, 3, 3, 8]);
    const vals = new Float32Array(m.buffers[w.buffer]!.data!.slice().buffer);
    const src = graph.ops.find((o) => o.op === 'bdepthwise_conv2d')!;
    if (src.op !== 'bdepthwise_conv2d') throw new Error('fixture');
    for (let k = 0; k < 9; k++)
      for (let c = 0; c < 8; c++) expect(vals[k * 8 + c]).toBe((src.filter[k]! >>> c) & 1 ? -1 : 1);
    expect(sg.operators[7]!.builtinOptions).toMatchObject({ fused_activation_function: 1 });
  });

  it('depthwise float filter is [1, KH, KW, C·M]; concat on the channel axis; flatten keeps row-major order', () => {
    expect(sg.tensors[sg.operators[0]!.inputs[1]!]!.shape).toEqual([1, 3, 3, 8]);
    expect(sg.operators[0]!.builtinOptions).toMatchObject({ depth_multiplier: 2, padding: 0 });
    expect(sg.operators[10]!.builtinOptions).toEqual({ axis: 3, fused_activation_function: 0 });
    expect(sg.tensors[sg.operators[13]!.inputs[1]!]!.shape).toEqual([1, 1, 16]);
    expect(sg.tensors[sg.outputs[0]!]!.shape).toEqual([1, 256]);
  });

  it('flatc agrees', () => {
    const j = flatcDump(writeTflite(graph, { profile: 'arm' }));
    expect(j.subgraphs[0].operators).toHaveLength(sg.operators.length);
    expect(
      j.operator_codes.find((c: { custom_code?: string }) => c.custom_code === 'LceDequantize'),
    ).toBeTruthy();
  });
});
