import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  type DeployGraph,
  type DeployOp,
  evaluateDeployGraphFloat,
  quantizeMultiplier,
  randomInt8DeployGraph,
} from '../index.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function opOf<K extends DeployOp['op']>(g: DeployGraph, kind: K): Extract<DeployOp, { op: K }> {
  return g.ops.find((o) => o.op === kind) as Extract<DeployOp, { op: K }>;
}

const firstIssue = (g: DeployGraph) => checkDeployGraph(g)[0];

describe('int8 deploy ops: contracts', () => {
  it('accepts every seeded random int8 graph (every int8 op, both paddings, both activations)', () => {
    const kinds = new Set<string>();
    for (const seed of SEEDS) {
      const { graph } = randomInt8DeployGraph(seed);
      expect(checkDeployGraph(graph), `seed ${seed}`).toEqual([]);
      for (const o of graph.ops) kinds.add(o.op);
    }
    expect([...kinds].sort()).toEqual(
      [
        'int8_add',
        'int8_avgpool2d',
        'int8_bconv2d',
        'int8_bitpack',
        'int8_conv2d',
        'int8_dense',
        'int8_depthwise_conv2d',
        'int8_dequantize',
        'int8_maxpool2d',
        'int8_quantize',
        'int8_softmax',
      ].sort(),
    );
  });

  it('validates the quantization of int8 tensors', () => {
    const base = randomInt8DeployGraph(1).graph;
    const g1 = structuredClone(base);
    delete g1.tensors.find((t) => t.id === 'conv')!.quant;
    expect(firstIssue(g1)!.message).toMatch(/int8 tensor "conv" has no quant/);
    const g2 = structuredClone(base);
    g2.tensors.find((t) => t.id === 'conv')!.quant!.scale = 0.1; // not a float32 value
    expect(firstIssue(g2)!.message).toMatch(/has scale 0.1/);
    expect(firstIssue(g2)!.fix).toMatch(/float32/);
    const g3 = structuredClone(base);
    g3.tensors.find((t) => t.id === 'conv')!.quant!.zeroPoint = 128;
    expect(firstIssue(g3)!.message).toMatch(/zero point 128/);
    const g4 = structuredClone(base);
    g4.tensors.find((t) => t.id === 'x')!.quant = { scale: 1, zeroPoint: 0 };
    expect(firstIssue(g4)!.message).toMatch(/float32 tensor "x" has int8 quantization/);
  });

  it('refuses broken int8 ops with the op, the problem and a fix', () => {
    const base = randomInt8DeployGraph(2).graph;
    const pool = structuredClone(base);
    const poolOut = pool.ops.find((o) => o.op === 'int8_maxpool2d' || o.op === 'int8_avgpool2d')!.outputs[0]!;
    pool.tensors.find((t) => t.id === poolOut)!.quant!.zeroPoint += 1;
    expect(firstIssue(pool)).toMatchObject({ code: 'bad_op', sourceNode: 'pool' });
    expect(firstIssue(pool)!.message).toMatch(/must share their quantization/);

    const w = structuredClone(base);
    opOf(w, 'int8_conv2d').filter[0] = -128;
    expect(firstIssue(w)!.message).toMatch(/symmetric int8 weights/);

    const sc = structuredClone(base);
    opOf(sc, 'int8_dense').filterScales[0] = 0;
    expect(firstIssue(sc)!.message).toMatch(/scales must be positive/);

    const three = structuredClone(base);
    const addOp = opOf(three, 'int8_add');
    addOp.inputs = [...addOp.inputs, addOp.inputs[0]!];
    expect(firstIssue(three)!.message).toMatch(/int8 add takes exactly two/);

    const kind = structuredClone(base);
    opOf(kind, 'int8_quantize').op = 'int8_dequantize' as never;
    expect(firstIssue(kind)!.message).toMatch(/is float32, expected int8/);

    const big = structuredClone(base);
    const conv = opOf(big, 'int8_conv2d');
    conv.bias = new Int32Array(conv.outChannels).fill(2147480000);
    expect(firstIssue(big)!.message).toMatch(/overflow the int32 accumulator/);
  });

  it("refuses int8 output of a binary conv with 'same' zero-padding (LCE refuses it)", () => {
    for (const seed of SEEDS) {
      const g = structuredClone(randomInt8DeployGraph(seed).graph);
      const b = opOf(g, 'int8_bconv2d');
      if (b.padding !== 'same') continue;
      b.padValue = 0;
      expect(firstIssue(g)).toMatchObject({ rule: 'int8.zero_padding', sourceNode: 'bconv' });
      return;
    }
    throw new Error('no seed drew a same-padded binary conv');
  });
});

describe('int8 deploy ops: oracle', () => {
  const q = (scale: number, zeroPoint: number) => ({ scale: Math.fround(scale), zeroPoint });

  it('computes TFLite QUANTIZE → CONV_2D (1×1) → DEQUANTIZE by hand', () => {
    const g: DeployGraph = {
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'hand',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [1, 1, 2], kind: 'float32' },
        { id: 'q', shape: [1, 1, 2], kind: 'int8', quant: q(0.5, 1) },
        { id: 'c', shape: [1, 1, 1], kind: 'int8', quant: q(0.25, -2) },
        { id: 'y', shape: [1, 1, 1], kind: 'float32' },
      ],
      ops: [
        { op: 'int8_quantize', sourceNode: 'q', inputs: ['x'], outputs: ['q'] },
        {
          op: 'int8_conv2d',
          sourceNode: 'c',
          inputs: ['q'],
          outputs: ['c'],
          filter: Int8Array.from([3, -2]),
          filterScales: Float32Array.from([0.125]),
          bias: Int32Array.from([4]),
          inChannels: 2,
          outChannels: 1,
          kernel: [1, 1],
          strides: [1, 1],
          dilations: [1, 1],
          padding: 'valid',
          activation: 'none',
        },
        { op: 'int8_dequantize', sourceNode: 'y', inputs: ['c'], outputs: ['y'] },
      ],
    };
    expect(checkDeployGraph(g)).toEqual([]);
    // x = [1.25, -0.75] → q = round([2.5, −1.5]) + 1 = [3 + 1, −2 + 1] = [4, −1] (ties away from zero)
    // acc = 3·(4 − 1) + (−2)·(−1 − 1) + 4 = 9 + 4 + 4 = 17; M = 0.5·0.125 / 0.25 = 0.25 = 2^30·2^(−1−31).
    // TFLite rounds twice: HighMul(17, 2^30) = round(8.5) = 9, RoundingDivideByPOT(9, 1) = round(4.5) = 5
    // (not round(4.25) = 4). y_q = 5 − 2 = 3 → y = 0.25 · (3 + 2) = 1.25
    const seen = new Map<string, number[]>();
    const [y] = evaluateDeployGraphFloat(g, Float32Array.from([1.25, -0.75]), 1, (id, _b, v) =>
      seen.set(id, [...v]),
    );
    expect(seen.get('q')).toEqual([4, -1]);
    expect(seen.get('c')).toEqual([3]);
    expect([...y!]).toEqual([1.25]);
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 2 ** 30, shift: -1 });
  });

  it('runs every random int8 graph to finite outputs on the int8 grid', () => {
    for (const seed of SEEDS.slice(0, 12)) {
      const { graph, input, batch } = randomInt8DeployGraph(seed);
      const ints = new Map<string, number[]>();
      const [y] = evaluateDeployGraphFloat(graph, input, batch, (id, _b, v) => ints.set(id, [...v]));
      expect(y!.every(Number.isFinite)).toBe(true);
      for (const t of graph.tensors) {
        if (t.kind !== 'int8') continue;
        expect(
          ints.get(t.id)!.every((v) => Number.isInteger(v) && v >= -128 && v <= 127),
          t.id,
        ).toBe(true);
      }
      // bit-packed tensors are ±1 and mark q < zero point
      const bits = ints.get('bits')!;
      const pooled = ints.get('pool')!;
      const zp = graph.tensors.find((t) => t.id === 'pool')!.quant!.zeroPoint;
      expect(bits).toEqual(pooled.map((v) => (v < zp ? -1 : 1)));
    }
  });
});
