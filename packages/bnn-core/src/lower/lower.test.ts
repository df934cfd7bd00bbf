import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  type DeployGraph,
  evaluateDeployGraphFloat,
  forwardGraphFloat,
  GraphBuilder,
  type GraphSpec,
  getPreset,
  inferGraph,
  LowerError,
  listPresets,
  lower,
  type ParamValue,
  packRows,
  randomWeights,
  seededRandom,
  unpackRows,
  WeightError,
  type WeightMap,
} from '../index.js';

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };

function randomInput(graph: GraphSpec, batch: number, seed: number): Float32Array {
  const shape = graph.nodes.find((n) => n.type === 'Input')!.params.shape as number[];
  const rnd = seededRandom(seed);
  const x = new Float32Array(batch * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = rnd();
  return x;
}

const argmax = (a: Float32Array, from: number, n: number) => {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[from + i]! > a[from + best]!) best = i;
  return best;
};

/** Lowers with random weights and checks the deploy graph against the graph's own float semantics. */
function checkParity(graph: GraphSpec, seed: number, batch = 3): DeployGraph {
  const weights = randomWeights(graph, seed);
  const deploy = lower(graph, weights);
  expect(checkDeployGraph(deploy)).toEqual([]);
  const x = randomInput(graph, batch, seed + 1);
  // Every bit-packed tensor must equal, bit for bit, sign() of the graph value it stands for.
  const reference = new Map<string, Float32Array>();
  const want = forwardGraphFloat(graph, weights, x, batch, (id, b, v) => reference.set(`${id}@${b}`, v));
  const kinds = new Map(deploy.tensors.map((t) => [t.id, t.kind]));
  let bitsChecked = 0;
  const got = evaluateDeployGraphFloat(deploy, x, batch, (id, b, v) => {
    if (kinds.get(id) !== 'bitpacked' || id.endsWith(':pre_pool')) return;
    const ref = reference.get(`${id.replace(/:bits$/, '').replace(/:normalized$/, '')}@${b}`);
    if (!ref) throw new Error(`no reference value for bit-packed tensor '${id}'`);
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== (ref[i]! < 0 ? -1 : 1)) {
        throw new Error(
          `seed ${seed}: bit ${i} of '${id}' (sample ${b}) is ${v[i]}, reference value ${ref[i]}`,
        );
      }
    }
    bitsChecked += v.length;
  });
  expect(bitsChecked).toBeGreaterThan(0);
  expect(got.length).toBe(want.length);
  for (let o = 0; o < want.length; o++) {
    const w = want[o]!;
    const g = got[o]!;
    expect(g.length).toBe(w.length);
    for (let i = 0; i < w.length; i++) {
      const tol = 1e-4 * Math.max(1, Math.abs(w[i]!));
      if (Math.abs(g[i]! - w[i]!) > tol) {
        throw new Error(
          `seed ${seed} output ${o}[${i}]: deploy ${g[i]} vs reference ${w[i]} (${graph.name})`,
        );
      }
    }
    const n = w.length / batch;
    for (let b = 0; b < batch; b++) expect(argmax(g, b * n, n)).toBe(argmax(w, b * n, n));
  }
  return deploy;
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** A random small graph exercising the foldable patterns (ReLU/MaxPool/BN after binary layers), residuals, concat. */
function randomGraph(seed: number): GraphSpec {
  const rnd = seededRandom(seed * 7919 + 13);
  const b = new GraphBuilder(`random-${seed}`);
  const h0 = 6 + Math.floor(rnd() * 5);
  const c0 = pick(rnd, [1, 3, 8, 33]);
  let x = b.input([h0, h0, c0], rnd() < 0.5 ? { normalization: { mean: 0.5, std: 0.25 } } : {});
  let shape = [h0, h0, c0];
  const kernelQ = () => pick(rnd, [STE, { id: 'magnitude_aware_sign' }, { id: 'approx_sign' }]);
  if (rnd() < 0.5) {
    const f = pick(rnd, [4, 16, 40]);
    const quant = rnd() < 0.5;
    x = b.add(
      quant ? 'QuantConv2D' : 'Conv2D',
      {
        filters: f,
        kernel_size: 3,
        padding: 'same',
        ...(quant ? { kernel_quantizer: STE, kernel_constraint: CLIP } : {}),
      },
      x,
    );
    shape = [shape[0]!, shape[1]!, f];
  }
  const blocks = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < blocks; i++) {
    const kind = pick(rnd, ['conv', 'conv', 'residual', 'depthwise', 'separable', 'concat', 'floatmix']);
    const small = shape[0]! < 4;
    if (kind === 'conv') {
      const f = pick(rnd, [3, 32, 35, 64]);
      const padding = small ? 'same' : pick(rnd, ['same', 'valid']);
      const strides = !small && rnd() < 0.3 ? 2 : 1;
      const dil = strides === 1 && !small && padding === 'same' && rnd() < 0.2 ? 2 : 1;
      x = b.add(
        'QuantConv2D',
        {
          filters: f,
          kernel_size: pick(rnd, [1, 3]),
          strides,
          dilation_rate: dil,
          padding,
          pad_values: pick(rnd, [0, 1]),
          input_quantizer: pick(rnd, [STE, { id: 'swish_sign' }]),
          kernel_quantizer: kernelQ(),
          kernel_constraint: CLIP,
          use_bias: rnd() < 0.3,
        },
        x,
      );
      const follow = pick(rnd, [
        [],
        ['BatchNormalization'],
        ['ReLU', 'BatchNormalization'],
        ['MaxPool2D', 'BatchNormalization'],
        ['BatchNormalization', 'MaxPool2D'],
        ['ReLU', 'MaxPool2D', 'BatchNormalization', 'Dropout'],
        ['BatchNormalization', 'ReLU'],
        ['BatchNormalization', 'ReLU', 'MaxPool2D'],
        ['MaxPool2D'],
      ]);
      for (const t of follow) {
        if (t === 'MaxPool2D' && (small || inferGraph(b.build()).nodes[x]!.outputShape![0]! < 2)) continue;
        x = b.add(t, t === 'MaxPool2D' ? { pool_size: 2, padding: pick(rnd, ['valid', 'same']) } : {}, x);
      }
    } else if (kind === 'residual') {
      const c = shape[2]!;
      const y = b.chain(x, [
        [
          'QuantConv2D',
          {
            filters: c,
            kernel_size: 3,
            padding: 'same',
            pad_values: 1,
            input_quantizer: STE,
            kernel_quantizer: kernelQ(),
            kernel_constraint: CLIP,
            use_bias: false,
          },
        ],
        ['ReLU'],
        ['BatchNormalization'],
      ]);
      x = b.add('Add', {}, y, x);
    } else if (kind === 'depthwise') {
      x = b.add(
        'QuantDepthwiseConv2D',
        {
          kernel_size: 3,
          padding: 'same',
          pad_values: pick(rnd, [0, 1]),
          input_quantizer: STE,
          depthwise_quantizer: kernelQ(),
          depthwise_constraint: CLIP,
          use_bias: rnd() < 0.5,
        },
        x,
      );
      x = b.add('BatchNormalization', {}, x);
    } else if (kind === 'separable') {
      x = b.add(
        'QuantSeparableConv2D',
        {
          filters: pick(rnd, [5, 33]),
          kernel_size: 3,
          padding: 'same',
          pad_values: 1,
          input_quantizer: STE,
          depthwise_quantizer: STE,
          pointwise_quantizer: STE,
          depthwise_constraint: CLIP,
          pointwise_constraint: CLIP,
          use_bias: rnd() < 0.5,
        },
        x,
      );
    } else if (kind === 'concat') {
      const a = b.add(
        'QuantConv2D',
        { filters: 7, kernel_size: 1, input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP },
        x,
      );
      const c = b.add('Conv2D', { filters: 5, kernel_size: 3, padding: 'same' }, x);
      const r = b.add('ReLU', {}, c);
      x = b.add('Concatenate', {}, a, r);
    } else {
      x = b.chain(x, [
        ['BatchNormalization', { center: rnd() < 0.5, scale: rnd() < 0.5 }],
        [pick(rnd, ['PReLU', 'HardTanh', 'LeakyTanh', 'ReLU'])],
        ...(small
          ? []
          : ([['AveragePool2D', { pool_size: 2, padding: 'same' }]] as Array<
              [string, Record<string, ParamValue>]
            >)),
      ]);
    }
    const a = inferGraph(b.build());
    const next = a.nodes[x]!.outputShape;
    if (!next) throw new Error(`randomGraph(${seed}): ${JSON.stringify(a.issues)}`);
    shape = next;
  }
  x = b.add(rnd() < 0.5 ? 'Flatten' : 'GlobalAveragePooling2D', {}, x);
  if (rnd() < 0.7) {
    x = b.chain(x, [
      [
        'QuantDense',
        {
          units: pick(rnd, [16, 40]),
          input_quantizer: STE,
          kernel_quantizer: kernelQ(),
          kernel_constraint: CLIP,
        },
      ],
      ['BatchNormalization'],
    ]);
  }
  x = b.add(
    'QuantDense',
    { units: 10, input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false },
    x,
  );
  x = b.add('BatchNormalization', {}, x);
  if (rnd() < 0.5) b.add('Softmax', {}, x);
  return b.build();
}

describe('LCE bit-packing', () => {
  it('packs LSB-first along the last axis, bit 1 = −1, sign(0) = +1, tail bits 0', () => {
    const v = new Float32Array(35).fill(1);
    v[0] = -1;
    v[31] = -0.5;
    v[32] = -2;
    v[33] = 0;
    v[34] = -0;
    const w = packRows(v, 1, 35);
    expect(Array.from(w)).toEqual([1 | (1 << 31) | 0, 1]);
    expect(Array.from(unpackRows(w, 1, 35))).toEqual(Array.from(v, (x) => (x < 0 ? -1 : 1)));
  });
});

describe('lower', () => {
  it('agrees with the float forward pass of the graph on random graphs and weights', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const g = randomGraph(seed);
      const errors = inferGraph(g).issues.filter((i) => i.severity === 'error');
      expect(errors, `seed ${seed}`).toEqual([]);
      const d = checkParity(g, seed);
      for (const op of d.ops) {
        seen.add(op.op);
        if ('transform' in op) {
          const t = op.transform;
          seen.add(`${op.op}:${t.kind}${t.kind === 'float' ? `:${t.clamp}:${t.activation}` : ''}`);
          if (op.op === 'bconv2d') seen.add(`bconv2d:pad${op.padding === 'same' ? op.padValue : '-'}`);
        }
      }
    }
    // The random graphs must have exercised every lowering path.
    for (const k of [
      'bconv2d:bitpacked',
      'bconv2d:float:none:none',
      'bconv2d:float:relu:none',
      'bconv2d:float:none:relu',
      'bconv2d:pad0',
      'bconv2d:pad1',
      'bdense:bitpacked',
      'bdense:float:none:none',
      'bdepthwise_conv2d',
      'bmaxpool2d',
      'maxpool2d',
      'quantize',
      'add',
      'concat',
      'conv2d',
      'prelu',
    ]) {
      expect(seen, k).toContain(k);
    }
  });

  it('agrees on the 28×28 presets (exactly in float32; in argmax where a layer is int8)', () => {
    for (const p of listPresets()) {
      if (p.id === 'quicknet-96' || p.id === 'binarynet-mlp') continue; // large; covered by the bench
      const g = getPreset(p.id);
      // The float32 twin: every path but the int8 layers, to the 1e-4 tolerance.
      const twin = structuredClone(g);
      for (const n of twin.nodes) if (n.params.precision === 'int8') n.params.precision = 'float32';
      checkParity(twin, 42, 2);
      // The preset as it is (int8 first conv / classifier, lower-int8.test.ts for the one-step bound): argmax.
      if (!g.nodes.some((n) => n.params.precision === 'int8')) continue;
      const weights = randomWeights(g, 42);
      const deploy = lower(g, weights);
      expect(checkDeployGraph(deploy)).toEqual([]);
      const x = randomInput(g, 4, 43);
      const want = forwardGraphFloat(g, weights, x, 4)[0]!;
      const got = evaluateDeployGraphFloat(deploy, x, 4)[0]!;
      const n = want.length / 4;
      for (let b = 0; b < 4; b++)
        expect(argmax(got, b * n, n), `${p.id} sample ${b}`).toBe(argmax(want, b * n, n));
    }
  });

  it('folds the Larq MNIST net into chained bit-packed ops', () => {
    const g = getPreset('larq-mnist');
    const d = checkParity(g, 7, 2);
    expect(d.ops.map((o) => o.op)).toEqual([
      'scale_shift', // input normalisation
      'conv2d', // float input, ±1 kernel
      'maxpool2d',
      'scale_shift', // BN after the float conv stays a separate op
      'quantize',
      'bconv2d', // → maxpool → BN folded: thresholds, then bit-packed max-pool
      'bmaxpool2d',
      'bconv2d', // BN folded: thresholds (its consumer Flatten is not binary → float)
      'reshape',
      'quantize',
      'bdense',
      'bdense',
      'softmax',
    ]);
    const bconv = d.ops[5]!;
    expect(bconv.op === 'bconv2d' && bconv.transform.kind).toBe('bitpacked');
    const tensors = new Map(d.tensors.map((t) => [t.id, t]));
    expect(tensors.get(d.ops[6]!.outputs[0]!)!.kind).toBe('bitpacked');
    const dense1 = d.ops[10]!;
    expect(dense1.op === 'bdense' && dense1.transform.kind).toBe('bitpacked');
    const dense2 = d.ops[11]!;
    expect(dense2.op === 'bdense' && dense2.transform.kind).toBe('float');
    expect(d.outputs).toEqual([d.ops[12]!.outputs[0]]);
  });

  it('QuickNet blocks lower to one-padded bconv2d with clamp=relu and folded BN', () => {
    const d = checkParity(getPreset('quicknet-28'), 3, 1);
    const bconvs = d.ops.filter((o) => o.op === 'bconv2d');
    expect(bconvs.length).toBe(4);
    for (const op of bconvs) {
      if (op.op !== 'bconv2d' || op.transform.kind !== 'float') throw new Error('expected float transform');
      expect(op.padValue).toBe(1);
      expect(op.transform.clamp).toBe('relu');
    }
  });

  it('zero-padded binary convs get float output even before a binary consumer', () => {
    const b = new GraphBuilder('zp');
    const x = b.input([6, 6, 3]);
    const c1 = b.add(
      'QuantConv2D',
      { filters: 8, padding: 'same', input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP },
      x,
    );
    const bn = b.add('BatchNormalization', {}, c1);
    const c2 = b.add(
      'QuantConv2D',
      { filters: 4, input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP },
      bn,
    );
    const f = b.add('Flatten', {}, c2);
    b.add('Dense', { units: 3 }, f);
    const d = checkParity(b.build(), 11);
    const first = d.ops.find((o) => o.op === 'bconv2d')!;
    expect(first.op === 'bconv2d' && first.transform.kind).toBe('float');
    expect(d.ops.map((o) => o.op)).toContain('quantize');
  });

  it('handles magnitude_aware_sign, negative and zero BN scales, and exact threshold ties', () => {
    // A dense layer with K = 4 inputs and hand-set BN so that y = M·dot + B hits 0 exactly for some dot.
    const b = new GraphBuilder('ties');
    const x = b.input([4]);
    const d1 = b.add(
      'QuantDense',
      { units: 4, input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false },
      x,
    );
    const bn = b.add('BatchNormalization', { epsilon: 0 }, d1);
    const d2 = b.add(
      'QuantDense',
      { units: 4, input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false },
      bn,
    );
    b.add('BatchNormalization', { epsilon: 0 }, d2);
    const g = b.build();
    const t = (shape: number[], data: number[]) => ({ shape, data: Float32Array.from(data) });
    const eye = [1, -1, -1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1, -1, 1];
    const weights: WeightMap = {
      [d1]: { kernel: t([4, 4], eye) },
      // y = gamma·(dot − mean) + beta with var = 1: channel 0 positive scale tie at dot = 2, channel 1 negative
      // scale tie at dot = 0, channel 2 gamma 0 with beta < 0 (always −1), channel 3 gamma 0, beta 0 (always +1).
      [bn]: {
        gamma: t([4], [1, -2, 0, 0]),
        beta: t([4], [0, 0, -1, 0]),
        moving_mean: t([4], [2, 0, 0, 0]),
        moving_variance: t([4], [1, 1, 1, 1]),
      },
      [d2]: { kernel: t([4, 4], eye) },
      [b.build().nodes[4]!.id]: {
        gamma: t([4], [1, 1, 1, 1]),
        beta: t([4], [0, 0, 0, 0]),
        moving_mean: t([4], [0, 0, 0, 0]),
        moving_variance: t([4], [1, 1, 1, 1]),
      },
    };
    const deploy = lower(g, weights);
    const op = deploy.ops.find((o) => o.op === 'bdense' && o.transform.kind === 'bitpacked')!;
    if (op.op !== 'bdense' || op.transform.kind !== 'bitpacked') throw new Error('expected thresholds');
    // K = 4. ch0: τ = floor((−2 + 4)/2) = 1; ch1: flipped, τ = floor((0 + 4)/2) = 2; ch2: INT32_MIN; ch3: INT32_MAX.
    expect(Array.from(op.transform.thresholds)).toEqual([1, 2, -2147483648, 2147483647]);
    // Exhaustive over all 16 sign patterns of the input: compare with the graph semantics (sign(0) = +1).
    const xs: number[] = [];
    for (let m = 0; m < 16; m++) for (let i = 0; i < 4; i++) xs.push((m >> i) & 1 ? -1 : 1);
    const input = Float32Array.from(xs);
    const want = forwardGraphFloat(g, weights, input, 16)[0]!;
    const got = evaluateDeployGraphFloat(deploy, input, 16)[0]!;
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('refuses undeployable graphs with the node and a fix', () => {
    const b = new GraphBuilder('bad');
    const x = b.input([4]);
    b.add(
      'QuantDense',
      { units: 2, input_quantizer: { id: 'dorefa' }, kernel_quantizer: STE, kernel_constraint: CLIP },
      x,
    );
    const g = b.build();
    expect(() => lower(g, randomWeights(g, 1))).toThrow(LowerError);
    try {
      lower(g, randomWeights(g, 1));
    } catch (e) {
      expect((e as LowerError).nodeId).toBe('quant_dense_1');
      expect((e as LowerError).fix).toMatch(/ste_sign/);
    }
    const broken = getPreset('larq-mnist');
    broken.edges.pop();
    expect(() => lower(broken, {})).toThrow(/error/);
    const ok = getPreset('larq-mnist');
    const w = randomWeights(ok, 2);
    delete w.batch_normalization_3!.moving_mean;
    expect(() => lower(ok, w)).toThrow(WeightError);
    expect(() => lower(ok, w)).toThrow(/batch_normalization_3.*moving_mean/);
    const w2 = randomWeights(ok, 2);
    w2.quant_conv2d_4!.kernel!.shape = [3, 3, 32, 63];
    expect(() => lower(ok, w2)).toThrow(/expected \[3, 3, 32, 64\]/);
  });

  it('non-XNOR quantizers lower to float ops with the quantized weight values', () => {
    const b = new GraphBuilder('fq');
    const x = b.input([5, 5, 2]);
    const c = b.add('QuantConv2D', { filters: 3, kernel_quantizer: { id: 'ste_tern' } }, x);
    const c2 = b.add(
      'QuantConv2D',
      {
        filters: 3,
        padding: 'same',
        input_quantizer: STE,
        kernel_quantizer: { id: 'dorefa', config: { mode: 'weights', k_bit: 3 } },
      },
      c,
    );
    const dw = b.add(
      'QuantDepthwiseConv2D',
      {
        depth_multiplier: 2,
        padding: 'same',
        input_quantizer: STE,
        depthwise_quantizer: STE,
        depthwise_constraint: CLIP,
      },
      c2,
    );
    const f = b.add('Flatten', {}, dw);
    b.add('Dense', { units: 2 }, f);
    const d = checkParity(b.build(), 5);
    expect(d.ops.map((o) => o.op)).toEqual([
      'conv2d',
      'quantize',
      'dequantize',
      'conv2d',
      'quantize',
      'dequantize',
      'depthwise_conv2d',
      'reshape',
      'dense',
    ]);
  });
});

describe('lower: padding that never reaches past the input', () => {
  it("treats 'same' 1×1 and exact-stride windows as unpadded (constant K, bit-packed output allowed)", () => {
    const b = new GraphBuilder('nopad');
    const x = b.input([8, 8, 3]);
    const c1 = b.add(
      'QuantConv2D',
      {
        filters: 8,
        kernel_size: 2,
        strides: 2,
        padding: 'same',
        input_quantizer: STE,
        kernel_quantizer: STE,
        kernel_constraint: CLIP,
      },
      x,
    );
    const bn = b.add('BatchNormalization', {}, c1);
    const c2 = b.add(
      'QuantConv2D',
      {
        filters: 4,
        kernel_size: 1,
        padding: 'same',
        pad_values: 1,
        input_quantizer: STE,
        kernel_quantizer: { id: 'ste_tern' },
      },
      bn,
    );
    const f = b.add('Flatten', {}, c2);
    b.add('Dense', { units: 3 }, f);
    const d = checkParity(b.build(), 21);
    const first = d.ops.find((o) => o.op === 'bconv2d')!;
    expect(first.op === 'bconv2d' && first.transform.kind).toBe('bitpacked');
    // Emitted as 'valid' (same geometry, no padded taps) so executors see constant K.
    expect(first.op === 'bconv2d' && first.padding).toBe('valid');
    expect(checkDeployGraph(d)).toEqual([]);
  });
});
