/** Float ops with a WASM SIMD kernel (first-layer convolutions), exactly equal to their reference. */
import type { Conv2DOp } from '@bnn-studio/bnn-core';
import { type ConvGeometry, convGeometry } from '../geometry.js';
import type { Heap, KernelExports } from './runtime.js';

export interface PreparedConv2D {
  op: Conv2DOp;
  g: ConvGeometry;
  filter: number;
  bias: number;
  acc: number;
  inSize: number;
  outSize: number;
}

export function prepareConv2D(heap: Heap, op: Conv2DOp, inShape: readonly number[]): PreparedConv2D {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.kernel, op.strides, op.dilations, op.padding);
  const filter = heap.alloc(op.filter.length * 4);
  heap.f32(filter, op.filter.length).set(op.filter);
  let bias = 0;
  if (op.bias) {
    bias = heap.alloc(op.outChannels * 4);
    heap.f32(bias, op.outChannels).set(op.bias);
  }
  const acc = heap.alloc(op.outChannels * 4);
  return {
    op,
    g,
    filter,
    bias,
    acc,
    inSize: g.inH * g.inW * op.inChannels,
    outSize: g.outH * g.outW * op.outChannels,
  };
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
      g.inH,
      g.inW,
      op.inChannels,
      op.outChannels,
      op.kernel[0],
      op.kernel[1],
      op.strides[0],
      op.strides[1],
      op.dilations[0],
      op.dilations[1],
      g.padTop,
      g.padLeft,
      g.outH,
      g.outW,
      op.activation === 'relu' ? 1 : 0,
      p.acc,
    );
  }
}
