/**
 * Seeded generator of valid DeployGraphs covering every op and option the firmware supports (padding modes,
 * strides, dilations, both output transforms, branches with add/concat, float and binary heads, and int8 layers
 * in any mix with them: an int8 stem (conv, depthwise + add, pools) feeding the binary body through
 * LceQuantize-from-int8 or a float op, binary convs writing int8, an int8 dense head). Used by the firmware tests
 * and the benchmark; also handy to reproduce a failing seed.
 */
import {
  axisWindow,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type FloatActivation,
  type Int8Quant,
  type OutputTransform,
  type Padding,
  seededRandom,
  windowExtent,
} from '@bnn-studio/bnn-core';

type Shape = number[];

function axisOut(size: number, k: number, s: number, d: number, padding: Padding): number {
  return axisWindow(size, k, s, d, padding).out;
}

export class GraphBuilder {
  tensors: DeployTensor[] = [];
  ops: DeployOp[] = [];
  private n = 0;
  constructor(readonly rnd: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  floats(n: number, scale = 1, offset = 0): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = offset + scale * (2 * this.rnd() - 1);
    return a;
  }
  /** Packed words with the tail bits of each `channels`-wide row cleared (LCE: pad bits are 0). */
  packed(rows: number, channels: number): Int32Array {
    const words = Math.ceil(channels / 32);
    const a = new Int32Array(rows * words);
    for (let r = 0; r < rows; r++) {
      for (let w = 0; w < words; w++) {
        let v = (this.rnd() * 4294967296) >>> 0;
        const bits = channels - 32 * w;
        if (bits < 32) v &= (1 << bits) - 1;
        a[r * words + w] = v | 0;
      }
    }
    return a;
  }
  tensor(shape: Shape, kind: DeployTensor['kind'], quant?: Int8Quant): string {
    const id = `t${this.n++}`;
    const t: DeployTensor = { id, shape, kind };
    if (quant) t.quant = quant;
    this.tensors.push(t);
    return id;
  }
  kind(id: string): DeployTensor['kind'] {
    return this.tensors.find((t) => t.id === id)!.kind;
  }
  q(id: string): Int8Quant {
    return this.tensors.find((t) => t.id === id)!.quant!;
  }

  // ---- int8 layers ------------------------------------------------------------------------------------------

  /** An int8 quantization near `scale` (a float32), zero point mostly near 0, sometimes at an end. */
  int8Quant(scale: number): Int8Quant {
    return {
      scale: Math.fround(scale * (0.6 + 0.8 * this.rnd())),
      zeroPoint: this.chance(0.1) ? this.pick([-128, 127]) : this.int(-30, 30),
    };
  }
  int8Weights(n: number): Int8Array {
    return Int8Array.from({ length: n }, () => this.int(-127, 127));
  }
  int8Scales(n: number): Float32Array {
    return Float32Array.from({ length: n }, () => Math.fround(0.002 + 0.02 * this.rnd()));
  }
  int8Bias(n: number): Int32Array | null {
    return this.chance(0.7) ? Int32Array.from({ length: n }, () => this.int(-3000, 3000)) : null;
  }
  /** Output scale following the spread of `taps` int8 products (values use the range, some saturate). */
  accScale(inScale: number, taps: number): number {
    return inScale * 0.012 * 40 * Math.sqrt(taps);
  }
  /** A 3×3 stride-1 int8 depthwise conv (multiplier 1, no activation) with seeded filter, scales and bias. */
  int8Depthwise3x3(x: string, padding: Padding): string {
    const [h, w, c] = this.shape(x) as [number, number, number];
    return this.add({
      op: 'int8_depthwise_conv2d',
      sourceNode: this.node('int8_dw'),
      inputs: [x],
      filter: this.int8Weights(9 * c),
      filterScales: this.int8Scales(c),
      bias: this.int8Bias(c),
      channels: c,
      depthMultiplier: 1,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      padding,
      activation: 'none',
      outputs: [
        this.tensor(
          [axisOut(h, 3, 1, 1, padding), axisOut(w, 3, 1, 1, padding), c],
          'int8',
          this.int8Quant(this.accScale(this.q(x).scale, 9)),
        ),
      ],
    });
  }
  int8Quantize(x: string, scale = 3 / 255): string {
    return this.add({
      op: 'int8_quantize',
      sourceNode: this.node('int8_quant'),
      inputs: [x],
      outputs: [this.tensor(this.shape(x), 'int8', this.int8Quant(scale))],
    });
  }
  int8Dequantize(x: string): string {
    return this.add({
      op: 'int8_dequantize',
      sourceNode: this.node('int8_dequant'),
      inputs: [x],
      outputs: [this.tensor(this.shape(x), 'float32')],
    });
  }
  int8Bitpack(x: string): string {
    return this.add({
      op: 'int8_bitpack',
      sourceNode: this.node('int8_bits'),
      inputs: [x],
      outputs: [this.tensor(this.shape(x), 'bitpacked')],
    });
  }
  int8Conv(x: string, cout: number): string {
    const [h, w, cin] = this.shape(x) as [number, number, number];
    const k = Math.min(this.pick([1, 3, 3]), h, w);
    const strides: [number, number] = this.chance(0.7) ? [1, 1] : [2, this.pick([1, 2])];
    const padding: Padding = this.chance(0.6) ? 'same' : 'valid';
    const taps = k * k * cin;
    return this.add({
      op: 'int8_conv2d',
      sourceNode: this.node('int8_conv'),
      inputs: [x],
      filter: this.int8Weights(cout * taps),
      filterScales: this.int8Scales(cout),
      bias: this.int8Bias(cout),
      inChannels: cin,
      outChannels: cout,
      kernel: [k, k],
      strides,
      dilations: [1, 1],
      padding,
      activation: this.chance(0.5) ? 'relu' : 'none',
      outputs: [
        this.tensor(
          [axisOut(h, k, strides[0], 1, padding), axisOut(w, k, strides[1], 1, padding), cout],
          'int8',
          this.int8Quant(this.accScale(this.q(x).scale, taps)),
        ),
      ],
    });
  }
  /** int8 ops after an int8 feature map: depthwise + add (same shape), or a max/average pool. */
  int8Block(x: string): string {
    const [h, w, c] = this.shape(x) as [number, number, number];
    if (this.chance(0.5)) {
      const dw = this.int8Depthwise3x3(x, 'same');
      return this.add({
        op: 'int8_add',
        sourceNode: this.node('int8_add'),
        inputs: [x, dw],
        activation: this.chance(0.5) ? 'relu' : 'none',
        outputs: [this.tensor([h, w, c], 'int8', this.int8Quant(this.q(x).scale + this.q(dw).scale))],
      });
    }
    const pool: [number, number] = [Math.min(2, h), Math.min(this.pick([2, 3]), w)];
    const strides: [number, number] = [this.pick([1, 2]), this.pick([1, 2])];
    const padding: Padding = this.chance(0.5) ? 'same' : 'valid';
    return this.add({
      op: this.chance(0.5) ? 'int8_maxpool2d' : 'int8_avgpool2d',
      sourceNode: this.node('int8_pool'),
      inputs: [x],
      pool,
      strides,
      padding,
      outputs: [
        this.tensor(
          [axisOut(h, pool[0], strides[0], 1, padding), axisOut(w, pool[1], strides[1], 1, padding), c],
          'int8',
          { ...this.q(x) },
        ),
      ],
    });
  }
  /** A binary conv writing int8 (LCE's int8 output transform; one-padding or valid). */
  int8Bconv(x: string): string {
    const [h, w, cin] = this.shape(x) as [number, number, number];
    const k = Math.min(this.pick([1, 3, 3]), h, w);
    const padding: Padding = this.chance(0.6) ? 'same' : 'valid';
    const strides: [number, number] = this.chance(0.7) ? [1, 1] : [2, 1];
    const cout = this.pick([4, 8, 16, 33]);
    const K = k * k * cin;
    return this.add({
      op: 'int8_bconv2d',
      sourceNode: this.node('int8_bconv'),
      inputs: [x],
      filter: this.packed(cout * k * k, cin),
      inChannels: cin,
      outChannels: cout,
      kernel: [k, k],
      strides,
      dilations: [1, 1],
      padding,
      padValue: 1,
      clamp: this.chance(0.5) ? 'relu' : 'none',
      multiplier: this.floats(cout, 1 / Math.max(1, Math.sqrt(K))),
      bias: this.floats(cout, 0.5),
      outputs: [
        this.tensor(
          [axisOut(h, k, strides[0], 1, padding), axisOut(w, k, strides[1], 1, padding), cout],
          'int8',
          this.int8Quant(4 / 255),
        ),
      ],
    });
  }
  shape(id: string): Shape {
    return this.tensors.find((t) => t.id === id)!.shape;
  }
  add(op: DeployOp): string {
    this.ops.push(op);
    return op.outputs[0]!;
  }
  node(kind: string): string {
    return `${kind}_${this.ops.length}`;
  }

  floatTransform(c: number, k: number): OutputTransform {
    const act: FloatActivation = this.chance(0.3) ? 'relu' : 'none';
    return {
      kind: 'float',
      clamp: this.chance(0.2) ? 'relu' : 'none',
      multiplier: this.floats(c, 1 / Math.max(1, Math.sqrt(k))),
      bias: this.floats(c, 0.5),
      activation: act,
    };
  }
  bitTransform(c: number, k: number): OutputTransform {
    const thresholds = new Int32Array(c);
    for (let i = 0; i < c; i++) {
      const r = this.rnd();
      thresholds[i] =
        r < 0.03 ? -2147483648 : r < 0.06 ? 2147483647 : Math.floor(k / 2 + (this.rnd() - 0.5) * k * 0.3);
    }
    return { kind: 'bitpacked', thresholds };
  }

  quantize(x: string): string {
    return this.add({
      op: 'quantize',
      sourceNode: this.node('quant'),
      inputs: [x],
      outputs: [this.tensor(this.shape(x), 'bitpacked')],
    });
  }
  dequantize(x: string): string {
    return this.add({
      op: 'dequantize',
      sourceNode: this.node('dequant'),
      inputs: [x],
      outputs: [this.tensor(this.shape(x), 'float32')],
    });
  }

  bconv(x: string, opts: { cout?: number; bitpacked?: boolean } = {}): string {
    const [h, w, cin] = this.shape(x) as [number, number, number];
    const k = Math.min(this.pick([1, 3, 3, 3, 2, 5]), h, w);
    const kernel: [number, number] = [k, Math.min(this.chance(0.8) ? k : this.int(1, 3), w)];
    const strides: [number, number] = this.chance(0.7) ? [1, 1] : [2, this.pick([1, 2])];
    const dilations: [number, number] = this.chance(0.85) || strides[0] > 1 ? [1, 1] : [2, 2];
    let padding: Padding = this.chance(0.6) ? 'same' : 'valid';
    if (windowExtent(kernel[0], dilations[0]) > h || windowExtent(kernel[1], dilations[1]) > w)
      padding = 'same';
    const padValue: 0 | 1 = padding === 'same' && this.chance(0.35) ? 0 : 1;
    const cout = opts.cout ?? this.pick([8, 16, 31, 32, 33, 64, 40]);
    const bit = (opts.bitpacked ?? this.chance(0.6)) && !(padding === 'same' && padValue === 0);
    const oh = axisOut(h, kernel[0], strides[0], dilations[0], padding);
    const ow = axisOut(w, kernel[1], strides[1], dilations[1], padding);
    const K = kernel[0] * kernel[1] * cin;
    return this.add({
      op: 'bconv2d',
      sourceNode: this.node('bconv'),
      inputs: [x],
      outputs: [this.tensor([oh, ow, cout], bit ? 'bitpacked' : 'float32')],
      filter: this.packed(cout * kernel[0] * kernel[1], cin),
      inChannels: cin,
      outChannels: cout,
      kernel,
      strides,
      dilations,
      padding,
      padValue,
      transform: bit ? this.bitTransform(cout, K) : this.floatTransform(cout, K),
    });
  }

  floatOp(x: string): string {
    const shape = this.shape(x);
    const c = shape[shape.length - 1]!;
    const kind = this.pick([
      'relu',
      'prelu',
      'hard_tanh',
      'leaky_tanh',
      'scale_shift',
      'pool',
      'depthwise',
      'branch',
    ]);
    const out = () => this.tensor(shape, 'float32');
    const base = { sourceNode: this.node(kind), inputs: [x] };
    switch (kind) {
      case 'relu':
        return this.add({ ...base, op: 'relu', outputs: [out()] });
      case 'prelu':
        return this.add({ ...base, op: 'prelu', alpha: this.floats(c, 0.3, 0.1), outputs: [out()] });
      case 'hard_tanh':
        return this.add({ ...base, op: 'hard_tanh', outputs: [out()] });
      case 'leaky_tanh':
        return this.add({ ...base, op: 'leaky_tanh', alpha: 0.1 + this.rnd() * 0.2, outputs: [out()] });
      case 'scale_shift':
        return this.add({
          ...base,
          op: 'scale_shift',
          scale: this.floats(c, 1.5),
          shift: this.floats(c, 0.5),
          outputs: [out()],
        });
      case 'pool': {
        if (shape.length !== 3) return this.add({ ...base, op: 'relu', outputs: [out()] });
        const [h, w] = shape as [number, number, number];
        const pool: [number, number] = [Math.min(2, h), Math.min(this.pick([2, 3]), w)];
        const strides: [number, number] = [this.pick([1, 2]), this.pick([1, 2])];
        const padding: Padding = this.chance(0.5) ? 'same' : 'valid';
        const o = this.tensor(
          [axisOut(h, pool[0], strides[0], 1, padding), axisOut(w, pool[1], strides[1], 1, padding), c],
          'float32',
        );
        return this.add({
          ...base,
          op: this.chance(0.5) ? 'maxpool2d' : 'avgpool2d',
          pool,
          strides,
          padding,
          outputs: [o],
        });
      }
      case 'depthwise': {
        if (shape.length !== 3) return this.add({ ...base, op: 'hard_tanh', outputs: [out()] });
        const [h, w] = shape as [number, number, number];
        const m = this.pick([1, 1, 2]);
        const kernel: [number, number] = [Math.min(3, h), Math.min(3, w)];
        const padding: Padding = this.chance(0.6) ? 'same' : 'valid';
        const o = this.tensor(
          [axisOut(h, kernel[0], 1, 1, padding), axisOut(w, kernel[1], 1, 1, padding), c * m],
          'float32',
        );
        return this.add({
          ...base,
          op: 'depthwise_conv2d',
          filter: this.floats(kernel[0] * kernel[1] * c * m, 0.5),
          bias: this.chance(0.5) ? this.floats(c * m, 0.2) : null,
          channels: c,
          depthMultiplier: m,
          kernel,
          strides: [1, 1],
          dilations: [1, 1],
          padding,
          activation: this.chance(0.5) ? 'relu' : 'none',
          outputs: [o],
        });
      }
      default: {
        // Two float branches from x, merged by add (2 or 3 terms) or concat.
        const a = this.add({
          op: 'relu',
          sourceNode: this.node('branch_relu'),
          inputs: [x],
          outputs: [out()],
        });
        const b = this.add({
          op: 'hard_tanh',
          sourceNode: this.node('branch_htanh'),
          inputs: [x],
          outputs: [out()],
        });
        if (this.chance(0.5)) {
          const terms = this.chance(0.5) ? [a, b] : [a, b, x];
          return this.add({ op: 'add', sourceNode: this.node('add'), inputs: terms, outputs: [out()] });
        }
        const cat = this.tensor([...shape.slice(0, -1), 2 * c], 'float32');
        return this.add({ op: 'concat', sourceNode: this.node('concat'), inputs: [a, b], outputs: [cat] });
      }
    }
  }
}

/** A random valid DeployGraph from `seed`: float stem, binary body, float or binary head. */
export function randomDeployGraph(seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed * 7919 + 17));
  const input = g.tensor([g.int(3, 10), g.int(3, 10), g.int(1, 3)], 'float32');
  let x = input;
  if (g.chance(0.3)) {
    const c = g.shape(x)[2]!;
    x = g.add({
      op: 'scale_shift',
      sourceNode: 'normalize',
      inputs: [x],
      scale: g.floats(c, 0.5, 1),
      shift: g.floats(c, 0.3),
      outputs: [g.tensor(g.shape(x), 'float32')],
    });
  }
  // int8 stem (TFLite CONV_2D int8), or a float stem
  if (g.chance(0.35)) {
    x = g.int8Conv(g.int8Quantize(x), g.pick([8, 16, 32]));
    if (g.chance(0.6)) x = g.int8Block(x);
    x = g.chance(0.6) ? g.int8Bitpack(x) : g.quantize(g.int8Dequantize(x));
    return finish(g, x, seed, input);
  }
  const [h, w, cin] = g.shape(x) as [number, number, number];
  const stemC = g.pick([8, 16, 24, 32]);
  const stemPad: Padding = g.chance(0.7) ? 'same' : 'valid';
  const ks = Math.min(3, h, w);
  x = g.add({
    op: 'conv2d',
    sourceNode: 'stem',
    inputs: [x],
    filter: g.floats(ks * ks * cin * stemC, 0.5),
    bias: g.chance(0.7) ? g.floats(stemC, 0.1) : null,
    inChannels: cin,
    outChannels: stemC,
    kernel: [ks, ks],
    strides: [1, 1],
    dilations: [1, 1],
    padding: stemPad,
    activation: g.chance(0.5) ? 'relu' : 'none',
    outputs: [g.tensor([axisOut(h, ks, 1, 1, stemPad), axisOut(w, ks, 1, 1, stemPad), stemC], 'float32')],
  });
  if (g.chance(0.3)) x = g.floatOp(x);
  x = g.quantize(x);
  return finish(g, x, seed, input);
}

/** Binary body and head after the stem (`x` is bit-packed). */
function finish(g: GraphBuilder, start: string, seed: number, input: string): DeployGraph {
  let x = start;
  const blocks = g.int(1, 3);
  for (let b = 0; b < blocks; b++) {
    if (g.kind(x) === 'float32') x = g.quantize(x);
    if (g.kind(x) === 'int8') x = g.int8Bitpack(g.chance(0.5) ? g.int8Block(x) : x);
    if (g.chance(0.2)) {
      const [bh, bw, bc] = g.shape(x) as [number, number, number];
      const pool: [number, number] = [Math.min(2, bh), Math.min(2, bw)];
      const padding: Padding = g.chance(0.5) ? 'same' : 'valid';
      x = g.add({
        op: 'bmaxpool2d',
        sourceNode: g.node('bmaxpool'),
        inputs: [x],
        pool,
        strides: [2, 2],
        padding,
        outputs: [
          g.tensor(
            [axisOut(bh, pool[0], 2, 1, padding), axisOut(bw, pool[1], 2, 1, padding), bc],
            'bitpacked',
          ),
        ],
      });
    }
    if (g.chance(0.15)) {
      const [bh, bw, bc] = g.shape(x) as [number, number, number];
      const kernel: [number, number] = [Math.min(3, bh), Math.min(3, bw)];
      const padding: Padding = g.chance(0.6) ? 'same' : 'valid';
      const padValue: 0 | 1 = g.chance(0.5) ? 0 : 1;
      x = g.add({
        op: 'bdepthwise_conv2d',
        sourceNode: g.node('bdw'),
        inputs: [x],
        filter: g.packed(kernel[0] * kernel[1], bc),
        channels: bc,
        kernel,
        strides: [1, 1],
        dilations: [1, 1],
        padding,
        padValue,
        transform: g.floatTransform(bc, kernel[0] * kernel[1]) as Extract<OutputTransform, { kind: 'float' }>,
        outputs: [
          g.tensor(
            [axisOut(bh, kernel[0], 1, 1, padding), axisOut(bw, kernel[1], 1, 1, padding), bc],
            'float32',
          ),
        ],
      });
      x = g.quantize(x);
    }
    x = g.chance(0.2) ? g.int8Bconv(x) : g.bconv(x);
    if (g.kind(x) === 'float32' && g.chance(0.6)) x = g.floatOp(x);
  }
  if (g.kind(x) === 'int8' && g.shape(x).length === 3 && g.chance(0.4)) {
    // int8 global average pooling (TFLite int8 MEAN over height and width, as xcore files hold it)
    x = g.add({
      op: 'int8_mean',
      sourceNode: g.node('int8_mean'),
      inputs: [x],
      outputs: [g.tensor([g.shape(x)[2]!], 'int8', g.int8Quant(g.q(x).scale * 0.5))],
    });
  }
  if (g.kind(x) === 'int8') x = g.int8Dequantize(x);
  const classes = g.int(2, 10);
  const kind = g.tensors.find((t) => t.id === x)!.kind;
  if (kind === 'bitpacked' && g.chance(0.3)) x = g.dequantize(x);
  if (g.tensors.find((t) => t.id === x)!.kind === 'bitpacked') {
    // binary head: float flatten first (bit-packed tensors are not reshaped), then bdense layers
    x = g.dequantize(x);
  }
  const shape = g.shape(x);
  const flat = shape.reduce((a, b) => a * b, 1);
  if (g.chance(0.5) && shape.length === 3) {
    x = g.add({
      op: 'global_avgpool',
      sourceNode: g.node('gap'),
      inputs: [x],
      outputs: [g.tensor([shape[2]!], 'float32')],
    });
  } else {
    x = g.add({
      op: 'reshape',
      sourceNode: g.node('flatten'),
      inputs: [x],
      outputs: [g.tensor([flat], 'float32')],
    });
  }
  const feat = g.shape(x)[0]!;
  if (g.chance(0.25)) {
    // int8 head: QUANTIZE → FULLY_CONNECTED int8 → DEQUANTIZE
    const xq = g.int8Quantize(x);
    x = g.int8Dequantize(
      g.add({
        op: 'int8_dense',
        sourceNode: g.node('int8_dense'),
        inputs: [xq],
        weights: g.int8Weights(feat * classes),
        filterScales: g.int8Scales(classes),
        bias: g.int8Bias(classes),
        inChannels: feat,
        outChannels: classes,
        activation: 'none',
        outputs: [g.tensor([classes], 'int8', g.int8Quant(g.accScale(g.q(xq).scale, feat)))],
      }),
    );
  } else if (g.chance(0.4)) {
    x = g.quantize(x);
    const hidden = g.pick([16, 32, 40]);
    x = g.add({
      op: 'bdense',
      sourceNode: g.node('bdense'),
      inputs: [x],
      filter: g.packed(hidden, feat),
      inChannels: feat,
      outChannels: hidden,
      transform: g.bitTransform(hidden, feat),
      outputs: [g.tensor([hidden], 'bitpacked')],
    });
    x = g.add({
      op: 'bdense',
      sourceNode: g.node('bdense'),
      inputs: [x],
      filter: g.packed(classes, hidden),
      inChannels: hidden,
      outChannels: classes,
      transform: g.floatTransform(classes, hidden),
      outputs: [g.tensor([classes], 'float32')],
    });
  } else {
    x = g.add({
      op: 'dense',
      sourceNode: g.node('dense'),
      inputs: [x],
      weights: g.floats(feat * classes, 1 / Math.sqrt(feat)),
      bias: g.chance(0.7) ? g.floats(classes, 0.1) : null,
      inChannels: feat,
      outChannels: classes,
      activation: 'none',
      outputs: [g.tensor([classes], 'float32')],
    });
  }
  const outputs = [x];
  if (g.chance(0.8)) {
    outputs[0] = g.add({
      op: 'softmax',
      sourceNode: g.node('softmax'),
      inputs: [x],
      outputs: [g.tensor([classes], 'float32')],
    });
  }
  return {
    format: 'bnn-studio.deploy',
    version: 1,
    name: `random-${seed}`,
    input,
    outputs,
    tensors: g.tensors,
    ops: g.ops,
  };
}

/**
 * A random graph whose binary body starts with bit-packed convs on 40-96 input channels, so most of them have
 * filter rows of 16..255 words, which the C code generator writes in the runtime's pair layout (`pairRows`).
 */
export function pairedRowsDeployGraph(seed: number): DeployGraph {
  const g = new GraphBuilder(seededRandom(seed * 104729 + 3));
  const input = g.tensor([g.int(3, 7), g.int(3, 7), g.pick([40, 64, 96])], 'float32');
  let x = g.quantize(input);
  for (let i = 0; i < 2; i++) x = g.bconv(x, { cout: g.pick([33, 64, 72]), bitpacked: true });
  return finish(g, x, seed, input);
}
