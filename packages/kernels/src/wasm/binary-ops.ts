/**
 * Preparation (once per engine) and execution (per run) of the binary ops on the WASM SIMD kernels.
 * Weights are re-laid out for the micro-kernel at preparation time; activations live in the wasm heap.
 */
import {
  type BConv2DOp,
  type BDenseOp,
  type BDepthwiseConv2DOp,
  type BMaxPool2DOp,
  DOT_CLAMP_RANGE,
  type FloatOutputTransform,
} from '@bnn-studio/bnn-core';
import { packedWords, popcount32 } from '../bitpack.js';
import { KernelError } from '../errors.js';
import { type ConvGeometry, convGeometry } from '../geometry.js';
import {
  convWindow,
  type GemmKernelName,
  type GemmVariant,
  type Heap,
  type Im2colGeometry,
  type KernelExports,
} from './runtime.js';
import type { GemmWorker } from './threads.js';

/** Output channels per micro-kernel block. */
const BLOCK = 4;
/** Bytes per GEMM step (one i64 of each row). */
const STEP_BYTES = 8;
/**
 * Rows each micro-kernel takes: `unroll` steps per loop iteration, so a multiple of that many steps, or with
 * `exact` exactly `unroll` steps (straight-line code, no k loop).
 */
export const GEMM_ROWS: Record<GemmVariant, { unroll: number; exact: boolean }> = {
  bgemm: { unroll: 1, exact: false },
  brow4: { unroll: 4, exact: false },
  nrow4: { unroll: 4, exact: false },
  brow8: { unroll: 8, exact: false },
  nrow8: { unroll: 8, exact: false },
  brow16: { unroll: 16, exact: false },
  nrow16: { unroll: 16, exact: false },
  brow9: { unroll: 9, exact: false },
  nrow9: { unroll: 9, exact: false },
  brow18: { unroll: 18, exact: false },
  nrow18: { unroll: 18, exact: false },
  brow36: { unroll: 36, exact: false },
  nrow36: { unroll: 36, exact: false },
  brow9x: { unroll: 9, exact: true },
  nrow9x: { unroll: 9, exact: true },
  brow5x: { unroll: 5, exact: true },
  nrow5x: { unroll: 5, exact: true },
  nrow1: { unroll: 1, exact: false },
};

/** Every micro-kernel variant. */
export const GEMM_VARIANTS = Object.keys(GEMM_ROWS) as GemmVariant[];

/** True when `variant` runs rows of `steps` steps as they are (no padding). */
export function gemmFits(variant: GemmVariant, steps: number): boolean {
  const { unroll, exact } = GEMM_ROWS[variant];
  return exact ? steps === unroll : steps % unroll === 0;
}
/** Timed calls per candidate micro-kernel before a layer settles on the fastest (see `bconvGemm`). */
const TUNING_CALLS = 4;
/**
 * Untimed warm-up (ms from a layer's first call) in which the candidates already take turns: a fresh module runs
 * baseline (Liftoff) code until V8 has optimised each function in the background, a few ms after its first
 * call, and the baseline code ranks the kernels differently (it never hoists loads, so the store-free kernels
 * look fast there).
 */
const TUNING_WARMUP_MS = 40;
/** Below this (ms per call) the timer cannot tell the candidates apart: keep the first. */
const TUNING_MIN_MS = 0.02;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/**
 * The `flags` argument of the float transform (bgemm, the row kernels, bdepthwise): 1 = clamp the dot below at
 * lo, 8 = above at hi (lo, hi from bnn-core's `DOT_CLAMP_RANGE`, as signed bytes 2 and 3 of flags), 2 = ReLU
 * activation. (4, the zero-padding correction, is the caller's.)
 */
export function transformFlags(t: FloatOutputTransform): number {
  const [lo, hi] = DOT_CLAMP_RANGE[t.clamp];
  let flags = t.activation === 'relu' ? 2 : 0;
  if (lo !== INT32_MIN) {
    if (lo < -128 || lo > 127)
      throw new KernelError(
        'unsupported',
        `dot clamp ${t.clamp}: lower bound ${lo} is not a byte.`,
        'Use a dot clamp from bnn-core DOT_CLAMP_RANGE.',
      );
    flags |= 1 | ((lo & 0xff) << 16);
  }
  if (hi !== INT32_MAX) {
    if (hi < -128 || hi > 127)
      throw new KernelError(
        'unsupported',
        `dot clamp ${t.clamp}: upper bound ${hi} is not a byte.`,
        'Use a dot clamp from bnn-core DOT_CLAMP_RANGE.',
      );
    flags |= 8 | ((hi & 0xff) << 24);
  }
  return flags;
}

/**
 * Which GEMM micro-kernel a layer uses: 'auto' times the candidates on the layer's first calls (results are
 * bit-identical either way; only speed differs between JavaScript engines), or one forced by name.
 */
export type GemmChoice = 'auto' | GemmVariant;

interface GemmTuning {
  candidates: GemmVariant[];
  best: number[];
  calls: number;
  /** Timed calls so far (counted only once the warm-up is over). */
  timed: number;
  /** performance.now() of the first call. */
  start: number;
}

/** Geometry and relaid weights of a binary conv (bdense is a 1×1 conv of a 1×1 image). */
export interface PreparedBConv {
  g: ConvGeometry;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  inWords: number;
  outChannels: number;
  /** Channel blocks per L1 tile of filter rows (a multiple of 8 blocks = 32 channels). */
  tileBlocks: number;
  /** Micro-kernel in use (_f / _b transform); while `tuning` is set, the candidates take turns. */
  gemm: GemmKernelName;
  tuning: GemmTuning | null;
  /** Steps per im2col row; the row holds KH·KW·inWords words, zero-padded to a whole number of steps. */
  steps: number;
  /** Bytes per im2col row: steps · STEP_BYTES. */
  rowBytes: number;
  n4: number;
  filter: number;
  kind: 0 | 1;
  flags: number;
  k: number;
  thr: number;
  mul: number;
  bias: number;
  /** Zero-padding correction per output pixel and channel (0 = none). */
  corr: number;
  /**
   * Two count rows for the row kernels (this thread's, then the worker's), `countRowBytes(cout)` apart and
   * cache-line aligned, so the threads never write one line.
   */
  counts: number;
  /** Output storage units per sample (floats or words). */
  outSize: number;
  inSize: number;
}

export function prepareBConv(
  heap: Heap,
  op: BConv2DOp | BDenseOp,
  inShape: readonly number[],
  options: { gemm?: GemmChoice } = {},
): PreparedBConv {
  const isDense = op.op === 'bdense';
  const kernel: [number, number] = isDense ? [1, 1] : op.kernel;
  const strides: [number, number] = isDense ? [1, 1] : op.strides;
  const dilations: [number, number] = isDense ? [1, 1] : op.dilations;
  const padding = isDense ? 'valid' : op.padding;
  const [h, w] = isDense ? [1, 1] : [inShape[0]!, inShape[1]!];
  const g = convGeometry(h, w, kernel, strides, dilations, padding);
  const inWords = packedWords(op.inChannels);
  const taps = kernel[0] * kernel[1];
  const rowWords = taps * inWords;
  const STEP_WORDS = STEP_BYTES / 4;
  const choice = options.gemm ?? 'auto';
  let steps = Math.ceil(rowWords / STEP_WORDS);
  // Unrolled kernels need whole iterations: a forced one pads the rows with zero steps (zero words in both
  // operands add nothing to the counts); 'auto' only offers those that need no padding.
  if (choice !== 'auto') {
    const { unroll, exact } = GEMM_ROWS[choice];
    if (exact && steps > unroll) {
      throw new KernelError(
        'unsupported',
        `kernels: the ${choice} micro-kernel takes rows of at most ${unroll} steps; ${op.sourceNode} has ${steps}.`,
        "Use gemm: 'auto' or another micro-kernel.",
      );
    }
    steps = Math.ceil(steps / unroll) * unroll;
  }
  const candidates: GemmVariant[] =
    choice === 'auto' ? GEMM_VARIANTS.filter((v) => gemmFits(v, steps)) : [choice];
  const suffix = op.transform.kind === 'float' ? 'f' : 'b';
  const cout = op.outChannels;
  const n4 = Math.ceil(cout / BLOCK);

  // Filter interleaved as [n4][steps][4 channels][2 words] so one pointer walks 4 channels' rows.
  const filterWords = n4 * steps * BLOCK * STEP_WORDS;
  const filter = heap.alloc(filterWords * 4);
  const fv = heap.i32(filter, filterWords);
  fv.fill(0);
  for (let o = 0; o < cout; o++) {
    const blk = o >> 2;
    const c = o & 3;
    for (let q = 0; q < rowWords; q++) {
      const s = Math.floor(q / STEP_WORDS);
      fv[((blk * steps + s) * BLOCK + c) * STEP_WORDS + (q % STEP_WORDS)] = op.filter[o * rowWords + q]!;
    }
  }

  const padded = n4 * BLOCK;
  const t = op.transform;
  const counts = heap.alloc(2 * countRowBytes(cout), 64);
  let thr = 0;
  let mul = 0;
  let bias = 0;
  let flags = 0;
  let corr = 0;
  if (t.kind === 'bitpacked') {
    // whole words of thresholds: the row kernels compare 32 channels at a time
    const thrLength = packedWords(cout) * 32;
    thr = heap.alloc(thrLength * 4);
    const tv = heap.i32(thr, thrLength);
    tv.fill(INT32_MAX);
    tv.set(t.thresholds);
  } else {
    mul = heap.alloc(padded * 4);
    heap.f32(mul, padded).fill(0).set(t.multiplier);
    bias = heap.alloc(padded * 4);
    heap.f32(bias, padded).fill(0).set(t.bias);
    flags = transformFlags(t);
    if (!isDense && op.padding === 'same' && op.padValue === 0) {
      // dot_zero = dot_one − Σ over padded taps of (Cin − 2·popcount(w_tap)): one-padding counted each padded
      // tap as x = +1, whose product with w sums to Cin − 2·popcount(w_tap).
      const pixels = g.outH * g.outW;
      corr = heap.alloc(pixels * padded * 4);
      const cv = heap.i32(corr, pixels * padded);
      cv.fill(0);
      const tapSum = new Int32Array(taps * cout);
      for (let o = 0; o < cout; o++) {
        for (let tp = 0; tp < taps; tp++) {
          let pc = 0;
          for (let i = 0; i < inWords; i++) pc += popcount32(op.filter[(o * taps + tp) * inWords + i]!);
          tapSum[tp * cout + o] = op.inChannels - 2 * pc;
        }
      }
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          for (let ky = 0; ky < kernel[0]; ky++) {
            for (let kx = 0; kx < kernel[1]; kx++) {
              const iy = oy * strides[0] - g.padTop + ky * dilations[0];
              const ix = ox * strides[1] - g.padLeft + kx * dilations[1];
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) continue;
              const tp = ky * kernel[1] + kx;
              const base = (oy * g.outW + ox) * padded;
              for (let o = 0; o < cout; o++) cv[base + o]! += tapSum[tp * cout + o]!;
            }
          }
        }
      }
      flags |= 4;
    }
  }
  return {
    g,
    kernel,
    strides,
    dilations,
    inWords,
    outChannels: cout,
    gemm: `${candidates[0]!}_${suffix}`,
    tuning:
      candidates.length > 1
        ? { candidates, best: candidates.map(() => Number.POSITIVE_INFINITY), calls: 0, timed: 0, start: -1 }
        : null,
    steps,
    rowBytes: steps * STEP_BYTES,
    // ~16 KiB of filter rows per tile (half of L1d), at least 32 channels
    tileBlocks: Math.max(8, Math.floor(16384 / (steps * STEP_BYTES * BLOCK) / 8) * 8),
    n4,
    filter,
    kind: t.kind === 'float' ? 0 : 1,
    flags,
    k: taps * op.inChannels,
    thr,
    mul,
    bias,
    corr,
    counts,
    outSize: g.outH * g.outW * (t.kind === 'float' ? cout : packedWords(cout)),
    inSize: g.inH * g.inW * inWords,
  };
}

/** Bytes of one count row: an i32 per channel, whole 32-channel words (so whole 64-byte lines too). */
function countRowBytes(cout: number): number {
  return packedWords(cout) * 128;
}

/**
 * im2col rows are stored pair-interleaved ([pair][step][2 rows][STEP_BYTES]) for the micro-kernel. Rows of all
 * samples follow each other, except with a zero-padding correction (indexed by pixel within a sample): then
 * every sample starts at an even row so it can run as its own GEMM.
 */
function rowLayout(p: PreparedBConv, batch: number): { rowsPerSample: number; rows: number } {
  const pixels = p.g.outH * p.g.outW;
  const rowsPerSample = p.corr === 0 ? pixels : pixels + (pixels & 1);
  const rows = batch * rowsPerSample;
  return { rowsPerSample, rows: rows + (rows & 1) };
}

/** Bytes of im2col scratch a prepared conv needs for `batch` samples (rows plus one row to build in). */
export function bconvScratchBytes(p: PreparedBConv, batch: number): number {
  return (rowLayout(p, batch).rows + 1) * p.rowBytes;
}

/**
 * Arguments of the GEMM kernel for rows [rowStart, rowEnd) of a prepared conv whose im2col rows are at `col`;
 * `thread` 0 is this thread, 1 the worker (each has its own count row).
 */
export function gemmArgs(
  p: PreparedBConv,
  col: number,
  out: number,
  rowStart: number,
  rowEnd: number,
  thread: 0 | 1 = 0,
): number[] {
  const rowBytes = p.rowBytes;
  const outUnit = 4 * (p.kind === 0 ? p.outChannels : packedWords(p.outChannels));
  return [
    col + rowStart * rowBytes,
    rowEnd - rowStart,
    p.steps,
    p.filter,
    p.n4,
    p.outChannels,
    out + rowStart * outUnit,
    p.flags,
    p.k,
    p.thr,
    p.mul,
    p.bias,
    // the correction table is indexed by the row within the call
    p.corr === 0 ? 0 : p.corr + rowStart * p.n4 * BLOCK * 4,
    p.tileBlocks,
    p.counts + thread * countRowBytes(p.outChannels),
  ];
}

/**
 * Runs GEMM rows [rowStart, rowEnd); with a worker, the upper half of the rows (split at an even row) runs on
 * the worker while this thread computes the lower half.
 */
export function bconvGemmRows(
  k: KernelExports,
  p: PreparedBConv,
  col: number,
  out: number,
  rowStart: number,
  rowEnd: number,
  worker?: GemmWorker | null,
): void {
  const gemm = k[p.gemm] as (...args: number[]) => void;
  if (worker && rowEnd - rowStart >= 8) {
    const mid = rowStart + (((rowEnd - rowStart) >> 1) & ~1);
    worker.post(p.gemm, gemmArgs(p, col, out, mid, rowEnd, 1));
    gemm(...gemmArgs(p, col, out, rowStart, mid));
    worker.wait();
  } else {
    gemm(...gemmArgs(p, col, out, rowStart, rowEnd));
  }
}

/** im2col of every sample of the batch into `col` (pair-interleaved rows). */
export function bconvIm2col(
  k: KernelExports,
  p: PreparedBConv,
  input: number,
  col: number,
  batch: number,
): void {
  const { rowsPerSample, rows } = rowLayout(p, batch);
  const tmp = col + rows * p.rowBytes;
  // the conv's geometry, as both im2col kernels take it after (src, dst)
  const geometry: Im2colGeometry = [...convWindow(p.g, p.inWords, p), p.rowBytes];
  for (let b = 0; b < batch; b++) {
    const src = input + b * p.inSize * 4;
    // taps on i64 boundaries (even words per tap): write the interleaved layout directly; else build each row in
    // tmp and scatter it
    if (p.inWords % 2 === 0) k.im2col_i64(src, col, ...geometry, b * rowsPerSample);
    else k.im2col(src, col, ...geometry, tmp, b * rowsPerSample);
  }
}

/** GEMM + output transform over the im2col rows of a batch (one call, or one per sample with a correction). */
export function bconvGemm(
  k: KernelExports,
  p: PreparedBConv,
  col: number,
  out: number,
  batch: number,
  worker?: GemmWorker | null,
): void {
  const tuning = p.tuning;
  if (tuning === null) {
    gemmBatch(k, p, col, out, batch, worker);
    return;
  }
  // Candidates take turns on the first calls; after the warm-up (whole rounds, at least TUNING_WARMUP_MS), the
  // best of TUNING_CALLS timed calls of each decides.
  const n = tuning.candidates.length;
  const i = tuning.calls % n;
  const suffix = p.gemm.endsWith('_f') ? 'f' : 'b';
  p.gemm = `${tuning.candidates[i]!}_${suffix}`;
  const t0 = performance.now();
  if (tuning.start < 0) tuning.start = t0;
  gemmBatch(k, p, col, out, batch, worker);
  const warm = tuning.timed > 0 || (i === 0 && tuning.calls >= n && t0 - tuning.start >= TUNING_WARMUP_MS);
  tuning.calls++;
  if (!warm) return;
  tuning.best[i] = Math.min(tuning.best[i]!, performance.now() - t0);
  if (++tuning.timed < TUNING_CALLS * n) return;
  let pick = 0;
  tuning.best.forEach((t, j) => {
    if (t < tuning.best[pick]!) pick = j;
  });
  if (tuning.best[0]! < TUNING_MIN_MS) pick = 0;
  p.gemm = `${tuning.candidates[pick]!}_${suffix}`;
  p.tuning = null;
}

function gemmBatch(
  k: KernelExports,
  p: PreparedBConv,
  col: number,
  out: number,
  batch: number,
  worker?: GemmWorker | null,
): void {
  const pixels = p.g.outH * p.g.outW;
  if (p.corr === 0) {
    bconvGemmRows(k, p, col, out, 0, batch * pixels, worker);
    return;
  }
  const { rowsPerSample } = rowLayout(p, batch);
  const rowBytes = p.rowBytes;
  for (let b = 0; b < batch; b++) {
    bconvGemmRows(k, p, col + b * rowsPerSample * rowBytes, out + b * p.outSize * 4, 0, pixels, worker);
  }
}

/** Full binary conv: im2col, then the GEMM (split across two threads when a worker is given). */
export function runBConv(
  k: KernelExports,
  p: PreparedBConv,
  input: number,
  out: number,
  col: number,
  batch: number,
  worker?: GemmWorker | null,
): void {
  bconvIm2col(k, p, input, col, batch);
  bconvGemm(k, p, col, out, batch, worker);
}

export interface PreparedBDepthwise {
  op: BDepthwiseConv2DOp;
  g: ConvGeometry;
  filter: number;
  mul: number;
  bias: number;
  scratch: number;
  inSize: number;
  outSize: number;
}

export function prepareBDepthwise(
  heap: Heap,
  op: BDepthwiseConv2DOp,
  inShape: readonly number[],
): PreparedBDepthwise {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.kernel, op.strides, op.dilations, op.padding);
  const filter = heap.alloc(op.filter.length * 4);
  heap.i32(filter, op.filter.length).set(op.filter);
  const mul = heap.alloc(op.channels * 4);
  heap.f32(mul, op.channels).set(op.transform.multiplier);
  const bias = heap.alloc(op.channels * 4);
  heap.f32(bias, op.channels).set(op.transform.bias);
  const scratch = heap.alloc(32);
  return {
    op,
    g,
    filter,
    mul,
    bias,
    scratch,
    inSize: g.inH * g.inW * packedWords(op.channels),
    outSize: g.outH * g.outW * op.channels,
  };
}

export function runBDepthwise(
  k: KernelExports,
  p: PreparedBDepthwise,
  input: number,
  out: number,
  batch: number,
): void {
  const { op, g } = p;
  const flags = transformFlags(op.transform);
  for (let b = 0; b < batch; b++) {
    k.bdepthwise(
      input + b * p.inSize * 4,
      p.filter,
      out + b * p.outSize * 4,
      ...convWindow(g, op.channels, op),
      op.padding === 'same' && op.padValue === 0 ? 1 : 0,
      flags,
      p.mul,
      p.bias,
      p.scratch,
    );
  }
}

export function runBMaxPool(
  k: KernelExports,
  op: BMaxPool2DOp,
  inShape: readonly number[],
  input: number,
  out: number,
  batch: number,
): void {
  const g = convGeometry(inShape[0]!, inShape[1]!, op.pool, op.strides, [1, 1], op.padding);
  const wc = packedWords(inShape[2]!);
  for (let b = 0; b < batch; b++) {
    k.bmaxpool(
      input + b * g.inH * g.inW * wc * 4,
      out + b * g.outH * g.outW * wc * 4,
      g.inH,
      g.inW,
      wc,
      op.pool[0],
      op.pool[1],
      op.strides[0],
      op.strides[1],
      g.padTop,
      g.padLeft,
      g.outH,
      g.outW,
    );
  }
}
