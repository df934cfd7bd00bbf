/**
 * Backend that runs every op from the WASM op table (`wasm/kernels.ts`): binary ops (quantize, bconv2d, bdense,
 * bdepthwise_conv2d, bmaxpool2d, dequantize) and the common float ops (see wasm/float-ops.ts) on the WASM SIMD
 * kernels, with activations in the wasm heap; other float ops run their reference on views of that heap.
 */
import { KernelError, nonFiniteOutput } from '../errors.js';
import type { Plan } from '../plan.js';
import { type PreparedWasmOp, prepareWasmOp, type WasmIo } from '../wasm/kernels.js';
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
  /** Buffers of each op (in plan order), built once per batch size: a run allocates nothing. */
  io: WasmIo[];
}

export async function createWasmBackend(plan: Plan, options: { threads: 1 | 2 }): Promise<Backend> {
  // Two threads only help binary convs/denses (float, bit-packed or int8 output): start the worker only when the
  // graph has some.
  const hasGemm = plan.ops.some(
    ({ op }) => op.op === 'bconv2d' || op.op === 'bdense' || op.op === 'int8_bconv2d',
  );
  const shared = options.threads === 2 && hasGemm && sharedMemoryAvailable();
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared });
  const k: KernelExports = await instantiateKernels(memory, shared);
  const heap = new Heap(memory);
  const prepared: PreparedWasmOp[] = plan.ops.map((planned) => prepareWasmOp(heap, planned));
  // started last, so a refused graph leaves no worker behind
  const worker = shared ? await createGemmWorker(memory) : null;
  const constantsEnd = heap.used;
  let arena: Arena | null = null;
  let disposed = false;

  function arenaFor(batch: number): Arena {
    if (arena?.batch === batch) return arena;
    heap.reset(constantsEnd);
    const ptr = new Map<string, number>();
    for (const t of plan.tensors.values()) ptr.set(t.id, heap.alloc(batch * t.bytes));
    let scratchBytes = 0;
    for (const p of prepared) scratchBytes = Math.max(scratchBytes, p.scratchBytes?.(batch) ?? 0);
    const unpacked = new Map<string, number>();
    for (const t of plan.outputs)
      if (t.kind === 'bitpacked') unpacked.set(t.id, heap.alloc(batch * t.elements * 4));
    const scratch = heap.alloc(scratchBytes);
    const io = plan.ops.map(
      (planned): WasmIo => ({
        k,
        heap,
        worker,
        srcs: planned.inputs.map((t) => ptr.get(t.id)!),
        dst: ptr.get(planned.output.id)!,
        scratch,
        batch,
      }),
    );
    arena = { batch, ptr, scratch, unpacked, io };
    return arena;
  }

  return {
    threads: worker ? 2 : 1,
    run(input, batch) {
      if (disposed)
        throw new KernelError('disposed', 'kernels: engine was disposed.', 'Create a new engine.');
      const a = arenaFor(batch);
      const inPtr = a.ptr.get(plan.input.id)!;
      heap.f32(inPtr, input.length).set(input);
      for (let i = 0; i < prepared.length; i++) prepared[i]!.run(a.io[i]!);
      return plan.outputs.map((t) => {
        let ptr = a.ptr.get(t.id)!;
        if (t.kind === 'int8') {
          // int8 outputs are returned as their integer values (as the float oracle holds them).
          return Float32Array.from(new Int8Array(heap.memory.buffer, ptr, batch * t.elements));
        }
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
