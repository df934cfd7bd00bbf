/**
 * The grid of shapes the latency table is measured on: seeded DeployGraphs whose layers sweep the runtime's
 * kernels over map sizes, channel counts, kernel sizes, strides, paddings and output kinds (each graph is one
 * firmware bundle; every layer of it is one sample, counted per layer in QEMU). Three families — float (stems,
 * depthwise, pools, element-wise, dense heads), binary (bit-packed and float-output binary convs over every
 * popcount row-length bin, binary depthwise, max-pool, binary dense) and int8 (convs, depthwise, add, pools,
 * bitpack, int8-output binary convs, int8 dense) — plus the random architectures of firmware/random-graph.ts
 * for the odd shapes. Sizes stay inside the STM32L4R9 limits (the bundle builder refuses larger models).
 */
import {
  axisWindow,
  type DeployGraph,
  lower,
  type Padding,
  randomWeights,
  seededRandom,
  TRUNK_DEFAULTS,
  trunkGraph,
} from '@bnn-studio/bnn-core';
import { GraphBuilder, randomDeployGraph } from '../firmware/random-graph.js';

const out = (n: number, k: number, s: number, p: Padding) => axisWindow(n, k, s, 1, p).out;

function graph(g: GraphBuilder, name: string, input: string, outputs: string[]): DeployGraph {
  return { format: 'bnn-studio.deploy', version: 1, name, input, outputs, tensors: g.tensors, ops: g.ops };
}

function conv(
  g: GraphBuilder,
  x: string,
  cout: number,
  k: number,
  s: number,
  padding: Padding,
  relu: boolean,
) {
  const [h, w, cin] = g.shape(x) as [number, number, number];
  return g.add({
    op: 'conv2d',
    sourceNode: g.node('conv'),
    inputs: [x],
    filter: g.floats(k * k * cin * cout, 0.5),
    bias: g.floats(cout, 0.1),
    inChannels: cin,
    outChannels: cout,
    kernel: [k, k],
    strides: [s, s],
    dilations: [1, 1],
    padding,
    activation: relu ? 'relu' : 'none',
    outputs: [g.tensor([out(h, k, s, padding), out(w, k, s, padding), cout], 'float32')],
  });
}

function depthwise(g: GraphBuilder, x: string, m: number, padding: Padding, relu: boolean) {
  const [h, w, c] = g.shape(x) as [number, number, number];
  return g.add({
    op: 'depthwise_conv2d',
    sourceNode: g.node('dw'),
    inputs: [x],
    filter: g.floats(9 * c * m, 0.5),
    bias: g.floats(c * m, 0.2),
    channels: c,
    depthMultiplier: m,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding,
    activation: relu ? 'relu' : 'none',
    outputs: [g.tensor([out(h, 3, 1, padding), out(w, 3, 1, padding), c * m], 'float32')],
  });
}

function pool(
  g: GraphBuilder,
  kind: 'maxpool2d' | 'avgpool2d' | 'int8_maxpool2d' | 'int8_avgpool2d' | 'bmaxpool2d',
  x: string,
  k: number,
  s: number,
  padding: Padding,
) {
  const [h, w, c] = g.shape(x) as [number, number, number];
  const t = g.kind(x);
  const shape = [out(h, k, s, padding), out(w, k, s, padding), c];
  return g.add({
    op: kind,
    sourceNode: g.node(kind),
    inputs: [x],
    pool: [k, k],
    strides: [s, s],
    padding,
    outputs: [t === 'int8' ? g.tensor(shape, 'int8', { ...g.q(x) }) : g.tensor(shape, t)],
  } as Parameters<GraphBuilder['add']>[0]);
}

function unary(g: GraphBuilder, op: 'relu' | 'hard_tanh' | 'softmax' | 'relu6' | 'hard_swish', x: string) {
  return g.add({ op, sourceNode: g.node(op), inputs: [x], outputs: [g.tensor(g.shape(x), 'float32')] });
}

function bconv(
  g: GraphBuilder,
  x: string,
  cout: number,
  k: number,
  s: number,
  padding: Padding,
  opts: { bitpacked: boolean; padValue?: 0 | 1 },
) {
  const [h, w, cin] = g.shape(x) as [number, number, number];
  const K = k * k * cin;
  const bit = opts.bitpacked;
  return g.add({
    op: 'bconv2d',
    sourceNode: g.node('bconv'),
    inputs: [x],
    outputs: [g.tensor([out(h, k, s, padding), out(w, k, s, padding), cout], bit ? 'bitpacked' : 'float32')],
    filter: g.packed(cout * k * k, cin),
    inChannels: cin,
    outChannels: cout,
    kernel: [k, k],
    strides: [s, s],
    dilations: [1, 1],
    padding,
    padValue: opts.padValue ?? 1,
    transform: bit ? g.bitTransform(cout, K) : g.floatTransform(cout, K),
  });
}

/** `act`: 'relu' with a random output zero point, 'relu0' with zero point −128 (what a calibrated ReLU output
 * gets: the full int8 range, no clamp), or 'none'. */
function int8Conv(
  g: GraphBuilder,
  x: string,
  cout: number,
  k: number,
  s: number,
  padding: Padding,
  act: 'relu' | 'relu0' | 'none' = 'relu',
) {
  const [h, w, cin] = g.shape(x) as [number, number, number];
  const taps = k * k * cin;
  const quant = g.int8Quant(g.accScale(g.q(x).scale, taps));
  if (act === 'relu0') quant.zeroPoint = -128;
  return g.add({
    op: 'int8_conv2d',
    sourceNode: g.node('int8_conv'),
    inputs: [x],
    filter: g.int8Weights(cout * taps),
    filterScales: g.int8Scales(cout),
    bias: g.int8Bias(cout),
    inChannels: cin,
    outChannels: cout,
    kernel: [k, k],
    strides: [s, s],
    dilations: [1, 1],
    padding,
    activation: act === 'none' ? 'none' : 'relu',
    outputs: [g.tensor([out(h, k, s, padding), out(w, k, s, padding), cout], 'int8', quant)],
  });
}

function int8Bconv(g: GraphBuilder, x: string, cout: number, k: number, padding: Padding) {
  const [h, w, cin] = g.shape(x) as [number, number, number];
  const K = k * k * cin;
  return g.add({
    op: 'int8_bconv2d',
    sourceNode: g.node('int8_bconv'),
    inputs: [x],
    filter: g.packed(cout * k * k, cin),
    inChannels: cin,
    outChannels: cout,
    kernel: [k, k],
    strides: [1, 1],
    dilations: [1, 1],
    padding,
    padValue: 1,
    clamp: 'none',
    multiplier: g.floats(cout, 1 / Math.max(1, Math.sqrt(K))),
    bias: g.floats(cout, 0.5),
    outputs: [g.tensor([out(h, k, 1, padding), out(w, k, 1, padding), cout], 'int8', g.int8Quant(4 / 255))],
  });
}

function flattenDense(g: GraphBuilder, x: string, classes: number): string {
  const flat = g.shape(x).reduce((a, b) => a * b, 1);
  const f = g.add({
    op: 'reshape',
    sourceNode: g.node('flatten'),
    inputs: [x],
    outputs: [g.tensor([flat], 'float32')],
  });
  return g.add({
    op: 'dense',
    sourceNode: g.node('dense'),
    inputs: [f],
    weights: g.floats(flat * classes, 1 / Math.sqrt(flat)),
    bias: g.floats(classes, 0.1),
    inChannels: flat,
    outChannels: classes,
    activation: 'none',
    outputs: [g.tensor([classes], 'float32')],
  });
}

/** Float stems and heads: conv k×k (stride 1/2), depthwise (multiplier 1/2), pools, element-wise, dense. */
function floatFamily(h: number, cin: number, c: number, seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([h, h, cin], 'float32');
  let x = g.add({
    op: 'scale_shift',
    sourceNode: 'normalize',
    inputs: [input],
    scale: g.floats(cin, 0.5, 1),
    shift: g.floats(cin, 0.3),
    outputs: [g.tensor([h, h, cin], 'float32')],
  });
  x = conv(g, x, c, 3, 1, 'same', true);
  const a = conv(g, x, c, 3, 2, seed % 2 ? 'same' : 'valid', false);
  x = pool(g, 'maxpool2d', x, 2, 2, 'valid');
  const dw = depthwise(g, x, 1, 'same', seed % 3 === 0);
  x = g.add({
    op: 'add',
    sourceNode: g.node('add'),
    inputs: [x, dw],
    outputs: [g.tensor(g.shape(x), 'float32')],
  });
  x = unary(g, 'relu', x);
  const b = conv(g, x, 2 * c, 1, 1, 'valid', false);
  x = unary(g, 'hard_tanh', b);
  x = g.add({
    op: 'scale_shift',
    sourceNode: g.node('bn'),
    inputs: [x],
    scale: g.floats(2 * c, 1.5),
    shift: g.floats(2 * c, 0.5),
    outputs: [g.tensor(g.shape(x), 'float32')],
  });
  x = pool(g, 'avgpool2d', x, seed % 2 ? 3 : 2, 2, 'same');
  x = depthwise(g, x, 2, 'same', false);
  const [ph, pw, pc] = g.shape(x) as [number, number, number];
  x = g.add({
    op: 'prelu',
    sourceNode: g.node('prelu'),
    inputs: [x],
    alpha: g.floats(pc, 0.3, 0.1),
    outputs: [g.tensor([ph, pw, pc], 'float32')],
  });
  x = g.add({
    op: 'leaky_tanh',
    sourceNode: g.node('ltanh'),
    inputs: [x],
    alpha: 0.2,
    outputs: [g.tensor([ph, pw, pc], 'float32')],
  });
  x = unary(g, 'hard_swish', x);
  x = unary(g, 'relu6', x);
  const r = unary(g, 'relu', x);
  const cat = g.add({
    op: 'concat',
    sourceNode: g.node('concat'),
    inputs: [x, r],
    outputs: [g.tensor([ph, pw, 2 * pc], 'float32')],
  });
  const three = g.add({
    op: 'add',
    sourceNode: g.node('add3'),
    inputs: [x, r, x],
    outputs: [g.tensor([ph, pw, pc], 'float32')],
  });
  const gap = g.add({
    op: 'global_avgpool',
    sourceNode: g.node('gap'),
    inputs: [cat],
    outputs: [g.tensor([2 * pc], 'float32')],
  });
  const logits = g.add({
    op: 'dense',
    sourceNode: g.node('dense'),
    inputs: [gap],
    weights: g.floats(2 * pc * 10, 0.3),
    bias: g.floats(10, 0.1),
    inChannels: 2 * pc,
    outChannels: 10,
    activation: 'none',
    outputs: [g.tensor([10], 'float32')],
  });
  const head2 = flattenDense(g, three, 4 + (seed % 7));
  const sm = unary(g, 'softmax', logits);
  return graph(g, `latency-float-${h}-${cin}-${c}`, input, [sm, head2, a]);
}

/** Binary bodies: bit-packed / float-output convs (k 1, 3), strides, one- and zero-padding, pools, dense. */
function binaryFamily(h: number, c0: number, c: number, seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([h, h, c0], 'float32');
  let x = g.quantize(input);
  x = bconv(g, x, c, 3, 1, 'same', { bitpacked: true });
  x = bconv(g, x, c, 3, 1, seed % 2 ? 'same' : 'valid', { bitpacked: true });
  x = pool(g, 'bmaxpool2d', x, 2, 2, seed % 3 ? 'valid' : 'same');
  x = bconv(g, x, 2 * c, 1, 1, 'valid', { bitpacked: true });
  const f = bconv(g, x, c, 3, seed % 2 ? 2 : 1, 'same', { bitpacked: false });
  x = g.quantize(f);
  const z = bconv(g, x, Math.max(8, c >> 1), 3, 1, 'same', { bitpacked: false, padValue: 0 });
  const [zh, zw, zc] = g.shape(z) as [number, number, number];
  const dq = g.dequantize(x);
  const zq = g.quantize(z);
  const bdw = g.add({
    op: 'bdepthwise_conv2d',
    sourceNode: g.node('bdw'),
    inputs: [zq],
    filter: g.packed(9, zc),
    channels: zc,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'same',
    padValue: seed % 2 ? 0 : 1,
    transform: g.floatTransform(zc, 9) as Extract<
      ReturnType<GraphBuilder['floatTransform']>,
      { kind: 'float' }
    >,
    outputs: [g.tensor([zh, zw, zc], 'float32')],
  });
  const flat = zh * zw * zc;
  const fl = g.add({
    op: 'reshape',
    sourceNode: g.node('flatten'),
    inputs: [bdw],
    outputs: [g.tensor([flat], 'float32')],
  });
  const q = g.quantize(fl);
  const hidden = 32 * (1 + (seed % 4));
  const hb = g.add({
    op: 'bdense',
    sourceNode: g.node('bdense'),
    inputs: [q],
    filter: g.packed(hidden, flat),
    inChannels: flat,
    outChannels: hidden,
    transform: g.bitTransform(hidden, flat),
    outputs: [g.tensor([hidden], 'bitpacked')],
  });
  const classes = 2 + (seed % 9);
  const logits = g.add({
    op: 'bdense',
    sourceNode: g.node('bdense'),
    inputs: [hb],
    filter: g.packed(classes, hidden),
    inChannels: hidden,
    outChannels: classes,
    transform: g.floatTransform(classes, hidden),
    outputs: [g.tensor([classes], 'float32')],
  });
  const wide = g.add({
    op: 'bdense',
    sourceNode: g.node('bdense_f'),
    inputs: [q],
    filter: g.packed(classes, flat),
    inChannels: flat,
    outChannels: classes,
    transform: g.floatTransform(classes, flat),
    outputs: [g.tensor([classes], 'float32')],
  });
  return graph(g, `latency-binary-${h}-${c0}-${c}`, input, [unary(g, 'softmax', logits), wide, dq]);
}

/** int8 stems and heads, with a binary conv between (bitpack in, int8 out). */
function int8Family(h: number, cin: number, c: number, seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([h, h, cin], 'float32');
  let x = g.int8Quantize(input);
  x = int8Conv(g, x, c, 3, seed % 2 ? 2 : 1, 'same', (['relu', 'relu0', 'none'] as const)[seed % 3]);
  const dw = g.int8Depthwise3x3(x, seed % 3 ? 'same' : 'valid');
  const skip = seed % 3 ? x : dw;
  x = g.add({
    op: 'int8_add',
    sourceNode: g.node('int8_add'),
    inputs: [skip, dw],
    activation: 'relu',
    outputs: [g.tensor(g.shape(dw), 'int8', g.int8Quant(g.q(x).scale + g.q(dw).scale))],
  });
  // TFLite int8 MUL: of two tensors (odd seeds) or by a per-channel constant (even seeds).
  const mulQ = g.int8Quant(g.q(x).scale * (seed % 2 ? g.q(dw).scale * 256 : 0.02 * 130));
  x = g.add({
    op: 'int8_mul',
    sourceNode: g.node('int8_mul'),
    inputs: seed % 2 ? [x, dw] : [x],
    activation: 'none',
    constant:
      seed % 2 ? null : { values: g.int8Weights(c), quant: { scale: Math.fround(0.02), zeroPoint: 3 } },
    outputs: [g.tensor(g.shape(x), 'int8', mulQ)],
  });
  // int8 → int8 rescale with a ReLU clamp (TFLite int8 RELU / QUANTIZE of another quantization).
  const rq = g.int8Quant(g.q(x).scale * 0.7);
  x = g.add({
    op: 'int8_requantize',
    sourceNode: g.node('int8_requantize'),
    inputs: [x],
    min: seed % 2 ? rq.zeroPoint : -128,
    max: 127,
    outputs: [g.tensor(g.shape(x), 'int8', rq)],
  });
  // int8 HARD_SWISH (TFLite's int16 fixed-point kernel) into a finer output grid.
  x = g.add({
    op: 'int8_hard_swish',
    sourceNode: g.node('int8_hard_swish'),
    inputs: [x],
    outputs: [g.tensor(g.shape(x), 'int8', g.int8Quant(g.q(x).scale * 0.6))],
  });
  x = int8Conv(g, x, 2 * c, 1, 1, 'valid');
  x = pool(g, 'int8_maxpool2d', x, 2, 2, 'valid');
  x = pool(g, 'int8_avgpool2d', x, seed % 2 ? 3 : 2, 1, 'same');
  const deq = g.int8Dequantize(x);
  x = g.int8Bitpack(x);
  x = bconv(g, x, 2 * c, 3, 1, 'same', { bitpacked: true });
  x = int8Bconv(g, x, c, seed % 2 ? 1 : 3, seed % 2 ? 'valid' : 'same');
  // TFLite's int8 MEAN over height and width (xcore's global average pooling) beside the float one.
  const meanQ = g.add({
    op: 'int8_mean',
    sourceNode: g.node('int8_mean'),
    inputs: [x],
    outputs: [g.tensor([c], 'int8', g.int8Quant(g.q(x).scale * 0.6))],
  });
  const f = g.int8Dequantize(x);
  const gap = g.add({
    op: 'global_avgpool',
    sourceNode: g.node('gap'),
    inputs: [f],
    outputs: [g.tensor([c], 'float32')],
  });
  const xq = g.int8Quantize(gap);
  const classes = 2 + (seed % 9);
  const logitsQ = g.add({
    op: 'int8_dense',
    sourceNode: g.node('int8_dense'),
    inputs: [xq],
    weights: g.int8Weights(c * classes),
    filterScales: g.int8Scales(classes),
    bias: g.int8Bias(classes),
    inChannels: c,
    outChannels: classes,
    activation: 'none',
    outputs: [g.tensor([classes], 'int8', g.int8Quant(g.accScale(g.q(xq).scale, c)))],
  });
  const logits = g.int8Dequantize(logitsQ);
  // TFLite's int8 softmax head beside the float one.
  const probs = g.add({
    op: 'int8_softmax',
    sourceNode: g.node('int8_softmax'),
    inputs: [logitsQ],
    beta: 1,
    outputs: [g.tensor([classes], 'int8', { scale: 1 / 256, zeroPoint: -128 })],
  });
  return graph(g, `latency-int8-${h}-${cin}-${c}`, input, [
    unary(g, 'softmax', logits),
    deq,
    g.int8Dequantize(probs),
    g.int8Dequantize(meanQ),
  ]);
}

/** int8 conv chains: grey/RGB/odd-channel stems (the small-patch path), aligned and unaligned bodies, 1×1 and
 * 3×3, strides 1 and 2, 'same' and 'valid', up to and beyond the 32-channel requantization table. */
function int8ConvChain(
  h: number,
  cin: number,
  widths: readonly number[],
  seed: number,
  firstKind = 0,
): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([h, h, cin], 'float32');
  let x = g.int8Quantize(input);
  const kinds: Array<[number, number, Padding]> = [
    [3, 2, 'same'],
    [3, 1, 'same'],
    [1, 1, 'valid'],
    [3, 1, 'valid'],
    [3, 2, 'same'],
    [1, 1, 'valid'],
  ];
  widths.forEach((c, i) => {
    const [k, s, p] = kinds[(i + firstKind) % kinds.length]!;
    if (g.shape(x)[0]! >= k)
      x = int8Conv(g, x, c, k, s, p, (['relu0', 'relu', 'none'] as const)[(i + seed) % 3]);
  });
  return graph(g, `latency-int8conv-${h}-${cin}-${firstKind}-${widths.join('-')}`, input, [
    g.int8Dequantize(x),
  ]);
}

/** int8 depthwise chains (3×3, strides 1 and 2, 'same' and 'valid', channel counts with and without a % 4 tail). */
function int8DepthwiseChain(h: number, c: number, seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([h, h, c], 'float32');
  let x = g.int8Quantize(input);
  for (const [s, p] of [
    [1, 'same'],
    [2, 'same'],
    [1, 'valid'],
    [1, 'same'],
  ] as Array<[number, Padding]>) {
    const [ih, iw] = g.shape(x) as [number, number, number];
    if (ih < 3) break;
    x = g.add({
      op: 'int8_depthwise_conv2d',
      sourceNode: g.node('int8_dw'),
      inputs: [x],
      filter: g.int8Weights(9 * c),
      filterScales: g.int8Scales(c),
      bias: g.int8Bias(c),
      channels: c,
      depthMultiplier: 1,
      kernel: [3, 3],
      strides: [s, s],
      dilations: [1, 1],
      padding: p,
      activation: 'relu',
      outputs: [
        g.tensor([out(ih, 3, s, p), out(iw, 3, s, p), c], 'int8', g.int8Quant(g.accScale(g.q(x).scale, 9))),
      ],
    });
  }
  return graph(g, `latency-int8dw-${h}-${c}`, input, [g.int8Dequantize(x)]);
}

/** Very long popcount rows (≥ 256 words: 3×3 over 1024 channels) and a wide binary dense. */
function longRowGraph(seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([3, 3, 1024], 'float32');
  let x = g.quantize(input);
  x = bconv(g, x, 64, 3, 1, 'same', { bitpacked: true });
  const y = bconv(g, g.quantize(input), 32, 3, 1, 'valid', { bitpacked: false });
  const flat = 9 * 64;
  x = g.add({
    op: 'bdense',
    sourceNode: g.node('bdense'),
    inputs: [
      g.quantize(
        g.add({
          op: 'reshape',
          sourceNode: g.node('flatten'),
          inputs: [g.dequantize(x)],
          outputs: [g.tensor([flat], 'float32')],
        }),
      ),
    ],
    filter: g.packed(64, flat),
    inChannels: flat,
    outChannels: 64,
    transform: g.bitTransform(64, flat),
    outputs: [g.tensor([64], 'bitpacked')],
  });
  return graph(g, 'latency-long-rows', input, [g.dequantize(x), y]);
}

/**
 * A binary MLP (no convolution): binary dense layers without a binary conv, so the device-image fit can tell
 * the binary dense's own code from the popcount rows it shares with the binary conv (memory.ts SHARED_KERNEL_CODE).
 */
function binaryMlp(n: number, widths: readonly number[], seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed));
  const input = g.tensor([n], 'float32');
  let x = g.quantize(input);
  let width = n;
  widths.forEach((w, i) => {
    const last = i === widths.length - 1;
    x = g.add({
      op: 'bdense',
      sourceNode: g.node('bdense'),
      inputs: [x],
      filter: g.packed(w, width),
      inChannels: width,
      outChannels: w,
      transform: last && seed % 2 ? g.floatTransform(w, width) : g.bitTransform(w, width),
      outputs: [g.tensor([w], last && seed % 2 ? 'float32' : 'bitpacked')],
    });
    width = w;
  });
  // odd seeds: float logits + softmax; even seeds: a bit-packed output (unpacked by bnn_dequantize)
  return graph(g, `latency-binary-mlp-${n}-${widths.join('-')}`, input, [
    seed % 2 ? unary(g, 'softmax', x) : x,
  ]);
}

export interface CalibrationSet {
  /** Graphs of the shape grid. */
  grid: DeployGraph[];
  /** Seeds of firmware/random-graph.ts architectures added for odd shapes. */
  randomSeeds: number[];
}

/** The grid the committed table is fitted on (see scripts/latency-table.ts). */
export function calibrationGraphs(): DeployGraph[] {
  const graphs: DeployGraph[] = [];
  let seed = 1;
  // Three families of the same signature (height, channels in, channels, seed), each over its own shape grid.
  const families: Array<
    [
      (h: number, a: number, c: number, seed: number) => DeployGraph,
      ReadonlyArray<readonly [number, number, number]>,
    ]
  > = [
    [
      floatFamily,
      [
        [8, 1, 8],
        [12, 3, 16],
        [16, 1, 32],
        [20, 3, 8],
        [28, 1, 16],
        [28, 3, 32],
        [32, 8, 24],
        [40, 3, 12],
        [48, 1, 16],
        [48, 3, 8],
        [10, 16, 48],
        [6, 32, 64],
      ],
    ],
    [
      binaryFamily,
      [
        [6, 8, 32],
        [8, 16, 64],
        [12, 32, 128],
        [6, 64, 256],
        [4, 128, 512],
        [16, 3, 32],
        [24, 1, 40],
        [10, 64, 96],
        [14, 32, 160],
        [20, 16, 64],
        [8, 256, 192],
        [32, 3, 32],
      ],
    ],
    [
      int8Family,
      [
        [8, 1, 8],
        [16, 3, 16],
        [24, 3, 32],
        [32, 1, 16],
        [12, 8, 24],
        [48, 3, 8],
        [20, 3, 48],
        [40, 1, 12],
      ],
    ],
  ];
  for (const [family, shapes] of families) {
    for (const [h, a, c] of shapes) graphs.push(family(h, a, c, seed++));
  }
  for (const [h, cin, widths] of [
    [96, 3, [16, 24, 12]],
    [32, 3, [16, 32, 64, 24, 40, 12]],
    [24, 1, [8, 20, 36, 16, 33, 10]],
    [40, 3, [12, 16, 8, 28, 48, 6]],
    [16, 8, [32, 64, 96, 32, 20, 4]],
    [20, 2, [6, 10, 44, 18, 34, 2]],
    [28, 5, [7, 13, 30, 9, 36, 64]],
  ] as const) {
    graphs.push(int8ConvChain(h, cin, widths, seed++));
  }
  // 1×1 convs over 1–7 channels first (no 4-wide block at all: every MAC in the k % 4 tail)
  for (const [h, cin, widths] of [
    [20, 3, [32, 10, 6]],
    [16, 1, [8, 18, 5]],
    [12, 6, [24, 7, 12]],
  ] as const) {
    graphs.push(int8ConvChain(h, cin, widths, seed++, 2));
  }
  for (const [h, c] of [
    [24, 16],
    [16, 30],
    [32, 8],
    [12, 64],
    [20, 13],
  ] as const) {
    graphs.push(int8DepthwiseChain(h, c, seed++));
  }
  graphs.push(longRowGraph(seed++));
  for (const [n, widths] of [
    [784, [256, 256, 10]],
    [96, [64, 3]],
    [320, [128, 96, 32]],
  ] as const) {
    graphs.push(binaryMlp(n, widths, seed++));
  }
  // The MNIST presets' structure (int8 stem conv on one channel → int8 max-pool → BatchNorm → binary convs →
  // binary classifier → softmax) at other widths: no other calibration image calls exactly that set of kernels,
  // so without these the device-image fit split the code between functions that always come together elsewhere.
  for (const widths of [
    [16, 48, 32, 64],
    [24, 32, 96, 64],
    [48, 64, 40, 64],
  ]) {
    const spec = trunkGraph({ ...TRUNK_DEFAULTS, widths });
    const d = lower(spec, randomWeights(spec, seed++));
    graphs.push({ ...d, name: `latency-int8-stem-trunk-${widths.join('-')}` });
  }
  return graphs;
}

/** Seeds of the random architectures added to the grid (disjoint from the QEMU parity suite's 1–20). */
export const CALIBRATION_RANDOM_SEEDS: readonly number[] = Array.from({ length: 12 }, (_, i) => 1001 + i);

export function calibrationRandomGraphs(): DeployGraph[] {
  return CALIBRATION_RANDOM_SEEDS.map((s) => randomDeployGraph(s));
}
