/**
 * Loading of the kernels' WebAssembly module (bytes embedded by scripts/build-wasm.mjs, so no fetch or file
 * paths) and a bump allocator over its imported memory.
 */
import { KernelError } from '../errors.js';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHARED_BASE64 } from '../generated/kernels-wasm.js';
import type { ConvGeometry } from '../geometry.js';

/** Binary GEMM with fused output transform (see wasm/kernels.wat.mjs for the parameters). */
export type GemmKernel = (
  a: number,
  m: number,
  steps: number,
  b: number,
  n4: number,
  cout: number,
  out: number,
  flags: number,
  k: number,
  thr: number,
  mul: number,
  bias: number,
  corr: number,
  tile: number,
  counts: number,
) => void;

/** GEMM micro-kernels (see wasm/kernels.wat.mjs), each with the float (_f) or bit-packed (_b) output transform. */
export type GemmVariant =
  | 'bgemm'
  | 'brow4'
  | 'nrow4'
  | 'brow8'
  | 'nrow8'
  | 'brow16'
  | 'nrow16'
  | 'brow9'
  | 'nrow9'
  | 'brow18'
  | 'nrow18'
  | 'brow36'
  | 'nrow36'
  | 'brow9x'
  | 'nrow9x'
  | 'brow5x'
  | 'nrow5x'
  | 'nrow1';
export type GemmKernelName = `${GemmVariant}_${'f' | 'b'}`;

/** A conv window over an h × w × c input (c: channels, or words of packed channels), as the kernels take it. */
export type ConvWindow = [
  h: number,
  w: number,
  c: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  padTop: number,
  padLeft: number,
  oh: number,
  ow: number,
];

/** A pool window over an h × w × c input (c: channels, or packed words), as the pool kernels take it. */
export type PoolWindow = [
  h: number,
  w: number,
  c: number,
  ph: number,
  pw: number,
  sh: number,
  sw: number,
  padTop: number,
  padLeft: number,
  oh: number,
  ow: number,
];

/**
 * The output stage of an int8 conv / depthwise / dense as its kernel takes it: input zero point, per-channel
 * multipliers and shifts (heap pointers to int32s), output zero point, activation range, and one pixel's int32
 * accumulator row (scratch).
 */
export type Int8OutputStage = [
  zpIn: number,
  mult: number,
  shifts: number,
  zpOut: number,
  lo: number,
  hi: number,
  accRow: number,
];

/** The ConvWindow of a conv with geometry `g` over `c` channels (or packed words). */
export function convWindow(
  g: ConvGeometry,
  c: number,
  op: { kernel: [number, number]; strides: [number, number]; dilations: [number, number] },
): ConvWindow {
  return [g.inH, g.inW, c, ...op.kernel, ...op.strides, ...op.dilations, g.padTop, g.padLeft, g.outH, g.outW];
}

/** The conv geometry both im2col kernels take after (src, dst). */
export type Im2colGeometry = [...window: ConvWindow, rowBytes: number];

export interface KernelExports {
  pack(src: number, dst: number, rows: number, channels: number): number;
  non_finite(src: number, n: number): number;
  unpack(src: number, dst: number, rows: number, channels: number): void;
  /** Packed im2col of one sample into the pair-interleaved rows, each built in `tmp` then scattered. */
  im2col(
    ...args: [src: number, dst: number, ...geometry: Im2colGeometry, tmp: number, rowBase: number]
  ): void;
  /** The same straight into the layout, for an even number of words per tap. */
  im2col_i64(...args: [src: number, dst: number, ...geometry: Im2colGeometry, rowBase: number]): void;
  bgemm_f: GemmKernel;
  bgemm_b: GemmKernel;
  brow4_f: GemmKernel;
  brow4_b: GemmKernel;
  nrow4_f: GemmKernel;
  nrow4_b: GemmKernel;
  brow8_f: GemmKernel;
  brow8_b: GemmKernel;
  nrow8_f: GemmKernel;
  nrow8_b: GemmKernel;
  brow16_f: GemmKernel;
  brow16_b: GemmKernel;
  nrow16_f: GemmKernel;
  nrow16_b: GemmKernel;
  brow9_f: GemmKernel;
  brow9_b: GemmKernel;
  nrow9_f: GemmKernel;
  nrow9_b: GemmKernel;
  brow18_f: GemmKernel;
  brow18_b: GemmKernel;
  nrow18_f: GemmKernel;
  nrow18_b: GemmKernel;
  brow36_f: GemmKernel;
  brow36_b: GemmKernel;
  nrow36_f: GemmKernel;
  nrow36_b: GemmKernel;
  brow9x_f: GemmKernel;
  brow9x_b: GemmKernel;
  nrow9x_f: GemmKernel;
  nrow9x_b: GemmKernel;
  brow5x_f: GemmKernel;
  brow5x_b: GemmKernel;
  nrow5x_f: GemmKernel;
  nrow5x_b: GemmKernel;
  nrow1_f: GemmKernel;
  nrow1_b: GemmKernel;
  bdepthwise(
    ...args: [
      src: number,
      filter: number,
      dst: number,
      ...window: ConvWindow,
      zeroPad: number,
      flags: number,
      mul: number,
      bias: number,
      scratch: number,
    ]
  ): void;
  bmaxpool(...args: [src: number, dst: number, ...window: PoolWindow]): void;
  conv2d_f32(
    ...args: [
      src: number,
      filter: number,
      bias: number,
      dst: number,
      co: number,
      ...window: ConvWindow,
      relu: 0 | 1,
    ]
  ): void;
  /** Float ops besides conv2d (floatOpKernels in the WAT source), exactly equal to their references. */
  scale_shift_f32(
    src: number,
    dst: number,
    rows: number,
    channels: number,
    scale: number,
    shift: number,
  ): void;
  relu_f32(src: number, dst: number, n: number): void;
  global_avgpool_f32(src: number, dst: number, samples: number, positions: number, channels: number): void;
  add2_f32(a: number, b: number, dst: number, n: number): void;
  pool2d_f32(...args: [src: number, dst: number, ...window: PoolWindow, kind: 0 | 1]): void;
  depthwise_f32(
    ...args: [src: number, filter: number, bias: number, dst: number, ...window: ConvWindow, relu: 0 | 1]
  ): void;
  /** e^x in float32, the reference's `expf` operation by operation. */
  expf_f32(x: number): number;
  /** Softmax over `rows` rows of `n` floats (expf, float32 sum and divisions); dst may equal src. */
  softmax_f32(src: number, dst: number, rows: number, n: number): void;
  /** int8 kernels (int8OpKernels in the WAT source), exactly equal to src/reference/int8.ts. */
  int8_conv2d(
    ...args: [
      src: number,
      filter: number,
      bias: number,
      dst: number,
      co: number,
      ...window: ConvWindow,
      ...stage: Int8OutputStage,
    ]
  ): void;
  int8_depthwise(
    ...args: [
      src: number,
      filter: number,
      bias: number,
      dst: number,
      ...window: ConvWindow,
      depthMultiplier: number,
      ...stage: Int8OutputStage,
    ]
  ): void;
  /** The same with depth multiplier 1, taps outermost (no depth multiplier argument). */
  int8_depthwise_m1(
    ...args: [
      src: number,
      filter: number,
      bias: number,
      dst: number,
      ...window: ConvWindow,
      ...stage: Int8OutputStage,
    ]
  ): void;
  int8_dense(
    ...args: [
      src: number,
      weights: number,
      bias: number,
      dst: number,
      cin: number,
      cinPad: number,
      cout: number,
      xs: number,
      ...stage: Int8OutputStage,
    ]
  ): void;
  int8_add(
    ...args: [
      a: number,
      b: number,
      dst: number,
      n: number,
      leftShift: number,
      off1: number,
      m1: number,
      s1: number,
      off2: number,
      m2: number,
      s2: number,
      mo: number,
      so: number,
      zpOut: number,
      lo: number,
      hi: number,
    ]
  ): void;
  int8_pool2d(...args: [src: number, dst: number, ...window: PoolWindow, kind: 0 | 1]): void;
  /** Returns 1 when some input is NaN or ±∞. */
  int8_quantize(src: number, dst: number, n: number, scale: number, zp: number): number;
  int8_dequantize(src: number, dst: number, n: number, scale: number, zp: number): void;
  int8_bitpack(src: number, dst: number, rows: number, channels: number, zp: number): void;
  /** The benchmark's register-only XOR + popcount + add loops (ROOFLINES in the WAT source). */
  roofline_6x2(n: number, seed: bigint): bigint;
  roofline_4x4(n: number, seed: bigint): bigint;
  roofline_8x0(n: number, seed: bigint): bigint;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const modules = new Map<boolean, Promise<WebAssembly.Module>>();

/** The compiled kernels module (compiled once per process / page); `shared` selects the shared-memory build. */
export function kernelsModule(shared = false): Promise<WebAssembly.Module> {
  let m: Promise<WebAssembly.Module> | undefined = modules.get(shared);
  if (!m) {
    m = WebAssembly.compile(decodeBase64(shared ? KERNELS_WASM_SHARED_BASE64 : KERNELS_WASM_BASE64)).catch(
      (e: unknown) => {
        modules.delete(shared);
        throw new KernelError(
          'wasm_unavailable',
          `kernels: this runtime cannot compile the WebAssembly SIMD kernels (${String(e)}).`,
          "Use a runtime with WebAssembly SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4) or backend: 'reference'.",
        );
      },
    );
    modules.set(shared, m);
  }
  return m;
}

export async function instantiateKernels(memory: WebAssembly.Memory, shared = false): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(await kernelsModule(shared), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

const PAGE = 65536;

/** Bump allocator over a wasm memory. Views must be re-read after `alloc` (memory may grow). */
export class Heap {
  private top: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base = 1024,
  ) {
    this.top = base;
  }

  get used(): number {
    return this.top;
  }

  /**
   * Allocates `bytes` aligned to `align` (a power of two, at least 16) bytes; zero-filled on first use (callers must
   * not rely on it after reset).
   */
  alloc(bytes: number, align = 16): number {
    const ptr = (this.top + align - 1) & ~(align - 1);
    const end = ptr + Math.max(bytes, 0);
    if (end > 2 ** 31) {
      throw new KernelError(
        'unsupported',
        `kernels: the model needs ${Math.ceil(end / 2 ** 20)} MiB of working memory, above the 2 GiB limit.`,
        'Use a smaller batch.',
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** Frees everything allocated after `mark` (from `used`). */
  reset(mark: number): void {
    this.top = mark;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
}
