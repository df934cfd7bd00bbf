/**
 * The build-and-run harness of the C runtime's own checks and benches: a runtime program (tools/*.c,
 * bench/*.c) built for the host under AddressSanitizer + UBSan, or for the emulated Cortex-M4 (arm-none-eabi-gcc,
 * qemu-system-arm -M mps2-an386, semihosting), optionally with the QEMU instruction-count plugin. Used by
 * binary-runtime / int8-runtime / stm32-qemu tests and conv-bench; firmware bundles go through
 * stm32/verify.ts (their own Makefile) instead.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instructionCountPlugin, run } from '../stm32/verify.js';
import { RUNTIME_DIR } from './runtime-files.js';

/** The firmware's Cortex-M4F code-generation flags. */
export const ARCH_FLAGS = ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard'];

/** C dialect and warnings of every runtime build (no FMA contraction: the float32 contract). */
export const C_FLAGS = ['-std=c99', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror'];

export interface ProgramBuild {
  /** what the error messages call it, e.g. "binary_check -O2" */
  name: string;
  /** source files relative to packages/exporters/runtime (src/ is on the include path) */
  sources: string[];
  /** `-D…` flags and any extra compiler flags */
  flags?: string[];
  /** optimisation level (default -O2) */
  opt?: '-O2' | '-Os' | '-O0';
}

export interface ProgramRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** A temporary directory for `task`, removed afterwards. */
export async function withTempDir<T>(prefix: string, task: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await task(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const includes = () => [`-I${join(RUNTIME_DIR, 'src')}`];
const sourcePaths = (b: ProgramBuild) => b.sources.map((f) => join(RUNTIME_DIR, f));

async function mustBuild(compiler: string, args: string[], b: ProgramBuild, dir: string): Promise<void> {
  const r = await run(compiler, args, dir, 120_000);
  if (r.code !== 0) throw new Error(`${b.name}: ${compiler} failed (exit ${r.code}):\n${r.stderr}`);
}

/** Builds `b` with the host gcc under AddressSanitizer + UBSan (any report aborts); returns the executable. */
export async function buildHostSanitized(b: ProgramBuild, dir: string): Promise<string> {
  const exe = join(dir, `host-${b.name.replace(/[^\w.-]+/g, '_')}`);
  await mustBuild(
    'gcc',
    [
      ...C_FLAGS,
      b.opt ?? '-O2',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      ...(b.flags ?? []),
      ...includes(),
      ...sourcePaths(b),
      '-lm',
      '-o',
      exe,
    ],
    b,
    dir,
  );
  return exe;
}

/** Builds `b` for the emulated Cortex-M4 (mps2-an386 memory map, semihosting); returns the ELF. */
export async function buildM4(b: ProgramBuild, dir: string): Promise<string> {
  const elf = join(dir, `m4-${b.name.replace(/[^\w.-]+/g, '_')}.elf`);
  await mustBuild(
    'arm-none-eabi-gcc',
    [
      ...C_FLAGS,
      b.opt ?? '-O2',
      ...ARCH_FLAGS,
      '-DBNN_SEMIHOSTING',
      ...(b.flags ?? []),
      ...includes(),
      ...sourcePaths(b),
      join(RUNTIME_DIR, 'targets/cortex-m4/startup_cm4.c'),
      '--specs=rdimon.specs',
      `-L${join(RUNTIME_DIR, 'targets/cortex-m4')}`,
      '-Tmps2_an386.ld',
      '-Wl,--gc-sections',
      '-lm',
      '-o',
      elf,
    ],
    b,
    dir,
  );
  return elf;
}

/** Runs a host executable. */
export function runHost(exe: string, dir: string, timeoutMs = 300_000): Promise<ProgramRun> {
  return run(exe, [], dir, timeoutMs);
}

/**
 * Runs an M4 ELF in qemu-system-arm. With `countAt`, the instruction-count plugin records the running count at
 * every call of that function (e.g. `bench_mark`) and the result carries those counts in `marks`.
 */
export async function runM4(
  elf: string,
  dir: string,
  opts: { timeoutMs?: number; countAt?: string } = {},
): Promise<ProgramRun & { marks: number[] }> {
  const pluginArgs: string[] = [];
  const counts = join(dir, `${elf.split('/').pop()}.counts.txt`);
  if (opts.countAt !== undefined) {
    const plugin = await instructionCountPlugin();
    if (!plugin) throw new Error('the QEMU instruction-count plugin could not be built with the host gcc');
    const nm = await run('arm-none-eabi-nm', [elf], dir, 30_000);
    const marker = new RegExp(`^([0-9a-f]+) T ${opts.countAt}$`, 'm').exec(nm.stdout)?.[1];
    if (!marker) throw new Error(`${elf}: no function ${opts.countAt} to count at (arm-none-eabi-nm)`);
    pluginArgs.push('-plugin', `${plugin},marker=0x${marker},out=${counts}`);
  }
  const q = await run(
    'qemu-system-arm',
    [
      '-M',
      'mps2-an386',
      '-cpu',
      'cortex-m4',
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'none',
      '-semihosting-config',
      'enable=on,target=native',
      ...pluginArgs,
      '-kernel',
      elf,
    ],
    dir,
    opts.timeoutMs ?? 300_000,
  );
  const marks =
    opts.countAt === undefined || q.code !== 0
      ? []
      : readFileSync(counts, 'utf8')
          .split('\n')
          .map((l) => /^mark \d+ (\d+)$/.exec(l)?.[1])
          .filter((x): x is string => x !== undefined)
          .map(Number);
  return { ...q, marks };
}
