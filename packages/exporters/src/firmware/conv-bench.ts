/**
 * Cortex-M4 conv micro-benchmark: builds runtime/bench/bench_conv.c for each popcount variant, runs it under
 * qemu-system-arm with the instruction-count plugin and returns exact instruction counts of our binary conv
 * (bit-packed and float output) and of the runtime's int8 conv (bnn_s8_conv2d, runtime/src/bnn_int8.c) of the
 * same shape.
 */
import { buildM4, runM4, withTempDir } from './m4-harness.js';

export interface ConvShape {
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
}

/** The runtime's default is BNN_POPCOUNT 6. */
export const DEFAULT_POPCOUNT = 6;

export const POPCOUNT_VARIANTS = [
  { id: 1, name: 'SWAR (multiply gather)' },
  { id: 2, name: 'SWAR + USADA8, hand-scheduled Thumb-2' },
  { id: 3, name: 'Harley-Seal (4-word CSA) + USADA8' },
  { id: 4, name: '__builtin_popcount (libgcc)' },
  { id: 5, name: 'Harley-Seal >= 32 words, else SWAR + USADA8' },
  { id: 6, name: 'Harley-Seal 8-word blocks (Thumb-2) >= 32 words, else 2 (default)' },
] as const;

/** Multiply-accumulates of a stride-1 'same' conv (padded taps included, as im2col-based kernels do them). */
export const convMacs = (s: ConvShape) => s.h * s.w * s.cout * s.k * s.k * s.cin;

/**
 * Published instructions per MAC of CMSIS-NN's arm_convolve_s8 (the int8 conv TFLite Micro calls on
 * Cortex-M4), gcc -O2, exact instruction counts in QEMU, 3×3 'same' conv with Cout = Cin — the figures of the
 * integer-path and Cortex-M4-speed issues. Keyed by `h×w×cin`.
 */
export const CMSIS_NN_PUBLISHED_PER_MAC: Readonly<Record<string, number>> = {
  '32x32x64': 1.761,
  '16x16x128': 1.69,
  '8x8x256': 1.657,
  '4x4x512': 1.641,
};

/** The published CMSIS-NN figure for a shape (3×3, Cout = Cin), or undefined when none was published. */
export function cmsisNnPublishedPerMac(s: ConvShape): number | undefined {
  if (s.k !== 3 || s.cout !== s.cin) return undefined;
  return CMSIS_NN_PUBLISHED_PER_MAC[`${s.h}x${s.w}x${s.cin}`];
}

export interface ConvCounts {
  shape: ConvShape;
  binaryBitpacked: number;
  binaryFloat: number;
  /** instructions of bnn_s8_conv2d */
  int8: number;
}

/**
 * Builds `sources` (runtime-relative) for the emulated Cortex-M4 with the firmware's flags (-O2), runs the ELF
 * in QEMU with the instruction-count plugin and returns the running instruction count at every bench_mark()
 * call and the program's stdout (which must print PASS).
 */
async function countMarks(
  name: string,
  sources: string[],
  defines: string[],
): Promise<{ marks: number[]; stdout: string }> {
  return withTempDir('bnn-conv-bench-', async (dir) => {
    const elf = await buildM4({ name, sources, flags: ['-fno-strict-aliasing', ...defines] }, dir);
    const q = await runM4(elf, dir, { countAt: 'bench_mark', timeoutMs: 600_000 });
    if (q.code !== 0 || !/^PASS$/m.test(q.stdout))
      throw new Error(`${name}: run failed:\n${q.stdout}${q.stderr}`);
    return { marks: q.marks, stdout: q.stdout };
  });
}

export async function runConvBench(shapes: ConvShape[], variant: number): Promise<ConvCounts[]> {
  const maxIn = Math.max(...shapes.map((s) => s.h * s.w * s.cin));
  const maxFilter = Math.max(...shapes.map((s) => s.cout * s.k * s.k * s.cin));
  const maxOut = Math.max(...shapes.map((s) => s.h * s.w * s.cout));
  const maxCout = Math.max(...shapes.map((s) => s.cout));
  const maxKdim = Math.max(...shapes.map((s) => s.k * s.k * s.cin));
  const table = `{${shapes.map((s) => `{${s.h},${s.w},${s.cin},${s.cout},${s.k}}`).join(',')}}`;
  const { marks } = await countMarks(
    'conv bench',
    ['bench/bench_conv.c', 'src/bnn_runtime.c', 'src/bnn_int8.c'],
    [
      `-DBNN_POPCOUNT=${variant}`,
      `-DBENCH_SHAPES=${table}`,
      `-DBENCH_MAX_IN=${maxIn}`,
      `-DBENCH_MAX_FILTER=${maxFilter}`,
      `-DBENCH_MAX_OUT=${maxOut}`,
      `-DBENCH_MAX_COUT=${maxCout}`,
      `-DBENCH_MAX_KDIM=${maxKdim}`,
    ],
  );
  return shapes.map((shape, i) => {
    const m = (j: number) => marks[6 * i + j]!;
    return { shape, binaryBitpacked: m(1) - m(0), binaryFloat: m(3) - m(2), int8: m(5) - m(4) };
  });
}

export interface Int8KernelCount {
  /** e.g. "conv 96x96x3 -> 16, 3x3 stride 2" */
  name: string;
  macs: number;
  /** instructions of the fast kernel (bnn_s8_conv2d / bnn_s8_depthwise / bnn_s8_fully_connected) */
  fast: number;
  /** instructions of its TFLite-reference twin (the `_ref` function) on the same data */
  reference: number;
}

/** runtime/bench/bench_int8.c: the other int8 kernels (stem conv, 1×1, depthwise, dense), fast vs reference. */
export async function runInt8Bench(): Promise<Int8KernelCount[]> {
  const { marks, stdout } = await countMarks('int8 bench', ['bench/bench_int8.c', 'src/bnn_int8.c'], []);
  const kinds = ['conv', 'depthwise', 'dense'];
  const rows = [
    ...stdout.matchAll(
      /^case (\d+): kind (\d) (\d+)x(\d+)x(\d+) -> (\d+), k (\d+), stride (\d+), (\d+) MACs: ok$/gm,
    ),
  ];
  if (rows.length === 0) throw new Error(`int8 bench: no case lines in\n${stdout}`);
  return rows.map((r) => {
    const [i, kind, h, w, cin, cout, k, stride, macs] = r.slice(1).map(Number) as number[];
    const m = (j: number) => marks[4 * i! + j]!;
    const name =
      kind === 2
        ? `dense ${cin} -> ${cout}`
        : `${kinds[kind!]} ${h}x${w}x${cin}${kind === 0 ? ` -> ${cout}` : ''}, ${k}x${k} stride ${stride}`;
    return { name, macs: macs!, fast: m(1) - m(0), reference: m(3) - m(2) };
  });
}
