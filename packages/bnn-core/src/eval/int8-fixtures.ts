/**
 * Seeded random deploy graphs that use the int8 layer ops (int8_mul, int8_requantize and int8_add with a constant
 * are in exporters' `int8ElementwiseGraph`, from TFLite imports) (fixtures for the int8 kernels' fuzz tests in bnn-core,
 * packages/kernels and packages/exporters): float input → int8_quantize → int8_conv2d → int8_depthwise_conv2d
 * → int8_add (of the two) → int8 max/avg pool → int8_bitpack → int8_bconv2d → (int8 depthwise, multiplier 2)
 * → int8_dense → int8_softmax → int8_dequantize. Shapes, strides, paddings, activations, scales and zero points are drawn;
 * output scales follow the accumulators' spread so values use the int8 range without saturating everywhere.
 */
import { packRows } from '../deploy/bitpack.js';
import {
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type Int8Quant,
  type Padding,
} from '../deploy/deploy-types.js';
import { seededRandom } from '../math/rng.js';
import { window2d } from '../math/window.js';

export interface Int8Fixture {
  graph: DeployGraph;
  /** `batch` float input samples, batch-major. */
  input: Float32Array;
  batch: number;
}

export function randomInt8DeployGraph(seed: number, batch = 2): Int8Fixture {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const f32 = (x: number) => Math.fround(x);
  const tensors: DeployTensor[] = [];
  const ops: DeployOp[] = [];
  const quant = (scale: number): Int8Quant => ({
    scale: f32(scale * (0.6 + 0.8 * rnd())),
    zeroPoint: rnd() < 0.15 ? pick([-128, 127, -127]) : int(-40, 40),
  });
  const add = (id: string, shape: number[], kind: DeployTensor['kind'], q?: Int8Quant) => {
    const t: DeployTensor = { id, shape, kind };
    if (q) t.quant = q;
    tensors.push(t);
    return t;
  };
  const int8Weights = (n: number) => Int8Array.from({ length: n }, () => int(-127, 127));
  const scales = (n: number) => Float32Array.from({ length: n }, () => f32(0.002 + 0.03 * rnd()));
  const bias = (n: number) => (rnd() < 0.8 ? Int32Array.from({ length: n }, () => int(-4000, 4000)) : null);
  const window = (h: number, w: number, k: [number, number], s: [number, number], d: [number, number]) => {
    let padding: Padding = pick(['valid', 'same'] as const);
    if (window2d(h, w, k, s, d, padding).outH < 1 || window2d(h, w, k, s, d, padding).outW < 1)
      padding = 'same';
    const g = window2d(h, w, k, s, d, padding);
    return { padding, oh: g.outH, ow: g.outW };
  };
  /** An output scale near the spread of `taps` products of int8 weights (scale ws) and inputs (scale xs). */
  const accScale = (xs: number, ws: number, taps: number) => xs * ws * 40 * Math.sqrt(taps);

  const h = int(3, 8);
  const w = int(3, 8);
  const c = int(1, 5);
  const x = add('x', [h, w, c], 'float32');
  const q0 = add('q0', [h, w, c], 'int8', quant(4 / 255));
  ops.push({ op: 'int8_quantize', sourceNode: 'q0', inputs: [x.id], outputs: [q0.id] });

  // int8 conv
  const k1: [number, number] = [int(1, 3), int(1, 3)];
  const s1: [number, number] = [int(1, 2), int(1, 2)];
  const d1: [number, number] = rnd() < 0.2 ? [2, 1] : [1, 1];
  const w1 = window(h, w, k1, s1, d1);
  const c1 = pick([int(1, 8), int(30, 40)]);
  const fs1 = scales(c1);
  const conv = add(
    'conv',
    [w1.oh, w1.ow, c1],
    'int8',
    quant(accScale(q0.quant!.scale, 0.017, k1[0] * k1[1] * c)),
  );
  ops.push({
    op: 'int8_conv2d',
    sourceNode: 'conv',
    inputs: [q0.id],
    outputs: [conv.id],
    filter: int8Weights(c1 * k1[0] * k1[1] * c),
    filterScales: fs1,
    bias: bias(c1),
    inChannels: c,
    outChannels: c1,
    kernel: k1,
    strides: s1,
    dilations: d1,
    padding: w1.padding,
    activation: pick(['none', 'relu'] as const),
  });

  // int8 depthwise (multiplier 1, 'same', stride 1: the shape of its input, for the add)
  const dw = add('dw', conv.shape, 'int8', quant(accScale(conv.quant!.scale, 0.017, 9)));
  ops.push({
    op: 'int8_depthwise_conv2d',
    sourceNode: 'dw',
    inputs: [conv.id],
    outputs: [dw.id],
    filter: int8Weights(9 * c1),
    filterScales: scales(c1),
    bias: bias(c1),
    channels: c1,
    depthMultiplier: 1,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'same',
    activation: pick(['none', 'relu'] as const),
  });

  const sum = add('sum', conv.shape, 'int8', quant(conv.quant!.scale + dw.quant!.scale));
  ops.push({
    op: 'int8_add',
    sourceNode: 'sum',
    inputs: [conv.id, dw.id],
    outputs: [sum.id],
    activation: pick(['none', 'relu'] as const),
  });

  // int8 pool
  const poolKind = pick(['int8_maxpool2d', 'int8_avgpool2d'] as const);
  const pw: [number, number] = [int(1, 2), int(1, 3)];
  const ps: [number, number] = [int(1, 2), int(1, 2)];
  const wp = window(w1.oh, w1.ow, pw, ps, [1, 1]);
  const pooled = add('pool', [wp.oh, wp.ow, c1], 'int8', { ...sum.quant! });
  ops.push({
    op: poolKind,
    sourceNode: 'pool',
    inputs: [sum.id],
    outputs: [pooled.id],
    pool: pw,
    strides: ps,
    padding: wp.padding,
  });

  // int8 → bits → binary conv with int8 output
  const bits = add('bits', pooled.shape, 'bitpacked');
  ops.push({ op: 'int8_bitpack', sourceNode: 'bits', inputs: [pooled.id], outputs: [bits.id] });
  const kb: [number, number] = [int(1, 3), int(1, 3)];
  const sb: [number, number] = [int(1, 2), 1];
  const wb = window(wp.oh, wp.ow, kb, sb, [1, 1]);
  const cb = int(1, 40);
  const signs = Float32Array.from({ length: cb * kb[0] * kb[1] * c1 }, () => (rnd() < 0.5 ? -1 : 1));
  const kTaps = kb[0] * kb[1] * c1;
  const bconv = add('bconv', [wb.oh, wb.ow, cb], 'int8', quant(Math.sqrt(kTaps) / 40));
  ops.push({
    op: 'int8_bconv2d',
    sourceNode: 'bconv',
    inputs: [bits.id],
    outputs: [bconv.id],
    filter: packRows(signs, cb * kb[0] * kb[1], c1),
    inChannels: c1,
    outChannels: cb,
    kernel: kb,
    strides: sb,
    dilations: [1, 1],
    padding: wb.padding,
    padValue: 1,
    clamp: pick(['none', 'relu'] as const),
    multiplier: Float32Array.from({ length: cb }, () => f32((rnd() < 0.2 ? -1 : 1) * (0.02 + 0.1 * rnd()))),
    bias: Float32Array.from({ length: cb }, () => f32(rnd() - 0.5)),
  });

  // optional depthwise with multiplier 2
  let last = bconv;
  if (rnd() < 0.6) {
    const wd = window(wb.oh, wb.ow, [2, 2], [1, 1], [1, 1]);
    const n = cb * 2;
    const dw2 = add('dw2', [wd.oh, wd.ow, n], 'int8', quant(accScale(bconv.quant!.scale, 0.017, 4)));
    ops.push({
      op: 'int8_depthwise_conv2d',
      sourceNode: 'dw2',
      inputs: [bconv.id],
      outputs: [dw2.id],
      filter: int8Weights(4 * n),
      filterScales: scales(n),
      bias: bias(n),
      channels: cb,
      depthMultiplier: 2,
      kernel: [2, 2],
      strides: [1, 1],
      dilations: [1, 1],
      padding: wd.padding,
      activation: 'none',
    });
    last = dw2;
  }

  const cin = last.shape.reduce((a, b) => a * b, 1);
  const units = int(1, 12);
  const dense = add('dense', [units], 'int8', quant(accScale(last.quant!.scale, 0.017, cin)));
  ops.push({
    op: 'int8_dense',
    sourceNode: 'dense',
    inputs: [last.id],
    outputs: [dense.id],
    weights: int8Weights(units * cin),
    filterScales: scales(units),
    bias: bias(units),
    inChannels: cin,
    outChannels: units,
    activation: pick(['none', 'relu'] as const),
  });
  // TFLite's int8 softmax head (fixed output quantization 1/256, −128; no draws, so earlier seeds keep their graphs).
  const probs = add('softmax', [units], 'int8', { scale: 1 / 256, zeroPoint: -128 });
  ops.push({ op: 'int8_softmax', sourceNode: 'softmax', inputs: [dense.id], outputs: [probs.id], beta: 1 });
  const y = add('y', [units], 'float32');
  ops.push({ op: 'int8_dequantize', sourceNode: 'y', inputs: [probs.id], outputs: [y.id] });

  const input = Float32Array.from({ length: batch * h * w * c }, () => f32((rnd() * 2 - 1) * 2.2));
  const graph: DeployGraph = {
    format: DEPLOY_FORMAT,
    version: DEPLOY_VERSION,
    name: `int8-fixture-${seed}`,
    input: x.id,
    outputs: [y.id],
    tensors,
    ops,
  };
  return { graph, input, batch };
}
