/**
 * Backend that runs binary ops (quantize, bconv2d, bdense, bdepthwise_conv2d, bmaxpool2d, dequantize) and the
 * common float ops (see wasm/float-ops.ts) on the WASM SIMD kernels, with activations in the wasm heap; other
 * float ops run their reference on views of that heap.
 */
import { KernelError, nonFiniteOutput, nonFiniteQuantize } from '../errors.js';
import type { Plan, PlannedOp } from '../plan.js';
import { isFloatOp, runFloatOp } from '../reference/float-ops.js';
import {
  bconvScratchBytes,
  type PreparedBConv,
  type PreparedBDepthwise,
  prepareBConv,
  prepareBDepthwise,
  runBConv,
  runBDepthwise,
  runBMaxPool,
} from '../wasm/binary-ops.js';
import { type PreparedFloatOp, prepareFloatOp, runWasmFloatOp } from '../wasm/float-ops.js';
import { Heap, instantiateKernels, type KernelExports } from '../wasm/runtime.js';
import { createGemmWorker, sharedMemoryAvailable } from '../wasm/threads.js';
import type { Backend } from './types.js';

interface Arena {
  batch: number;
  /** Pointer of each tensor's batch buffer. */
  ptr: Map<string, number>;
  scratch: number;
  /** ±1 floats of each bit-packed graph output. */
  unpacked: Map<string, number>;
}

export async function createWasmBackend(plan: Plan, options: { threads: 1 | 2 }): Promise<Backend> {
  // Two threads only help binary convs/denses: start the worker only when the graph has some.
  const hasGemm = plan.ops.some(({ op }) => op.op === 'bconv2d' || op.op === 'bdense');
  const shared = options.threads === 2 && hasGemm && sharedMemoryAvailable();
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared });
  const k: KernelExports = await instantiateKernels(memory, shared);
  const heap = new Heap(memory);
  const prepared = new Map<number, PreparedBConv | PreparedBDepthwise | PreparedFloatOp>();
  for (const planned of plan.ops) {
    const { op, index, inputs } = planned;
    if (isFloatOp(op)) {
      const p = prepareFloatOp(heap, planned);
      if (p) prepared.set(index, p);
    }
    if (op.op === 'bconv2d' || op.op === 'bdense')
      prepared.set(index, prepareBConv(heap, op, inputs[0]!.shape));
    if (op.op === 'bdepthwise_conv2d') {
      if (op.kernel[0] * op.kernel[1] > 255) {
        throw new KernelError(
          'unsupported',
          `kernels: bdepthwise_conv2d "${op.sourceNode}" has ${op.kernel[0] * op.kernel[1]} taps; the WASM kernel counts up to 255.`,
          "Use a kernel of at most 15×15 or backend: 'reference'.",
          op.sourceNode,
        );
      }
      prepared.set(index, prepareBDepthwise(heap, op, inputs[0]!.shape));
    }
  }
  // started last, so a refused graph leaves no worker behind
  const worker = shared ? await createGemmWorker(memory) : null;
  const constantsEnd = heap.used;
  let arena: Arena | null = null;
  let disposed = false;

  function arenaFor(batch: number): Arena {
    if (arena?.batch === batch) return arena;
    heap.reset(constantsEnd);
    const ptr = new Map<string, number>();
    for (const t of plan.tensors.values()) ptr.set(t.id, heap.alloc(batch * t.size * 4));
    let scratchBytes = 0;
    for (const p of prepared.values())
      if ('steps' in p) scratchBytes = Math.max(scratchBytes, bconvScratchBytes(p, batch));
    const unpacked = new Map<string, number>();
    for (const t of plan.outputs)
      if (t.kind === 'bitpacked') unpacked.set(t.id, heap.alloc(batch * t.elements * 4));
    arena = { batch, ptr, scratch: heap.alloc(scratchBytes), unpacked };
    return arena;
  }

  function runOp(planned: PlannedOp, a: Arena, batch: number): void {
    const { op, index, inputs, output } = planned;
    const x = inputs[0]!;
    const src = a.ptr.get(x.id)!;
    const dst = a.ptr.get(output.id)!;
    if (isFloatOp(op)) {
      const srcs = inputs.map((t) => a.ptr.get(t.id)!);
      const p = (prepared.get(index) ?? null) as PreparedFloatOp | null;
      if (runWasmFloatOp(k, planned, p, srcs, dst, batch)) return;
      for (let b = 0; b < batch; b++) {
        const xs = inputs.map((t) => heap.f32(a.ptr.get(t.id)! + b * t.size * 4, t.size));
        heap.f32(dst + b * output.size * 4, output.size).set(runFloatOp(op, xs, inputs));
      }
      return;
    }
    switch (op.op) {
      case 'quantize':
        // The graph input was checked for NaN/∞; float ops cannot create NaN from finite values except by
        // overflow, which pack reports too.
        if (k.pack(src, dst, batch * x.positions, x.channels) !== 0) throw nonFiniteQuantize(op.sourceNode);
        return;
      case 'dequantize':
        k.unpack(src, dst, batch * x.positions, x.channels);
        return;
      case 'bconv2d':
      case 'bdense':
        runBConv(k, prepared.get(index) as PreparedBConv, src, dst, a.scratch, batch, worker);
        return;
      case 'bdepthwise_conv2d':
        runBDepthwise(k, prepared.get(index) as PreparedBDepthwise, src, dst, batch);
        return;
      case 'bmaxpool2d':
        runBMaxPool(k, op, x.shape, src, dst, batch);
        return;
    }
  }

  return {
    threads: worker ? 2 : 1,
    run(input, batch) {
      if (disposed)
        throw new KernelError('disposed', 'kernels: engine was disposed.', 'Create a new engine.');
      const a = arenaFor(batch);
      const inPtr = a.ptr.get(plan.input.id)!;
      heap.f32(inPtr, input.length).set(input);
      for (const planned of plan.ops) runOp(planned, a, batch);
      return plan.outputs.map((t) => {
        let ptr = a.ptr.get(t.id)!;
        if (t.kind === 'bitpacked') {
          const floats = a.unpacked.get(t.id)!;
          k.unpack(ptr, floats, batch * t.positions, t.channels);
          ptr = floats;
        } else if (k.non_finite(ptr, batch * t.elements) !== 0) {
          throw nonFiniteOutput(t.id);
        }
        return heap.f32(ptr, batch * t.elements).slice();
      });
    },
    dispose() {
      disposed = true;
      arena = null;
      worker?.dispose();
    },
  };
}
