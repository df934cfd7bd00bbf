/**
 * Float ops with a WASM SIMD kernel (conv2d, depthwise conv2d with depth multiplier 1, scale/shift, ReLU, the
 * sum of two tensors, max, average and global average pooling), each exactly equal to its reference; the others
 * run the reference on views of the heap.
 */
import type { Conv2DOp, DepthwiseConv2DOp, ScaleShiftOp } from '@bnn-studio/bnn-core';
import { type ConvGeometry, convGeometry } from '../geometry.js';
import type { PlannedOp } from '../plan.js';
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

/** What a float op's WASM kernel needs prepared (heap copies of its parameters). */
export type PreparedFloatOp = PreparedConv2D | PreparedScaleShift | PreparedDepthwise;

/** Heap copies of the parameters of a float op with a WASM kernel; null for ops without one (or their cases). */
export function prepareFloatOp(heap: Heap, { op, inputs }: PlannedOp): PreparedFloatOp | null {
  const shape = inputs[0]!.shape;
  switch (op.op) {
    case 'conv2d':
      return prepareConv2D(heap, op, shape);
    case 'scale_shift': {
      // padded to whole groups of 4 channels (the kernel reads them 4 at a time)
      const padded = Math.ceil(op.scale.length / 4) * 4;
      const scale = heap.alloc(padded * 4);
      heap.f32(scale, padded).fill(0).set(op.scale);
      const shift = heap.alloc(padded * 4);
      heap.f32(shift, padded).fill(0).set(op.shift);
      return { op, scale, shift };
    }
    case 'depthwise_conv2d':
      return op.depthMultiplier === 1 ? prepareFloatConv(heap, op, shape, op.channels, op.channels) : null;
    default:
      return null;
  }
}

/**
 * Runs `planned` (a float op) for the whole batch on its WASM kernel; false when it has none (the caller runs the
 * reference). `src` are the inputs' batch buffers, `dst` the output's.
 */
export function runWasmFloatOp(
  k: KernelExports,
  { op, inputs, output }: PlannedOp,
  prepared: PreparedFloatOp | null,
  src: number[],
  dst: number,
  batch: number,
): boolean {
  const x = inputs[0]!;
  switch (op.op) {
    case 'conv2d':
      runConv2D(k, prepared as PreparedConv2D, src[0]!, dst, batch);
      return true;
    case 'depthwise_conv2d': {
      if (!prepared) return false;
      const p = prepared as PreparedDepthwise;
      for (let b = 0; b < batch; b++) {
        k.depthwise_f32(
          src[0]! + b * p.inSize * 4,
          p.filter,
          p.bias,
          dst + b * p.outSize * 4,
          ...convWindow(p.g, op.channels, op),
          op.activation === 'relu' ? 1 : 0,
        );
      }
      return true;
    }
    case 'scale_shift': {
      const p = prepared as PreparedScaleShift;
      const channels = op.scale.length;
      k.scale_shift_f32(src[0]!, dst, (batch * x.elements) / channels, channels, p.scale, p.shift);
      return true;
    }
    case 'relu':
      k.relu_f32(src[0]!, dst, batch * x.elements);
      return true;
    case 'global_avgpool':
      k.global_avgpool_f32(src[0]!, dst, batch, x.positions, x.channels);
      return true;
    case 'add':
      if (inputs.length !== 2) return false;
      k.add2_f32(src[0]!, src[1]!, dst, batch * x.elements);
      return true;
    case 'maxpool2d':
    case 'avgpool2d': {
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.pool, op.strides, [1, 1], op.padding);
      for (let b = 0; b < batch; b++) {
        k.pool2d_f32(
          src[0]! + b * x.size * 4,
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
      return true;
    }
    default:
      return false;
  }
}
