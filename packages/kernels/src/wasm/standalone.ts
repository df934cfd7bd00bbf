/**
 * A single binary conv / dense op on the WASM kernels, outside any graph: used by the fuzz tests (against the
 * reference) and by the benchmark (timed path = pack the float input + im2col + GEMM + output transform).
 */
import type { BConv2DOp, BDenseOp } from '@bnn-studio/bnn-core';
import { packedWords } from '../bitpack.js';
import { KernelError } from '../errors.js';
import {
  bconvGemm,
  bconvIm2col,
  bconvScratchBytes,
  type GemmChoice,
  type PreparedBConv,
  prepareBConv,
  runBConv,
} from './binary-ops.js';
import { Heap, instantiateKernels, type KernelExports } from './runtime.js';
import { createGemmWorker, type GemmWorker, sharedMemoryAvailable } from './threads.js';

export class WasmBConv {
  private constructor(
    private readonly k: KernelExports,
    private readonly heap: Heap,
    private readonly p: PreparedBConv,
    readonly batch: number,
    private readonly inChannels: number,
    private readonly floatIn: number,
    private readonly packedIn: number,
    private readonly col: number,
    private readonly out: number,
    private readonly worker: GemmWorker | null,
  ) {}

  /**
   * Prepares `op` for inputs of per-sample shape `inShape` (`[H, W, Cin]`, or `[Cin]` for bdense). With
   * `threads: 2` the GEMM is split with a worker where shared memory is available (see `threads`).
   */
  static async create(
    op: BConv2DOp | BDenseOp,
    inShape: readonly number[],
    batch: number,
    options: { threads?: 1 | 2; gemm?: GemmChoice } = {},
  ): Promise<WasmBConv> {
    const wantShared = options.threads === 2 && sharedMemoryAvailable();
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: wantShared });
    const k = await instantiateKernels(memory, wantShared);
    const worker = wantShared ? await createGemmWorker(memory) : null;
    const heap = new Heap(memory);
    const p = prepareBConv(heap, op, inShape, { gemm: options.gemm });
    const elements = inShape.reduce((a, b) => a * b, 1);
    const floatIn = heap.alloc(batch * elements * 4);
    const packedIn = heap.alloc(batch * p.inSize * 4);
    const col = heap.alloc(bconvScratchBytes(p, batch));
    const out = heap.alloc(batch * p.outSize * 4);
    return new WasmBConv(k, heap, p, batch, op.inChannels, floatIn, packedIn, col, out, worker);
  }

  /** The GEMM micro-kernel in use (after 'auto' tuning, the one that was fastest here). */
  get gemmKernel(): string {
    return this.p.gemm;
  }

  /** Threads in use (2 only when requested and available). */
  get threads(): 1 | 2 {
    return this.worker ? 2 : 1;
  }

  dispose(): void {
    this.worker?.dispose();
  }

  /** Kernel exports (the benchmark.s roofline loops live there too). */
  get exports(): KernelExports {
    return this.k;
  }

  /** Runs on packed input words (`batch` samples); returns float32 or packed output. */
  runPacked(input: Int32Array): Float32Array | Int32Array {
    if (input.length !== this.batch * this.p.inSize) {
      throw new KernelError(
        'bad_input',
        `WasmBConv: expected ${this.batch * this.p.inSize} words, got ${input.length}.`,
        'Pass the packed batch.',
      );
    }
    this.heap.i32(this.packedIn, input.length).set(input);
    runBConv(this.k, this.p, this.packedIn, this.out, this.col, this.batch, this.worker);
    return this.output();
  }

  /** Copies float input (`batch` samples, NHWC) into the heap, ready for `step()`. */
  setFloatInput(input: Float32Array): void {
    this.heap.f32(this.floatIn, input.length).set(input);
  }

  /** The timed path: pack the float input, im2col, GEMM with the fused output transform. */
  step(): void {
    const rows = (this.batch * this.p.inSize) / packedWords(this.inChannels);
    if (this.k.pack(this.floatIn, this.packedIn, rows, this.inChannels) !== 0) {
      throw new KernelError(
        'non_finite_input',
        'WasmBConv: input contains NaN or ±Infinity.',
        'Pass finite values.',
      );
    }
    runBConv(this.k, this.p, this.packedIn, this.out, this.col, this.batch, this.worker);
  }

  /** Packing of the float input only (benchmark breakdown). */
  packOnly(): void {
    this.k.pack(
      this.floatIn,
      this.packedIn,
      (this.batch * this.p.inSize) / packedWords(this.inChannels),
      this.inChannels,
    );
  }

  /** im2col of the packed input only (so a benchmark can time the GEMM alone). */
  im2colOnly(): void {
    bconvIm2col(this.k, this.p, this.packedIn, this.col, this.batch);
  }

  /** GEMM + output transform of the already prepared im2col rows. */
  gemmOnly(): void {
    bconvGemm(this.k, this.p, this.col, this.out, this.batch, this.worker);
  }

  output(): Float32Array | Int32Array {
    const n = this.batch * this.p.outSize;
    return this.p.kind === 0 ? this.heap.f32(this.out, n).slice() : this.heap.i32(this.out, n).slice();
  }
}
