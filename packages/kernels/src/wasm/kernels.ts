/**
 * The WASM backend's kernel of every deploy op, in one table the compiler checks against bnn-core's op table
 * (`satisfies { [K in DeployOpKind]: … }`: a new op kind without an entry here does not compile, so no op is
 * ever skipped at run time). Each entry prepares the op once per engine (weights re-laid out into the heap) and
 * returns its runner. Ops without a WASM kernel name `onReference` explicitly: their reference kernel on views
 * of the heap.
 */
import type { DeployOpKind, DeployOpOf } from '@bnn-studio/bnn-core';
import { KernelError, nonFiniteQuantize } from '../errors.js';
import type { PlannedOp, TensorInfo } from '../plan.js';
import { runReferenceOp, type Value } from '../reference/kernels.js';
import {
  bconvScratchBytes,
  prepareBConv,
  prepareBDepthwise,
  runBConv,
  runBDepthwise,
  runBMaxPool,
} from './binary-ops.js';
import {
  prepareConv2D,
  prepareDepthwise,
  prepareScaleShift,
  runConv2D,
  runDepthwise,
  runPool2D,
  runScaleShift,
} from './float-ops.js';
import {
  int8BConvScratchBytes,
  type PreparedInt8ConvLike,
  prepareInt8Add,
  prepareInt8BConv,
  prepareInt8Conv,
  prepareInt8Dense,
  prepareInt8Depthwise,
  runInt8Add,
  runInt8BConv,
  runInt8ConvLike,
  runInt8Pool2D,
} from './int8-ops.js';
import type { Heap, KernelExports } from './runtime.js';
import type { GemmWorker } from './threads.js';

/** Where one run of an op reads and writes: its inputs' and output's batch buffers in the heap. */
export interface WasmIo {
  k: KernelExports;
  heap: Heap;
  worker: GemmWorker | null;
  /** Batch buffer of each input, in input order. */
  srcs: number[];
  dst: number;
  /** Scratch shared by every op (sized by the largest `scratchBytes`). */
  scratch: number;
  batch: number;
}

/** An op prepared for one engine. */
export interface PreparedWasmOp {
  run(io: WasmIo): void;
  /** Scratch bytes a run of `batch` samples needs (im2col rows of a binary conv). */
  scratchBytes?(batch: number): number;
}

/** A planned op of kind `K`. */
export type PlannedOpOf<K extends DeployOpKind> = Omit<PlannedOp, 'op'> & { op: DeployOpOf<K> };

export type WasmKernel<K extends DeployOpKind> = (heap: Heap, planned: PlannedOpOf<K>) => PreparedWasmOp;

/** One sample of tensor `t` in its batch buffer at `ptr`, typed by its kind. */
function sampleView(heap: Heap, t: TensorInfo, ptr: number, b: number): Value {
  const at = ptr + b * t.bytes;
  if (t.kind === 'int8') return new Int8Array(heap.memory.buffer, at, t.size);
  if (t.kind === 'bitpacked') return new Int32Array(heap.memory.buffer, at, t.size);
  return heap.f32(at, t.size);
}

/**
 * The op's reference kernel on views of the heap, sample by sample (the float ops without a WASM kernel).
 */
function onReference(_heap: Heap, { op, inputs, output }: PlannedOp): PreparedWasmOp {
  return {
    run({ heap, srcs, dst, batch }) {
      for (let b = 0; b < batch; b++) {
        const xs = inputs.map((t, i) => sampleView(heap, t, srcs[i]!, b));
        const y = runReferenceOp(op, xs, inputs, output);
        (sampleView(heap, output, dst, b) as typeof y).set(y as never);
      }
    },
  };
}

function binaryConv(heap: Heap, { op, inputs }: PlannedOpOf<'bconv2d' | 'bdense'>): PreparedWasmOp {
  const p = prepareBConv(heap, op, inputs[0]!.shape);
  return {
    run: ({ k, srcs, dst, scratch, batch, worker }) => runBConv(k, p, srcs[0]!, dst, scratch, batch, worker),
    scratchBytes: (batch) => bconvScratchBytes(p, batch),
  };
}

/** An int8 conv, depthwise conv or dense, prepared: its kernel per sample, one accumulator row of scratch. */
function int8ConvLike(p: PreparedInt8ConvLike): PreparedWasmOp {
  return {
    run: ({ k, srcs, dst, scratch, batch }) => runInt8ConvLike(k, p, srcs[0]!, dst, scratch, batch),
    scratchBytes: () => p.scratchBytes,
  };
}

export const WASM_KERNELS = {
  quantize: (_heap, { op, inputs: [x] }) => ({
    // The graph input was checked for NaN/∞; float ops cannot create NaN from finite values except by
    // overflow, which pack reports too.
    run({ k, srcs, dst, batch }) {
      if (k.pack(srcs[0]!, dst, batch * x!.positions, x!.channels) !== 0)
        throw nonFiniteQuantize(op.sourceNode);
    },
  }),
  dequantize: (_heap, { inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) => k.unpack(srcs[0]!, dst, batch * x!.positions, x!.channels),
  }),
  bconv2d: binaryConv,
  bdense: binaryConv,
  bdepthwise_conv2d: (heap, { op, inputs }) => {
    if (op.kernel[0] * op.kernel[1] > 255) {
      throw new KernelError(
        'unsupported',
        `kernels: bdepthwise_conv2d "${op.sourceNode}" has ${op.kernel[0] * op.kernel[1]} taps; the WASM kernel counts up to 255.`,
        "Use a kernel of at most 15×15 or backend: 'reference'.",
        op.sourceNode,
      );
    }
    const p = prepareBDepthwise(heap, op, inputs[0]!.shape);
    return { run: ({ k, srcs, dst, batch }) => runBDepthwise(k, p, srcs[0]!, dst, batch) };
  },
  bmaxpool2d: (_heap, { op, inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) => runBMaxPool(k, op, x!.shape, srcs[0]!, dst, batch),
  }),
  conv2d: (heap, { op, inputs }) => {
    const p = prepareConv2D(heap, op, inputs[0]!.shape);
    return { run: ({ k, srcs, dst, batch }) => runConv2D(k, p, srcs[0]!, dst, batch) };
  },
  depthwise_conv2d: (heap, planned) => {
    if (planned.op.depthMultiplier !== 1) return onReference(heap, planned);
    const p = prepareDepthwise(heap, planned.op, planned.inputs[0]!.shape);
    return { run: ({ k, srcs, dst, batch }) => runDepthwise(k, p, srcs[0]!, dst, batch) };
  },
  scale_shift: (heap, { op, inputs: [x] }) => {
    const p = prepareScaleShift(heap, op);
    return { run: ({ k, srcs, dst, batch }) => runScaleShift(k, p, x!, srcs[0]!, dst, batch) };
  },
  maxpool2d: (_heap, { op, inputs: [x], output }) => ({
    run: ({ k, srcs, dst, batch }) => runPool2D(k, op, x!, output, srcs[0]!, dst, batch),
  }),
  avgpool2d: (_heap, { op, inputs: [x], output }) => ({
    run: ({ k, srcs, dst, batch }) => runPool2D(k, op, x!, output, srcs[0]!, dst, batch),
  }),
  global_avgpool: (_heap, { inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) => k.global_avgpool_f32(srcs[0]!, dst, batch, x!.positions, x!.channels),
  }),
  add: (heap, planned) => {
    if (planned.inputs.length !== 2) return onReference(heap, planned);
    const x = planned.inputs[0]!;
    return { run: ({ k, srcs, dst, batch }) => k.add2_f32(srcs[0]!, srcs[1]!, dst, batch * x.elements) };
  },
  relu: (_heap, { inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) => k.relu_f32(srcs[0]!, dst, batch * x!.elements),
  }),
  dense: onReference,
  concat: onReference,
  reshape: onReference,
  prelu: onReference,
  hard_tanh: onReference,
  leaky_tanh: onReference,
  softmax: (_heap, { inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) =>
      k.softmax_f32(srcs[0]!, dst, (batch * x!.elements) / x!.channels, x!.channels),
  }),
  // int8 ops: TFLite's integer kernels (and LCE's int8 paths) on WASM, bit-exact with src/reference/int8.ts.
  int8_quantize: (_heap, { op, inputs: [x], output }) => {
    const q = output.quant!;
    return {
      run({ k, srcs, dst, batch }) {
        if (k.int8_quantize(srcs[0]!, dst, batch * x!.elements, q.scale, q.zeroPoint) !== 0)
          throw nonFiniteQuantize(op.sourceNode);
      },
    };
  },
  int8_dequantize: (_heap, { inputs: [x] }) => {
    const q = x!.quant!;
    return {
      run: ({ k, srcs, dst, batch }) =>
        k.int8_dequantize(srcs[0]!, dst, batch * x!.elements, q.scale, q.zeroPoint),
    };
  },
  int8_bitpack: (_heap, { inputs: [x] }) => ({
    run: ({ k, srcs, dst, batch }) =>
      k.int8_bitpack(srcs[0]!, dst, batch * x!.positions, x!.channels, x!.quant!.zeroPoint),
  }),
  int8_conv2d: (heap, { op, inputs: [x], output }) =>
    int8ConvLike(prepareInt8Conv(heap, op, x!.shape, x!.quant!, output.quant!)),
  int8_depthwise_conv2d: (heap, { op, inputs: [x], output }) =>
    int8ConvLike(prepareInt8Depthwise(heap, op, x!.shape, x!.quant!, output.quant!)),
  int8_dense: (heap, { op, inputs: [x], output }) =>
    int8ConvLike(prepareInt8Dense(heap, op, x!.quant!, output.quant!)),
  int8_add: (heap, planned) => {
    // An add of a broadcast constant (one input, `op.constant`) runs its reference kernel.
    if (planned.op.constant) return onReference(heap, planned);
    const {
      op,
      inputs: [a, b],
      output,
    } = planned;
    const p = prepareInt8Add(a!.quant!, b!.quant!, output.quant!, op.activation);
    return {
      run: ({ k, srcs, dst, batch }) =>
        runInt8Add(k, p.params, p.range, srcs[0]!, srcs[1]!, dst, batch * output.elements),
    };
  },
  int8_maxpool2d: (_heap, { op, inputs: [x], output }) => ({
    run: ({ k, srcs, dst, batch }) => runInt8Pool2D(k, op, x!, output, srcs[0]!, dst, batch),
  }),
  int8_avgpool2d: (_heap, { op, inputs: [x], output }) => ({
    run: ({ k, srcs, dst, batch }) => runInt8Pool2D(k, op, x!, output, srcs[0]!, dst, batch),
  }),
  int8_bconv2d: (heap, { op, inputs: [x], output }) => {
    const p = prepareInt8BConv(heap, op, x!.shape, output.quant!);
    return {
      run: ({ k, srcs, dst, scratch, batch, worker }) =>
        runInt8BConv(k, p, srcs[0]!, dst, scratch, batch, worker),
      scratchBytes: (batch) => int8BConvScratchBytes(p, batch),
    };
  },
  int8_softmax: onReference,
  int8_mul: onReference,
  int8_requantize: onReference,
  // imported activations (issue 16): element-wise, their reference kernels on the WASM heap's views
  relu6: onReference,
  hard_swish: onReference,
  int8_hard_swish: onReference,
  int8_mean: onReference,
} satisfies { [K in DeployOpKind]: WasmKernel<K> };

/** Prepares `planned` with its WASM kernel. */
export function prepareWasmOp(heap: Heap, planned: PlannedOp): PreparedWasmOp {
  const kernel = WASM_KERNELS[planned.op.op] as (heap: Heap, planned: PlannedOp) => PreparedWasmOp;
  return kernel(heap, planned);
}
