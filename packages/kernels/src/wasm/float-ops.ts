/**
 * Float ops with a WASM SIMD kernel (conv2d, depthwise conv2d with depth multiplier 1, scale/shift, ReLU, the
 * sum of two tensors, max, average and global average pooling), each exactly equal to its reference. `./kernels.ts`
 * says which op runs which kernel (the others run the reference on views of the heap).
 */
import type {
  AvgPool2DOp,
  Conv2DOp,
  DepthwiseConv2DOp,
  MaxPool2DOp,
  ScaleShiftOp,
} from '@bnn-studio/bnn-core';
import { type ConvGeometry, convGeometry } from '../geometry.js';
import type { TensorInfo } from '../plan.js';
import { convWindow, type Heap, type KernelExports } from './runtime.js';

export interface PreparedConv2D {
  op: Conv2DOp;
  g: ConvGeometry;
  filter: number;
  bias: number;
  inSize: number;
  outSize: number;
}

/**
 * Geometry and heap copies of the filter and bias (0 when there is none) of a float conv or depthwise conv, and
 * its per-sample input and output sizes.
 */
function prepareFloatConv<Op extends Conv2DOp | DepthwiseConv2DOp>(
  heap: Heap,
  op: Op,
  inShape: readonly number[],
  inChannels: number,
  outChannels: number,
) {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.kernel, op.strides, op.dilations, op.padding);
  const copy = (values: Float32Array) => {
    const ptr = heap.alloc(values.length * 4);
    heap.f32(ptr, values.length).set(values);
    return ptr;
  };
  return {
    op,
    g,
    filter: copy(op.filter),
    bias: op.bias ? copy(op.bias) : 0,
    inSize: g.inH * g.inW * inChannels,
    outSize: g.outH * g.outW * outChannels,
  };
}

export function prepareConv2D(heap: Heap, op: Conv2DOp, inShape: readonly number[]): PreparedConv2D {
  return prepareFloatConv(heap, op, inShape, op.inChannels, op.outChannels);
}

export function runConv2D(
  k: KernelExports,
  p: PreparedConv2D,
  input: number,
  out: number,
  batch: number,
): void {
  const { op, g } = p;
  for (let b = 0; b < batch; b++) {
    k.conv2d_f32(
      input + b * p.inSize * 4,
      p.filter,
      p.bias,
      out + b * p.outSize * 4,
      op.outChannels,
      ...convWindow(g, op.inChannels, op),
      op.activation === 'relu' ? 1 : 0,
    );
  }
}

export interface PreparedScaleShift {
  op: ScaleShiftOp;
  scale: number;
  shift: number;
}

export interface PreparedDepthwise {
  op: DepthwiseConv2DOp;
  g: ConvGeometry;
  filter: number;
  bias: number;
  inSize: number;
  outSize: number;
}

/** Heap copies of a scale/shift's parameters, padded to whole groups of 4 channels (the kernel reads 4 at a time). */
export function prepareScaleShift(heap: Heap, op: ScaleShiftOp): PreparedScaleShift {
  const padded = Math.ceil(op.scale.length / 4) * 4;
  const scale = heap.alloc(padded * 4);
  heap.f32(scale, padded).fill(0).set(op.scale);
  const shift = heap.alloc(padded * 4);
  heap.f32(shift, padded).fill(0).set(op.shift);
  return { op, scale, shift };
}

export function runScaleShift(
  k: KernelExports,
  p: PreparedScaleShift,
  x: TensorInfo,
  src: number,
  dst: number,
  batch: number,
): void {
  const channels = p.op.scale.length;
  k.scale_shift_f32(src, dst, (batch * x.elements) / channels, channels, p.scale, p.shift);
}

/** Depthwise conv with depth multiplier 1 (the WASM kernel's case). */
export function prepareDepthwise(
  heap: Heap,
  op: DepthwiseConv2DOp,
  inShape: readonly number[],
): PreparedDepthwise {
  return prepareFloatConv(heap, op, inShape, op.channels, op.channels);
}

export function runDepthwise(
  k: KernelExports,
  p: PreparedDepthwise,
  src: number,
  dst: number,
  batch: number,
): void {
  const { op } = p;
  for (let b = 0; b < batch; b++) {
    k.depthwise_f32(
      src + b * p.inSize * 4,
      p.filter,
      p.bias,
      dst + b * p.outSize * 4,
      ...convWindow(p.g, op.channels, op),
      op.activation === 'relu' ? 1 : 0,
    );
  }
}

/** Max or average pooling of a float `[H, W, C]` batch. */
export function runPool2D(
  k: KernelExports,
  op: MaxPool2DOp | AvgPool2DOp,
  x: TensorInfo,
  output: TensorInfo,
  src: number,
  dst: number,
  batch: number,
): void {
  const g = convGeometry(x.shape[0]!, x.shape[1]!, op.pool, op.strides, [1, 1], op.padding);
  for (let b = 0; b < batch; b++) {
    k.pool2d_f32(
      src + b * x.size * 4,
      dst + b * output.size * 4,
      g.inH,
      g.inW,
      x.channels,
      ...op.pool,
      ...op.strides,
      g.padTop,
      g.padLeft,
      g.outH,
      g.outW,
      op.op === 'avgpool2d' ? 1 : 0,
    );
  }
}
