// int8-precision layers: lowering turns them into int8 deploy ops whose integer results equal the fake-quantized
// forward pass of the graph (eval/int8-layer.ts) up to TFLite's fixed-point requantization (one output step), and
// whose argmaxes agree. Seeded random graphs mix int8, float32 and binary layers.
import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  evaluateDeployGraphFloat,
  forwardGraphFloat,
  GraphBuilder,
  type GraphSpec,
  lower,
  randomWeights,
  seededRandom,
} from '../index.js';

const STE = { id: 'ste_sign' };

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** int8 first conv (+ ReLU or BN), binary convs, an optional int8 depthwise, an int8 or float head. */
function int8Graph(seed: number): GraphSpec {
  const rnd = seededRandom(seed * 31 + 5);
  const b = new GraphBuilder(`int8-${seed}`);
  const h = 6 + Math.floor(rnd() * 4);
  let x = b.input([h, h, pick(rnd, [1, 3])], { normalization: { mean: 0.5, std: 0.25 } });
  x = b.add(
    'Conv2D',
    {
      filters: pick(rnd, [8, 32]),
      kernel_size: 3,
      padding: pick(rnd, ['same', 'valid']),
      strides: pick(rnd, [1, 2]),
      use_bias: rnd() < 0.7,
      precision: 'int8',
    },
    x,
  );
  const after = pick(rnd, ['relu', 'bn', 'none']);
  if (after === 'relu') x = b.add('ReLU', {}, x);
  if (after === 'bn') x = b.add('BatchNormalization', {}, x);
  x = b.add(
    'QuantConv2D',
    {
      filters: pick(rnd, [16, 32]),
      kernel_size: 3,
      padding: 'same',
      pad_values: 1,
      input_quantizer: STE,
      kernel_quantizer: STE,
      use_bias: false,
    },
    x,
  );
  x = b.add('BatchNormalization', {}, x);
  if (rnd() < 0.5) {
    x = b.add(
      'DepthwiseConv2D',
      { kernel_size: 3, padding: 'same', depth_multiplier: pick(rnd, [1, 2]), precision: 'int8' },
      x,
    );
  }
  x = b.add('Flatten', {}, x);
  x = b.add('Dense', { units: 10, use_bias: true, precision: pick(rnd, ['int8', 'int8', 'float32']) }, x);
  b.add('Softmax', {}, x);
  return b.build();
}

describe('lower: int8-precision layers', () => {
  it('become int8 ops that agree with the fake-quantized forward pass (one step; argmax parity)', () => {
    const seen = new Set<string>();
    let compared = 0;
    let equal = 0;
    let withinStep = 0;
    let argmaxSame = 0;
    let samples = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const g = int8Graph(seed);
      const weights = randomWeights(g, seed);
      const deploy = lower(g, weights);
      expect(checkDeployGraph(deploy), `seed ${seed}`).toEqual([]);
      for (const op of deploy.ops) seen.add(op.op);
      const batch = 4;
      const rnd = seededRandom(seed + 100);
      const shape = g.nodes.find((n) => n.type === 'Input')!.params.shape as number[];
      const x = Float32Array.from({ length: batch * shape.reduce((a, c) => a * c, 1) }, () => rnd());
      const ref = new Map<string, Float32Array>();
      const [want] = forwardGraphFloat(g, weights, x, batch, (id, s, v) => ref.set(`${id}@${s}`, v));
      const quantOf = new Map(deploy.tensors.map((t) => [t.id, t.quant]));
      const [got] = evaluateDeployGraphFloat(deploy, x, batch, (id, s, v) => {
        const q = quantOf.get(id);
        const r = ref.get(`${id}@${s}`);
        if (!q || !r) return; // int8 tensors named after their node hold that node's value
        for (let i = 0; i < v.length; i++) {
          const real = q.scale * (v[i]! - q.zeroPoint);
          compared++;
          const d = Math.abs(real - r[i]!);
          if (d <= 1e-6 * Math.max(1, Math.abs(r[i]!))) equal++;
          if (d <= q.scale * 1.0001 + 1e-6) withinStep++;
        }
      });
      const n = 10;
      for (let s = 0; s < batch; s++) {
        samples++;
        const am = (a: Float32Array) => {
          let best = 0;
          for (let i = 1; i < n; i++) if (a[s * n + i]! > a[s * n + best]!) best = i;
          return best;
        };
        if (am(got!) === am(want!)) argmaxSame++;
      }
    }
    for (const k of [
      'int8_quantize',
      'int8_conv2d',
      'int8_dense',
      'int8_depthwise_conv2d',
      'int8_dequantize',
    ]) {
      expect(seen, k).toContain(k);
    }
    expect(compared).toBeGreaterThan(1000);
    // Fixed-point requantization rounds differently from float only near ties (one step); a step can flip a
    // later sign bit, so downstream values may move further, rarely.
    expect(equal / compared).toBeGreaterThan(0.97);
    expect(withinStep / compared).toBeGreaterThan(0.995);
    expect(argmaxSame / samples).toBeGreaterThanOrEqual(0.95);
  });

  it('an int8 conv feeding a binary layer directly is bit-packed from int8 (LceQuantize: q < zero point)', () => {
    const b = new GraphBuilder('int8-into-binary');
    let x = b.input([6, 6, 3]);
    x = b.add('Conv2D', { filters: 32, kernel_size: 3, padding: 'same', precision: 'int8' }, x);
    x = b.add(
      'QuantConv2D',
      { filters: 8, kernel_size: 3, input_quantizer: STE, kernel_quantizer: STE, use_bias: false },
      x,
    );
    b.add('Dense', { units: 3 }, b.add('Flatten', {}, x));
    const g = b.build();
    const d = lower(g, randomWeights(g, 3));
    expect(d.ops.map((o) => o.op).slice(0, 4)).toEqual([
      'int8_quantize',
      'int8_conv2d',
      'int8_bitpack',
      'bconv2d',
    ]);
  });

  it('a max-pool after an int8 layer pools the int8 values (exact: max commutes with dequantization)', () => {
    const b = new GraphBuilder('int8-pool');
    let x = b.input([8, 8, 1]);
    x = b.add('Conv2D', { filters: 8, kernel_size: 3, precision: 'int8' }, x);
    x = b.add('MaxPool2D', { pool_size: 2 }, x);
    x = b.add('BatchNormalization', {}, x);
    x = b.add(
      'QuantConv2D',
      { filters: 8, kernel_size: 3, input_quantizer: STE, kernel_quantizer: STE, use_bias: false },
      x,
    );
    b.add('Dense', { units: 3 }, b.add('Flatten', {}, x));
    const g = b.build();
    const w = randomWeights(g, 6);
    const d = lower(g, w);
    expect(checkDeployGraph(d)).toEqual([]);
    expect(d.ops.map((o) => o.op).slice(0, 5)).toEqual([
      'int8_quantize',
      'int8_conv2d',
      'int8_maxpool2d',
      'int8_dequantize',
      'scale_shift',
    ]);
    const rnd = seededRandom(8);
    const xs = Float32Array.from({ length: 3 * 64 }, () => rnd());
    const ref = new Map<string, Float32Array>();
    forwardGraphFloat(g, w, xs, 3, (id, s, v) => ref.set(`${id}@${s}`, v));
    const pool = g.nodes.find((n) => n.type === 'MaxPool2D')!.id;
    const q = d.tensors.find((t) => t.id === pool)!.quant!;
    evaluateDeployGraphFloat(d, xs, 3, (id, s, v) => {
      if (id !== pool) return;
      const r = ref.get(`${id}@${s}`)!;
      let within = 0;
      for (let i = 0; i < v.length; i++)
        if (Math.abs(q.scale * (v[i]! - q.zeroPoint) - r[i]!) <= q.scale * 1.0001) within++;
      expect(within).toBe(v.length);
    });
  });

  it('a ReLU after an int8 layer is fused (clamp at the output zero point)', () => {
    const b = new GraphBuilder('int8-relu');
    let x = b.input([5, 5, 2]);
    x = b.add('Conv2D', { filters: 4, kernel_size: 3, precision: 'int8' }, x);
    x = b.add('ReLU', {}, x);
    b.add('Dense', { units: 3 }, b.add('Flatten', {}, x));
    const g = b.build();
    const d = lower(g, randomWeights(g, 4));
    const conv = d.ops.find((o) => o.op === 'int8_conv2d')!;
    expect(conv.op === 'int8_conv2d' && conv.activation).toBe('relu');
    expect(d.ops.map((o) => o.op).slice(0, 3)).toEqual(['int8_quantize', 'int8_conv2d', 'int8_dequantize']);
  });

  it('refuses an int8 layer without its tracked ranges, naming the node and the variable', () => {
    const b = new GraphBuilder('int8-missing');
    const x = b.input([5, 5, 2]);
    const c = b.add('Conv2D', { filters: 4, kernel_size: 3, precision: 'int8' }, x);
    b.add('Dense', { units: 3 }, b.add('Flatten', {}, c));
    const g = b.build();
    const w = randomWeights(g, 4);
    const conv = g.nodes.find((n) => n.type === 'Conv2D')!.id;
    delete w[conv]!.input_min;
    expect(() => lower(g, w)).toThrow(new RegExp(`${conv}.*input_min`));
  });
});
