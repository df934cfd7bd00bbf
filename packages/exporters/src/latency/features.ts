/**
 * Cost features of every deploy op, one entry per op kind (`COST_FEATURES`, checked against bnn-core's op
 * table): the quantities the C runtime's loops scale with, computed from the op's attributes and tensor shapes
 * only (no weights, no data), so the composer can evaluate them on every edit. Browser-safe.
 *
 * The latency model is, per kernel variant v (an op kind, split where the runtime takes a different code path):
 *   instructions(op) = Σ_f coef[v][f] · feature_f(op)
 * with the coefficients fitted to exact QEMU instruction counts by scripts/latency-table.ts (cost-table.ts).
 *
 * Window quantities (for a window op over an [H, W, C] input with an [OH, OW, ·] output):
 *   P     = OH·OW output pixels
 *   taps  = P·kh·kw   window taps, padded ones included (what a one-padded binary conv reads)
 *   valid = Σ over output pixels of the in-bounds taps   (what zero-padded float/int8 loops visit)
 *         = (Σ_oy in-bounds rows) · (Σ_ox in-bounds columns), the window being separable.
 */
import { type DeployOp, type DeployOpKind, type DeployTensor, window2d } from '@bnn-studio/bnn-core';

export type Features = Record<string, number>;

export interface OpCost {
  /** Kernel variant: the op kind, or `kind/path` where the runtime runs a different loop. */
  variant: string;
  features: Features;
}

interface Io {
  inputs: readonly DeployTensor[];
  outputs: readonly DeployTensor[];
}

type CostFeaturesOf<K extends DeployOpKind> = (op: Extract<DeployOp, { op: K }>, io: Io) => OpCost;

/** Row-length bins (32-bit words) of the binary popcount rows: the runtime picks its popcount loop by row length
 * (bnn_popcount.h: SWAR below BNN_HS8_MIN_WORDS = 16, 8-word Harley-Seal below BNN_HS16_MIN_WORDS = 48, 16-word
 * Harley-Seal up to 255, chunked above). Each bin gets its own per-word coefficient. */
export const ROW_WORD_BINS = [16, 48, 256] as const;

const words = (c: number) => Math.ceil(c / 32);
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const channels = (t: DeployTensor) => t.shape[t.shape.length - 1] ?? 1;
const pixelsOf = (t: DeployTensor) => prod(t.shape.slice(0, -1));

function rowBin(n: number): number {
  let b = 0;
  while (b < ROW_WORD_BINS.length && n >= ROW_WORD_BINS[b]!) b++;
  return b;
}

/** Words per unrolled block of each bin's popcount loop (SWAR pairs, 8- and 16-word Harley-Seal, chunked). */
export const ROW_BLOCK_WORDS = [2, 8, 16, 8] as const;

/** `amount` under the feature of `n`'s row-length bin (`${name}${bin}`), 0 under the other bins. */
function binned(name: string, n: number, amount: number): Features {
  const f: Features = {};
  for (let b = 0; b <= ROW_WORD_BINS.length; b++) f[`${name}${b}`] = b === rowBin(n) ? amount : 0;
  return f;
}

/**
 * `rows` popcount rows of `n` words: words per bin, rows per bin (call and reduction overhead), and the words
 * left over after the bin's unrolled blocks (handled one by one).
 */
function popcountRows(rows: number, n: number): Features {
  const block = ROW_BLOCK_WORDS[rowBin(n)]!;
  return {
    ...binned('rowWords', n, rows * n),
    ...binned('rows', n, rows),
    ...binned('rowTail', n, rows * (n % block)),
  };
}

/**
 * Row lengths (words) the runtime counts in straight-line code when the rows are paired, i.e. a bit-packed
 * bconv2d's (bnn_runtime.c: bnn_bits_out_r8/r9/r18/r36_pairs; the exporter pairs rows of PAIRS_MIN_WORDS..
 * PAIRS_MAX_WORDS words). Each gets its own per-row coefficient instead of the row-length bin's.
 */
export const STRAIGHT_ROW_WORDS = [8, 9, 18, 36] as const;

/** `rows` popcount rows of `n` words, counted by the straight-line kernel of `n` when `straight`. */
function pairedPopcountRows(rows: number, n: number, straight: boolean): Features {
  const f: Features = popcountRows(straight ? 0 : rows, n);
  for (const len of STRAIGHT_ROW_WORDS) f[`rowsR${len}`] = straight && n === len ? rows : 0;
  return f;
}

/** In-bounds taps along one axis summed over the outputs, and the outputs whose taps are all in bounds. */
function axisValid(
  inSize: number,
  outSize: number,
  k: number,
  stride: number,
  dil: number,
  pad: number,
): { valid: number; inside: number } {
  let valid = 0;
  let inside = 0;
  for (let o = 0; o < outSize; o++) {
    const i0 = o * stride - pad;
    let v = 0;
    for (let t = 0; t < k; t++) {
      const i = i0 + t * dil;
      if (i >= 0 && i < inSize) v++;
    }
    valid += v;
    if (v === k) inside++;
  }
  return { valid, inside };
}

export interface WindowCounts {
  P: number;
  taps: number;
  valid: number;
  /** Σ over output pixels of the in-bounds kernel rows (one float-conv row call each). */
  validRows: number;
  /** Output pixels whose window lies wholly inside the input (no padded tap). */
  inside: number;
  kh: number;
  kw: number;
}

export function windowCounts(
  input: DeployTensor,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: 'valid' | 'same',
): WindowCounts {
  const [h, w] = input.shape as [number, number, number];
  const g = window2d(h, w, kernel, strides, dilations, padding);
  const vy = axisValid(h, g.outH, kernel[0], strides[0], dilations[0], g.padTop);
  const vx = axisValid(w, g.outW, kernel[1], strides[1], dilations[1], g.padLeft);
  const P = g.outH * g.outW;
  return {
    P,
    taps: P * kernel[0] * kernel[1],
    valid: vy.valid * vx.valid,
    validRows: vy.valid * g.outW,
    inside: vy.inside * vx.inside,
    kh: kernel[0],
    kw: kernel[1],
  };
}

const elementwise = (variant: string) => (_op: DeployOp, io: Io) => ({
  variant,
  features: { elems: prod(io.outputs[0]!.shape), one: 1 },
});

const poolCost =
  (variant: string) =>
  (op: { pool: [number, number]; strides: [number, number]; padding: 'valid' | 'same' }, io: Io): OpCost => {
    const x = io.inputs[0]!;
    const c = channels(x);
    const w = windowCounts(x, op.pool, op.strides, [1, 1], op.padding);
    return {
      variant,
      features: { validC: w.valid * c, outC: w.P * c, taps: w.taps, pixels: w.P, one: 1 },
    };
  };

/** The binary conv (bit-packed or float/int8 output): gather the patch, then one popcount row per channel. */
function bconvCost(
  variant: string,
  op: {
    inChannels: number;
    outChannels: number;
    kernel: [number, number];
    strides: [number, number];
    dilations: [number, number];
    padding: 'valid' | 'same';
    padValue: 0 | 1;
  },
  io: Io,
  transform: { clamp: boolean; relu: boolean; bitpacked: boolean },
): OpCost {
  const w = windowCounts(io.inputs[0]!, op.kernel, op.strides, op.dilations, op.padding);
  const wc = words(op.inChannels);
  const patch = w.kh * w.kw * wc;
  const rows = w.P * op.outChannels;
  const zero = op.padValue === 0 && !transform.bitpacked;
  const straight = transform.bitpacked && (STRAIGHT_ROW_WORDS as readonly number[]).includes(patch);
  return {
    variant,
    features: {
      ...pairedPopcountRows(rows, patch, straight),
      // bit-packed output: one threshold word per 32 channels
      outWords: transform.bitpacked ? w.P * words(op.outChannels) : 0,
      clampRows: transform.clamp ? rows : 0,
      reluRows: transform.relu ? rows : 0,
      tapWords: w.taps * wc,
      taps: w.taps,
      pixels: w.P,
      // zero padding, border pixels: every channel walks the taps and subtracts the padded taps' filter popcounts
      borderRowTaps: zero ? (w.P - w.inside) * op.outChannels * w.kh * w.kw : 0,
      zeroPadTaps: zero ? (w.taps - w.valid) * op.outChannels : 0,
      zeroPadWords: zero ? (w.taps - w.valid) * wc * op.outChannels : 0,
      one: 1,
    },
  };
}

/** int8 conv (bnn_s8_conv2d): im2col of two pixels, then 2 channels × 2 pixels per SMLAD block (16 k per
 * unrolled iteration, 4 per step after it, the k % 4 tail one by one), requantization per output. */
function int8ConvCost(op: Extract<DeployOp, { op: 'int8_conv2d' }>, io: Io): OpCost {
  const w = windowCounts(io.inputs[0]!, op.kernel, op.strides, op.dilations, op.padding);
  const kdim = op.kernel[0] * op.kernel[1] * op.inChannels;
  const kdim4 = kdim - (kdim % 4);
  const blocks = w.P * op.outChannels; // output values (2×2 blocks = blocks / 4)
  const aligned = op.inChannels % 4 === 0;
  const small = !aligned && kdim <= 128;
  // grey/RGB 3×3 stems (kdim 9 or 27) over the full int8 range with the per-call requantization table run a
  // straight-line copy of the kernel (bnn_s8_mm_2x2): a relu whose output zero point is −128 clamps nothing
  const zp = io.outputs[0]!.quant?.zeroPoint ?? 0;
  const fullRange = op.activation === 'none' || zp <= -128;
  const stem = (kdim === 9 || kdim === 27) && fullRange && op.outChannels <= 32;
  return {
    variant: aligned
      ? 'int8_conv2d'
      : stem
        ? 'int8_conv2d/stem'
        : small
          ? 'int8_conv2d/small'
          : 'int8_conv2d/unaligned',
    features: {
      unrolled: blocks * Math.floor(kdim4 / 16) * 16,
      steps: blocks * (kdim4 % 16),
      tail: blocks * (kdim % 4),
      outC: blocks,
      // an odd pixel count: the last pixel takes the one-column loop; an odd channel count: the last channel of
      // each pixel pair takes the one-channel loop
      oddPixelMacs: (w.P % 2) * op.outChannels * kdim,
      oddCoutMacs: (op.outChannels % 2) * (w.P - (w.P % 2)) * kdim,
      // an activation range narrower than int8's: a clamp per output instead of one saturation
      clampOut: fullRange ? 0 : blocks,
      // more than 32 channels: the requantization constants are made per channel pair and pixel pair
      outNoTable: op.outChannels > 32 ? blocks : 0,
      patch: w.P * kdim,
      borderPatch: (w.P - w.inside) * kdim,
      pixels: w.P,
      cout: op.outChannels,
      one: 1,
    },
  };
}

export const COST_FEATURES = {
  quantize: (_op, io) => {
    const x = io.inputs[0]!;
    const P = pixelsOf(x);
    return {
      variant: 'quantize',
      features: { elems: P * channels(x), outWords: P * words(channels(x)), pixels: P, one: 1 },
    };
  },
  dequantize: (_op, io) => {
    const x = io.inputs[0]!;
    const P = pixelsOf(x);
    return { variant: 'dequantize', features: { elems: P * channels(x), pixels: P, one: 1 } };
  },
  bconv2d: (op, io) => {
    const t = op.transform;
    return t.kind === 'bitpacked'
      ? bconvCost('bconv2d/bitpacked', op, io, { clamp: false, relu: false, bitpacked: true })
      : bconvCost('bconv2d/float', op, io, {
          clamp: t.clamp !== 'none',
          relu: t.activation === 'relu',
          bitpacked: false,
        });
  },
  int8_bconv2d: (op, io) =>
    bconvCost('int8_bconv2d', op, io, { clamp: op.clamp !== 'none', relu: false, bitpacked: false }),
  bdepthwise_conv2d: (op, io) => {
    const x = io.inputs[0]!;
    const w = windowCounts(x, op.kernel, op.strides, op.dilations, op.padding);
    const wc = words(op.channels);
    const used = op.padValue === 0 ? w.valid : w.taps;
    return {
      variant: 'bdepthwise_conv2d',
      features: { tapWords: used * wc, outC: w.P * op.channels, pixelWords: w.P * wc, pixels: w.P, one: 1 },
    };
  },
  bdense: (op) => {
    const wc = words(op.inChannels);
    const bit = op.transform.kind === 'bitpacked';
    return {
      variant: bit ? 'bdense/bitpacked' : 'bdense/float',
      features: {
        ...popcountRows(op.outChannels, wc),
        outWords: bit ? words(op.outChannels) : 0,
        one: 1,
      },
    };
  },
  bmaxpool2d: (op, io) => {
    const x = io.inputs[0]!;
    const wc = words(channels(x));
    const w = windowCounts(x, op.pool, op.strides, [1, 1], op.padding);
    return {
      variant: 'bmaxpool2d',
      features: { validWords: w.valid * wc, outWords: w.P * wc, taps: w.taps, pixels: w.P, one: 1 },
    };
  },
  conv2d: (op, io) => {
    const w = windowCounts(io.inputs[0]!, op.kernel, op.strides, op.dilations, op.padding);
    // bnn_conv2d: per in-bounds kernel row one call over its (kx, ci) terms; eight output channels per step
    // (bnn_float_mac.h), the remainder channels one by one.
    const co8 = op.outChannels - (op.outChannels % 8);
    return {
      variant: 'conv2d',
      features: {
        macs8: w.valid * op.inChannels * co8,
        macsRem: w.valid * op.inChannels * (op.outChannels - co8),
        rowBlocks: w.validRows * (co8 / 8),
        validIn: w.valid * op.inChannels,
        valid: w.valid,
        taps: w.taps,
        outC: w.P * op.outChannels,
        reluC: op.activation === 'relu' ? w.P * op.outChannels : 0,
        pixels: w.P,
        one: 1,
      },
    };
  },
  depthwise_conv2d: (op, io) => {
    const w = windowCounts(io.inputs[0]!, op.kernel, op.strides, op.dilations, op.padding);
    const outc = op.channels * op.depthMultiplier;
    // multiplier 1: eight channels per step (bnn_f32_vmac_row), the remainder one by one
    const c8 = op.depthMultiplier === 1 ? op.channels - (op.channels % 8) : 0;
    return {
      variant: op.depthMultiplier === 1 ? 'depthwise_conv2d' : 'depthwise_conv2d/multiplier',
      features: {
        macs8: w.valid * c8,
        macs: w.valid * (outc - c8),
        blocks: c8 > 0 ? w.valid : 0,
        valid: w.valid,
        taps: w.taps,
        outC: w.P * outc,
        reluC: op.activation === 'relu' ? w.P * outc : 0,
        pixels: w.P,
        one: 1,
      },
    };
  },
  dense: (op) => ({
    variant: 'dense',
    features: { macs: op.inChannels * op.outChannels, outC: op.outChannels, inC: op.inChannels, one: 1 },
  }),
  scale_shift: (_op, io) => {
    // bnn_scale_shift: one scale for the whole tensor, eight channels per step when C % 8 = 0, else one by one
    const x = io.inputs[0]!;
    const c = channels(x);
    const elems = prod(x.shape);
    const path = c === 1 ? 'one' : c % 8 === 0 ? 'eight' : 'other';
    return {
      variant: 'scale_shift',
      features: {
        elemsOne: path === 'one' ? elems : 0,
        elemsEight: path === 'eight' ? elems : 0,
        elems: path === 'other' ? elems : 0,
        pixels: path === 'one' ? 0 : pixelsOf(x),
        one: 1,
      },
    };
  },
  maxpool2d: (op, io) => poolCost('maxpool2d')(op, io),
  avgpool2d: (op, io) => poolCost('avgpool2d')(op, io),
  global_avgpool: (_op, io) => {
    const x = io.inputs[0]!;
    return { variant: 'global_avgpool', features: { elems: prod(x.shape), outC: channels(x), one: 1 } };
  },
  add: (op, io) => {
    const n = prod(io.outputs[0]!.shape);
    return {
      variant: op.inputs.length === 2 ? 'add' : 'add/n',
      features: { termElems: n * op.inputs.length, elems: n, one: 1 },
    };
  },
  concat: (op, io) => {
    const out = io.outputs[0]!;
    return {
      variant: 'concat',
      features: { elems: prod(out.shape), pixelParts: pixelsOf(out) * op.inputs.length, one: 1 },
    };
  },
  reshape: elementwise('reshape'),
  relu: elementwise('relu'),
  prelu: (_op, io) => {
    const x = io.inputs[0]!;
    return { variant: 'prelu', features: { elems: prod(x.shape), pixels: pixelsOf(x), one: 1 } };
  },
  hard_tanh: elementwise('hard_tanh'),
  leaky_tanh: elementwise('leaky_tanh'),
  softmax: (_op, io) => {
    const x = io.inputs[0]!;
    return { variant: 'softmax', features: { elems: prod(x.shape), rows: pixelsOf(x), one: 1 } };
  },
  int8_quantize: elementwise('int8_quantize'),
  int8_dequantize: elementwise('int8_dequantize'),
  int8_bitpack: (_op, io) => {
    const x = io.inputs[0]!;
    const P = pixelsOf(x);
    return {
      variant: 'int8_bitpack',
      features: { elems: P * channels(x), outWords: P * words(channels(x)), pixels: P, one: 1 },
    };
  },
  int8_conv2d: int8ConvCost,
  int8_depthwise_conv2d: (op, io) => {
    const w = windowCounts(io.inputs[0]!, op.kernel, op.strides, op.dilations, op.padding);
    const outc = op.channels * op.depthMultiplier;
    const insideTaps = w.inside * w.kh * w.kw;
    return {
      variant: 'int8_depthwise_conv2d',
      features: {
        // windows inside the input: 4 channels per SMLA step; border windows: clipped taps + offset per tap
        insideTapsC: insideTaps * outc,
        borderValidC: (w.valid - insideTaps) * outc,
        borderOutC: (w.P - w.inside) * outc,
        outC: w.P * outc,
        cTail: w.P * (outc % 4),
        pixels: w.P,
        one: 1,
      },
    };
  },
  int8_dense: (op) => ({
    variant: 'int8_dense',
    features: { macs: op.inChannels * op.outChannels, outC: op.outChannels, inC: op.inChannels, one: 1 },
  }),
  int8_add: elementwise('int8_add'),
  int8_mul: elementwise('int8_mul'),
  int8_requantize: elementwise('int8_requantize'),
  int8_mean: (_op, io) => {
    const x = io.inputs[0]!;
    return { variant: 'int8_mean', features: { elems: prod(x.shape), outC: channels(x), one: 1 } };
  },
  int8_softmax: (_op, io) => {
    const x = io.inputs[0]!;
    return { variant: 'int8_softmax', features: { elems: prod(x.shape), rows: pixelsOf(x), one: 1 } };
  },
  int8_maxpool2d: (op, io) => poolCost('int8_maxpool2d')(op, io),
  int8_avgpool2d: (op, io) => poolCost('int8_avgpool2d')(op, io),
  // imported activations (issue 16)
  relu6: elementwise('relu6'),
  hard_swish: elementwise('hard_swish'),
  int8_hard_swish: elementwise('int8_hard_swish'),
} satisfies { [K in DeployOpKind]: CostFeaturesOf<K> };

/** The cost features of `op` in `deploy` (tensors looked up by id). */
export function opCostFeatures(op: DeployOp, tensorById: ReadonlyMap<string, DeployTensor>): OpCost {
  const get = (id: string) => {
    const t = tensorById.get(id);
    if (!t)
      throw new Error(
        `latency: op "${op.sourceNode}" (${op.op}) names tensor "${id}", which the graph does not declare`,
      );
    return t;
  };
  const io: Io = { inputs: op.inputs.map(get), outputs: op.outputs.map(get) };
  return (COST_FEATURES[op.op] as (op: DeployOp, io: Io) => OpCost)(op, io);
}
