/**
 * Hand-built DeployGraphs with seeded random weights, for tests and benchmarks of the format writers
 * (they do not depend on bnn-core's `lower`). Not part of the public API.
 */
import {
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type FloatOutputTransform,
  type OutputTransform,
  seededRandom,
  window2d,
} from '@bnn-studio/bnn-core';

/** Small seeded PRNG, uniform in [0, 1) (bnn-core's seededRandom). */
export const rng = seededRandom;

/** Random packed sign words for `groups` groups of `channels` bits each (tail bits 0, LCE layout). */
export function randomPacked(r: () => number, groups: number, channels: number): Int32Array {
  const w = Math.ceil(channels / 32);
  const out = new Int32Array(groups * w);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < channels; c++) if (r() < 0.5) out[g * w + (c >> 5)]! |= 1 << (c & 31);
  }
  return out;
}

export function randomFloats(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** An op without its outputs (distributes over the DeployOp union). */
export type OpInit = DeployOp extends infer O ? (O extends DeployOp ? Omit<O, 'outputs'> : never) : never;

/** A small builder that tracks tensor shapes so graphs stay consistent. */
export class GraphBuilder {
  readonly tensors: DeployTensor[] = [];
  readonly ops: DeployOp[] = [];
  private n = 0;
  constructor(
    readonly r: () => number,
    readonly inputShape: number[],
  ) {
    this.tensors.push({ id: 'input', shape: inputShape, kind: 'float32' });
  }
  shape(id: string): number[] {
    return this.tensors.find((t) => t.id === id)!.shape;
  }
  tensor(shape: number[], kind: 'float32' | 'bitpacked'): string {
    const id = `t${++this.n}`;
    this.tensors.push({ id, shape, kind });
    return id;
  }
  add(op: OpInit, shape: number[], kind: 'float32' | 'bitpacked'): string {
    const out = this.tensor(shape, kind);
    this.ops.push({ ...op, outputs: [out] } as DeployOp);
    return out;
  }
  /** The float stem: a 3×3 'same' conv with ReLU on the graph input (random filter, then bias). */
  stem(cout: number): string {
    const [h, w, cin] = this.inputShape as [number, number, number];
    return this.add(
      {
        op: 'conv2d',
        sourceNode: 'stem',
        inputs: ['input'],
        filter: randomFloats(this.r, 9 * cin * cout),
        bias: randomFloats(this.r, cout, -0.1, 0.1),
        inChannels: cin,
        outChannels: cout,
        kernel: [3, 3],
        strides: [1, 1],
        dilations: [1, 1],
        padding: 'same',
        activation: 'relu',
      },
      [h, w, cout],
      'float32',
    );
  }
  /** The float classifier: a dense layer from `input` ([C]) to `classes` logits (random weights, then bias). */
  denseHead(input: string, classes: number): string {
    const [cin] = this.shape(input) as [number];
    return this.add(
      {
        op: 'dense',
        sourceNode: 'head',
        inputs: [input],
        weights: randomFloats(this.r, cin * classes, -0.3, 0.3),
        bias: randomFloats(this.r, classes, -0.1, 0.1),
        inChannels: cin,
        outChannels: classes,
        activation: 'none',
      },
      [classes],
      'float32',
    );
  }
  /**
   * A binary conv reading bit-packed `input` ([H, W, Cin]): a random packed OHWI filter unless one is given, then
   * the transform (drawn in that order, so seeded graphs stay as they are). The output shape follows
   * TensorFlow's window rule; the output is bit-packed when the transform is thresholds, else float.
   */
  bconv2d(
    sourceNode: string,
    input: string,
    o: {
      cout: number;
      kernel?: [number, number];
      strides?: [number, number];
      dilations?: [number, number];
      padding: 'valid' | 'same';
      padValue: 0 | 1;
      filter?: Int32Array;
      transform: () => OutputTransform;
    },
  ): string {
    const [h, w, cin] = this.shape(input) as [number, number, number];
    const { cout, kernel = [3, 3], strides = [1, 1], dilations = [1, 1], padding, padValue } = o;
    const filter = o.filter ?? randomPacked(this.r, cout * kernel[0] * kernel[1], cin);
    const transform = o.transform();
    const g = window2d(h, w, kernel, strides, dilations, padding);
    const shape = [g.outH, g.outW, cout];
    return this.add(
      {
        op: 'bconv2d',
        sourceNode,
        inputs: [input],
        filter,
        inChannels: cin,
        outChannels: cout,
        kernel,
        strides,
        dilations,
        padding,
        padValue,
        transform,
      },
      shape,
      transform.kind === 'bitpacked' ? 'bitpacked' : 'float32',
    );
  }
  floatTransform(
    c: number,
    clamp: 'none' | 'relu' = 'none',
    activation: 'none' | 'relu' = 'none',
  ): OutputTransform {
    return {
      kind: 'float',
      clamp,
      activation,
      multiplier: randomFloats(this.r, c, 0.01, 0.2),
      bias: randomFloats(this.r, c, -0.5, 0.5),
    };
  }
  thresholds(c: number, k: number): OutputTransform {
    const t = new Int32Array(c);
    for (let i = 0; i < c; i++) t[i] = Math.floor(k / 2 + (this.r() - 0.5) * k * 0.3);
    return { kind: 'bitpacked', thresholds: t };
  }
  graph(name: string, outputs: string[]): DeployGraph {
    return {
      format: DEPLOY_FORMAT,
      version: DEPLOY_VERSION,
      name,
      input: 'input',
      outputs,
      tensors: this.tensors,
      ops: this.ops,
      labels: Array.from({ length: this.shape(outputs[0]!).at(-1)! }, (_, i) => `class ${i}`),
    };
  }
}

/**
 * A QuickNet-like classifier exercising most op kinds: float stem conv → sign → binary convs (bit-packed
 * and float outputs, one- and zero-padding) → binary max-pool → BatchNorm (scale_shift) → global pool →
 * binary dense → float dense → softmax. `channels` must be ≥ 1; 32 and 64 keep xcore's Cin % 32 rule.
 */
export function buildMixedGraph(
  seed = 1,
  opts: { size?: number; channels?: number; classes?: number; inChannels?: number } = {},
): DeployGraph {
  const size = opts.size ?? 12;
  const c = opts.channels ?? 32;
  const classes = opts.classes ?? 10;
  const cin = opts.inChannels ?? 1;
  const b = new GraphBuilder(rng(seed), [size, size, cin]);
  const r = b.r;
  const stem = b.stem(c);
  const q1 = b.add({ op: 'quantize', sourceNode: 'bconv1', inputs: [stem] }, [size, size, c], 'bitpacked');
  const bc1 = b.bconv2d('bconv1', q1, {
    cout: c,
    padding: 'same',
    padValue: 1,
    transform: () => b.thresholds(c, 9 * c),
  });
  const half = Math.floor(size / 2);
  const mp = b.add(
    { op: 'bmaxpool2d', sourceNode: 'pool1', inputs: [bc1], pool: [2, 2], strides: [2, 2], padding: 'valid' },
    [half, half, c],
    'bitpacked',
  );
  const c2 = 2 * c;
  const bc2 = b.bconv2d('bconv2', mp, {
    cout: c2,
    padding: 'valid',
    padValue: 0,
    transform: () => b.floatTransform(c2, 'relu'),
  });
  const bn = b.add(
    {
      op: 'scale_shift',
      sourceNode: 'bn2',
      inputs: [bc2],
      scale: randomFloats(r, c2, 0.5, 1.5),
      shift: randomFloats(r, c2, -0.2, 0.2),
    },
    b.shape(bc2).slice(),
    'float32',
  );
  const gp = b.add({ op: 'global_avgpool', sourceNode: 'gap', inputs: [bn] }, [c2], 'float32');
  const q3 = b.add({ op: 'quantize', sourceNode: 'bdense3', inputs: [gp] }, [c2], 'bitpacked');
  const bd = b.add(
    {
      op: 'bdense',
      sourceNode: 'bdense3',
      inputs: [q3],
      filter: randomPacked(r, c2, c2),
      inChannels: c2,
      outChannels: c2,
      transform: b.floatTransform(c2, 'relu'),
    },
    [c2],
    'float32',
  );
  const logits = b.denseHead(bd, classes);
  const probs = b.add({ op: 'softmax', sourceNode: 'softmax', inputs: [logits] }, [classes], 'float32');
  return b.graph(`mixed-${seed}`, [probs]);
}

/**
 * The op kinds buildMixedGraph leaves out: float depthwise, hard_tanh, binary depthwise (one-padding, clamp and
 * ReLU), dequantize, add, concat, max/avg pool, PReLU, leaky_tanh, hard_swish, ReLU, relu6, flatten. Float output
 * (arm only).
 */
export function buildZooGraph(seed = 3): DeployGraph {
  const r = rng(seed);
  const b = new GraphBuilder(r, [8, 8, 4]);
  const dw = b.add(
    {
      op: 'depthwise_conv2d',
      sourceNode: 'dw',
      inputs: ['input'],
      filter: randomFloats(r, 9 * 4 * 2),
      bias: null,
      channels: 4,
      depthMultiplier: 2,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'same',
      activation: 'none',
    },
    [8, 8, 8],
    'float32',
  );
  const ht = b.add({ op: 'hard_tanh', sourceNode: 'ht', inputs: [dw] }, [8, 8, 8], 'float32');
  const q = b.add({ op: 'quantize', sourceNode: 'bdw', inputs: [ht] }, [8, 8, 8], 'bitpacked');
  const bdw = b.add(
    {
      op: 'bdepthwise_conv2d',
      sourceNode: 'bdw',
      inputs: [q],
      filter: randomPacked(r, 9, 8),
      channels: 8,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      padding: 'same',
      padValue: 1,
      transform: b.floatTransform(8, 'relu', 'relu') as FloatOutputTransform,
    },
    [8, 8, 8],
    'float32',
  );
  const dq = b.add({ op: 'dequantize', sourceNode: 'dq', inputs: [q] }, [8, 8, 8], 'float32');
  const sum = b.add({ op: 'add', sourceNode: 'add', inputs: [bdw, dq] }, [8, 8, 8], 'float32');
  const cat = b.add({ op: 'concat', sourceNode: 'cat', inputs: [sum, ht] }, [8, 8, 16], 'float32');
  const mp = b.add(
    { op: 'maxpool2d', sourceNode: 'mp', inputs: [cat], pool: [2, 2], strides: [2, 2], padding: 'valid' },
    [4, 4, 16],
    'float32',
  );
  const ap = b.add(
    { op: 'avgpool2d', sourceNode: 'ap', inputs: [mp], pool: [3, 3], strides: [1, 1], padding: 'same' },
    [4, 4, 16],
    'float32',
  );
  const pr = b.add(
    { op: 'prelu', sourceNode: 'pr', inputs: [ap], alpha: randomFloats(r, 16, 0, 0.3) },
    [4, 4, 16],
    'float32',
  );
  const lt = b.add({ op: 'leaky_tanh', sourceNode: 'lt', inputs: [pr], alpha: 0.1 }, [4, 4, 16], 'float32');
  const hs = b.add({ op: 'hard_swish', sourceNode: 'hs', inputs: [lt] }, [4, 4, 16], 'float32');
  const rl = b.add({ op: 'relu', sourceNode: 'rl', inputs: [hs] }, [4, 4, 16], 'float32');
  const r6 = b.add({ op: 'relu6', sourceNode: 'r6', inputs: [rl] }, [4, 4, 16], 'float32');
  const fl = b.add({ op: 'reshape', sourceNode: 'flatten', inputs: [r6] }, [256], 'float32');
  return b.graph('zoo', [fl]);
}

/** A graph xcore-opt accepts: int8 stem, sign, pool before binarisation, one-padded and valid binary convs. */
export function buildXcoreGraph(seed = 5): DeployGraph {
  const b = new GraphBuilder(rng(seed), [10, 10, 3]);
  const r = b.r;
  const stem = b.stem(32);
  const q = b.add({ op: 'quantize', sourceNode: 'bconv1', inputs: [stem] }, [10, 10, 32], 'bitpacked');
  const pool = b.add(
    { op: 'bmaxpool2d', sourceNode: 'pool', inputs: [q], pool: [2, 2], strides: [2, 2], padding: 'valid' },
    [5, 5, 32],
    'bitpacked',
  );
  const bc1 = b.bconv2d('bconv1', pool, {
    cout: 32,
    padding: 'same',
    padValue: 1,
    transform: () => b.thresholds(32, 9 * 32),
  });
  const bc2 = b.bconv2d('bconv2', bc1, {
    cout: 64,
    padding: 'valid',
    padValue: 0,
    transform: () => b.floatTransform(64, 'relu'),
  });
  const bn = b.add(
    {
      op: 'scale_shift',
      sourceNode: 'bn',
      inputs: [bc2],
      scale: randomFloats(r, 64, 0.5, 1.5),
      shift: randomFloats(r, 64, -0.3, 0.3),
    },
    [3, 3, 64],
    'float32',
  );
  const gap = b.add({ op: 'global_avgpool', sourceNode: 'gap', inputs: [bn] }, [64], 'float32');
  const logits = b.denseHead(gap, 10);
  const probs = b.add({ op: 'softmax', sourceNode: 'softmax', inputs: [logits] }, [10], 'float32');
  return b.graph('xcore-net', [probs]);
}
