/**
 * Drivers of the int8 WASM kernels (`int8OpKernels` in the WAT source): weights re-laid out once per engine (conv
 * filters HWIO widened to int32, dense rows widened to int16 and padded to 8), the per-channel requantization
 * parameters (bnn-core's `channelMultipliers`) in the heap, and one call per sample. Each equals its reference in
 * `src/reference/int8.ts` bit for bit (`int8-ops.test.ts`).
 */

import type { BConv2DOp } from '@bnn-studio/bnn-core';
import {
  bconvInt8Effective,
  channelMultipliers,
  type Int8AddParams,
  type Int8AvgPool2DOp,
  type Int8BConv2DOp,
  type Int8Conv2DOp,
  type Int8DenseOp,
  type Int8DepthwiseConv2DOp,
  type Int8MaxPool2DOp,
  type Int8Quant,
  int8ActivationRange,
  int8AddParams,
} from '@bnn-studio/bnn-core';
import { convGeometry } from '../geometry.js';
import type { TensorInfo } from '../plan.js';
import { bconvScratchBytes, type PreparedBConv, prepareBConv, runBConv } from './binary-ops.js';
import { convWindow, type Heap, type Int8OutputStage, type KernelExports } from './runtime.js';
import type { GemmWorker } from './threads.js';

const align16 = (n: number) => Math.ceil(n / 16) * 16;

function copyI32(heap: Heap, values: ArrayLike<number>): number {
  const ptr = heap.alloc(values.length * 4);
  heap.i32(ptr, values.length).set(values as ArrayLike<number>);
  return ptr;
}

/** The output stage's constant part: input zero point, multipliers, shifts, output zero point, range. */
interface Stage {
  zpIn: number;
  mult: number;
  shifts: number;
  zpOut: number;
  lo: number;
  hi: number;
}

function prepareStage(
  heap: Heap,
  inQ: Int8Quant,
  filterScales: Float32Array,
  outQ: Int8Quant,
  activation: 'none' | 'relu',
): Stage {
  const { multipliers, shifts } = channelMultipliers(inQ.scale, filterScales, outQ.scale);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  return {
    zpIn: inQ.zeroPoint,
    mult: copyI32(heap, multipliers),
    shifts: copyI32(heap, shifts),
    zpOut: outQ.zeroPoint,
    lo,
    hi,
  };
}

const stageArgs = (s: Stage, accRow: number): Int8OutputStage => [
  s.zpIn,
  s.mult,
  s.shifts,
  s.zpOut,
  s.lo,
  s.hi,
  accRow,
];

/**
 * An int8 conv, depthwise conv or dense once prepared for one engine: its weights, bias and output stage in the
 * heap, and its kernel's call on one sample.
 */
export interface PreparedInt8ConvLike {
  /** Bytes of one input sample and of one output sample. */
  inBytes: number;
  outBytes: number;
  /** Scratch of a run (the kernel's int32 accumulator row, and what else it needs). */
  scratchBytes: number;
  /** The kernel on one sample at `src` into `dst`. */
  runSample(k: KernelExports, src: number, dst: number, scratch: number): void;
}

/** The kernel's pointer arguments: input, re-laid-out weights, bias (0: none), output. */
type Int8Io = [src: number, weights: number, bias: number, dst: number];

/**
 * What the three share: after the op's weights (already in the heap at `weights`), its bias as int32 padded with
 * zeros to `biasLength`, then the output stage; `call` runs the kernel on one sample.
 */
function prepareInt8ConvLike(
  heap: Heap,
  op: Int8Conv2DOp | Int8DepthwiseConv2DOp | Int8DenseOp,
  inQ: Int8Quant,
  outQ: Int8Quant,
  layout: {
    weights: number;
    biasLength: number;
    inBytes: number;
    outBytes: number;
    scratchBytes: number;
    call: (k: KernelExports, io: Int8Io, stage: Stage, scratch: number) => void;
  },
): PreparedInt8ConvLike {
  let bias = 0;
  if (op.bias) {
    bias = heap.alloc(layout.biasLength * 4);
    heap.i32(bias, layout.biasLength).fill(0).set(op.bias);
  }
  const stage = prepareStage(heap, inQ, op.filterScales, outQ, op.activation);
  const { weights, call } = layout;
  return {
    inBytes: layout.inBytes,
    outBytes: layout.outBytes,
    scratchBytes: layout.scratchBytes,
    runSample: (k, src, dst, scratch) => call(k, [src, weights, bias, dst], stage, scratch),
  };
}

/** Runs a prepared int8 conv / depthwise / dense over a batch, sample by sample. */
export function runInt8ConvLike(
  k: KernelExports,
  p: PreparedInt8ConvLike,
  src: number,
  dst: number,
  scratch: number,
  batch: number,
): void {
  for (let b = 0; b < batch; b++) p.runSample(k, src + b * p.inBytes, dst + b * p.outBytes, scratch);
}

/**
 * int8 conv2d: the OHWI filter as int16 `[tap][pair of input channels][coPad][2]` (coPad: output channels rounded up
 * to 4; zero weights beyond them and for an odd last input channel), the bias padded to coPad. Scratch: one
 * pixel's coPad accumulators.
 */
export function prepareInt8Conv(
  heap: Heap,
  op: Int8Conv2DOp,
  inShape: readonly number[],
  inQ: Int8Quant,
  outQ: Int8Quant,
): PreparedInt8ConvLike {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.kernel, op.strides, op.dilations, op.padding);
  const taps = op.kernel[0] * op.kernel[1];
  const cin = op.inChannels;
  const cout = op.outChannels;
  const coPad = Math.ceil(cout / 4) * 4;
  const pairs = Math.ceil(cin / 2);
  const n = taps * pairs * coPad * 2;
  const filter = heap.alloc(n * 2);
  const f = new Int16Array(heap.memory.buffer, filter, n).fill(0);
  for (let co = 0; co < cout; co++)
    for (let t = 0; t < taps; t++)
      for (let ci = 0; ci < cin; ci++)
        f[((t * pairs + (ci >> 1)) * coPad + co) * 2 + (ci & 1)] = op.filter[(co * taps + t) * cin + ci]!;
  const window = convWindow(g, cin, op);
  return prepareInt8ConvLike(heap, op, inQ, outQ, {
    weights: filter,
    biasLength: coPad,
    inBytes: g.inH * g.inW * cin,
    outBytes: g.outH * g.outW * cout,
    scratchBytes: align16(coPad * 4),
    call: (k, io, s, scratch) => k.int8_conv2d(...io, cout, ...window, ...stageArgs(s, scratch)),
  });
}

/**
 * int8 depthwise conv: the `[KH, KW, C·M]` filter widened to int32; depth multiplier 1 on `int8_depthwise_m1`
 * (four channels per i32x4), any other on `int8_depthwise`. Scratch: one pixel's C·M accumulators.
 */
export function prepareInt8Depthwise(
  heap: Heap,
  op: Int8DepthwiseConv2DOp,
  inShape: readonly number[],
  inQ: Int8Quant,
  outQ: Int8Quant,
): PreparedInt8ConvLike {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.kernel, op.strides, op.dilations, op.padding);
  const n = op.channels * op.depthMultiplier;
  const window = convWindow(g, op.channels, op);
  const m = op.depthMultiplier;
  return prepareInt8ConvLike(heap, op, inQ, outQ, {
    weights: copyI32(heap, op.filter),
    biasLength: n,
    inBytes: g.inH * g.inW * op.channels,
    outBytes: g.outH * g.outW * n,
    scratchBytes: align16(n * 4),
    call: (k, io, s, scratch) =>
      m === 1
        ? k.int8_depthwise_m1(...io, ...window, ...stageArgs(s, scratch))
        : k.int8_depthwise(...io, ...window, m, ...stageArgs(s, scratch)),
  });
}

/**
 * int8 dense: `[Cout, Cin]` weights widened to int16, rows padded with zeros to a multiple of 8. Scratch: the input
 * as int16 (x − zp), then the int32 accumulators.
 */
export function prepareInt8Dense(
  heap: Heap,
  op: Int8DenseOp,
  inQ: Int8Quant,
  outQ: Int8Quant,
): PreparedInt8ConvLike {
  const cin = op.inChannels;
  const cout = op.outChannels;
  const cinPad = Math.ceil(cin / 8) * 8;
  const weights = heap.alloc(cout * cinPad * 2);
  const w = new Int16Array(heap.memory.buffer, weights, cout * cinPad).fill(0);
  for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) w[o * cinPad + i] = op.weights[o * cin + i]!;
  const xsBytes = align16(cinPad * 2);
  return prepareInt8ConvLike(heap, op, inQ, outQ, {
    weights,
    biasLength: cout,
    // the contract holds inChannels equal to the input's elements (bytes, for int8)
    inBytes: cin,
    outBytes: cout,
    scratchBytes: xsBytes + align16(cout * 4),
    call: (k, io, s, scratch) =>
      k.int8_dense(...io, cin, cinPad, cout, scratch, ...stageArgs(s, scratch + xsBytes)),
  });
}

/** int8 add of two tensors of equal shape over the whole batch (elementwise). */
export function runInt8Add(
  k: KernelExports,
  p: Int8AddParams,
  range: [number, number],
  a: number,
  b: number,
  dst: number,
  n: number,
): void {
  k.int8_add(
    a,
    b,
    dst,
    n,
    p.leftShift,
    p.input1Offset,
    p.input1Multiplier,
    p.input1Shift,
    p.input2Offset,
    p.input2Multiplier,
    p.input2Shift,
    p.outputMultiplier,
    p.outputShift,
    p.outputOffset,
    ...range,
  );
}

export function prepareInt8Add(
  qa: Int8Quant,
  qb: Int8Quant,
  outQ: Int8Quant,
  activation: 'none' | 'relu',
): { params: Int8AddParams; range: [number, number] } {
  return { params: int8AddParams(qa, qb, outQ), range: int8ActivationRange(activation, outQ) };
}

/** int8 max or average pooling of an int8 `[H, W, C]` batch. */
export function runInt8Pool2D(
  k: KernelExports,
  op: Int8MaxPool2DOp | Int8AvgPool2DOp,
  x: TensorInfo,
  output: TensorInfo,
  src: number,
  dst: number,
  batch: number,
): void {
  const g = convGeometry(x.shape[0] ?? 1, x.shape[1] ?? 1, op.pool, op.strides, [1, 1], op.padding);
  for (let b = 0; b < batch; b++) {
    k.int8_pool2d(
      src + b * x.bytes,
      dst + b * output.bytes,
      g.inH,
      g.inW,
      x.channels,
      ...op.pool,
      ...op.strides,
      g.padTop,
      g.padLeft,
      g.outH,
      g.outW,
      op.op === 'int8_avgpool2d' ? 1 : 0,
    );
  }
}

export interface PreparedInt8BConv {
  conv: PreparedBConv;
  /** Float outputs per sample (the float transform's result before rounding to int8). */
  outElements: number;
}

/**
 * Binary conv with int8 output: the binary conv's float output transform with LCE's effective multiplier and
 * bias (`bconvInt8Effective`, as `int8Bconv2dReference` computes it), into scratch after the im2col rows, then
 * round (ties away from zero) and saturate to int8 (`int8_quantize` with scale 1, zero point 0).
 */
export function prepareInt8BConv(
  heap: Heap,
  op: Int8BConv2DOp,
  inShape: readonly number[],
  outQ: Int8Quant,
): PreparedInt8BConv {
  const eff = bconvInt8Effective(op.multiplier, op.bias, outQ);
  const { clamp, multiplier: _m, bias: _b, ...rest } = op;
  const asFloat: BConv2DOp = {
    ...rest,
    op: 'bconv2d',
    transform: { kind: 'float', clamp, multiplier: eff.multiplier, bias: eff.bias, activation: 'none' },
  };
  const conv = prepareBConv(heap, asFloat, inShape);
  return { conv, outElements: conv.g.outH * conv.g.outW * op.outChannels };
}

export const int8BConvScratchBytes = (p: PreparedInt8BConv, batch: number): number =>
  align16(bconvScratchBytes(p.conv, batch)) + batch * p.outElements * 4;

export function runInt8BConv(
  k: KernelExports,
  p: PreparedInt8BConv,
  src: number,
  dst: number,
  scratch: number,
  batch: number,
  worker: GemmWorker | null,
): void {
  const floats = scratch + align16(bconvScratchBytes(p.conv, batch));
  runBConv(k, p.conv, src, floats, scratch, batch, worker);
  k.int8_quantize(floats, dst, batch * p.outElements, 1, 0);
}
