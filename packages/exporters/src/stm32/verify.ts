/**
 * verifyStm32Bundle: unpacks a bundle into a temp dir, builds the emulator profile with the real
 * arm-none-eabi-gcc (-Wall -Wextra -Werror) and runs its self-check under qemu-system-arm. With the
 * instruction-count plugin (built once with the host gcc) it also reports exact instruction counts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { readRuntimeFile } from '../firmware/runtime-files.js';

export interface VerifyOptions {
  /** Count instructions with the QEMU TCG plugin (default true). */
  countInstructions?: boolean;
  /** Also build and run the host AddressSanitizer/UBSan self-check (default false). */
  hostSanitizers?: boolean;
  timeoutMs?: number;
  /** Keep the build directory (its path is in the log). */
  keep?: boolean;
}

export interface VerifyResult {
  passed: boolean;
  log: string;
  /** Instructions of one inference (first golden vector), counted exactly by the QEMU plugin. */
  instructions?: number;
  /** Instructions per layer (DeployGraph op order) of that inference. */
  layerInstructions?: number[];
  /** Instructions of the whole emulated program (startup, all vectors, checks). */
  totalInstructions?: number;
  hostSanitizersPassed?: boolean;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv) {
  return new Promise<RunResult>((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: env ?? process.env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) + (error && !stderr ? String(error.message) : ''),
        });
      },
    );
  });
}

let pluginPath: Promise<string | null> | null = null;

/** Builds runtime/tools/insn_count_plugin.c with the host gcc once per process (cached by source hash). */
export function instructionCountPlugin(): Promise<string | null> {
  pluginPath ??= (async () => {
    const source = readRuntimeFile('tools/insn_count_plugin.c');
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
    const dir = join(tmpdir(), 'bnn-studio-qemu-plugin');
    const so = join(dir, `insn_count-${hash}.so`);
    if (existsSync(so)) return so;
    mkdirSync(dir, { recursive: true });
    const src = join(dir, `insn_count-${hash}.c`);
    writeFileSync(src, source);
    const tmp = `${so}.${process.pid}.tmp`;
    const r = await run('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-o', tmp, src], dir, 60_000);
    if (r.code !== 0) return null;
    await run('mv', ['-f', tmp, so], dir, 10_000);
    return so;
  })();
  return pluginPath;
}

/** Writes the zip's files under `dir`; returns the path of its single top-level folder (or `dir`). */
export function unpackZip(zip: Uint8Array, dir: string): string {
  const files = unzipSync(zip);
  const tops = new Set<string>();
  for (const [path, data] of Object.entries(files)) {
    if (path.endsWith('/')) continue;
    if (path.split('/').includes('..') || path.startsWith('/'))
      throw new Error(`unpackZip: unsafe path in zip: ${path}`);
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    tops.add(path.includes('/') ? path.split('/')[0]! : '');
  }
  return tops.size === 1 && !tops.has('') ? join(dir, [...tops][0]!) : dir;
}

/** Unpacks a firmware bundle; returns its root (the folder holding the Makefile). */
export function unpackBundle(zip: Uint8Array, dir: string): string {
  const root = unpackZip(zip, dir);
  if (!existsSync(join(root, 'Makefile')))
    throw new Error('verifyStm32Bundle: the zip holds no Makefile at its top level');
  return root;
}

/** Parses the plugin's "mark <n> <count>" lines into per-invoke layer counts. */
export function parseMarks(text: string, layers: number): { perInvoke: number[][]; total?: number } {
  const marks: number[] = [];
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^mark \d+ (\d+)$/.exec(line.trim());
    if (m) marks.push(Number(m[1]));
    const t = /^total (\d+)$/.exec(line.trim());
    if (t) total = Number(t[1]);
  }
  const perInvoke: number[][] = [];
  for (let i = 0; i + layers < marks.length; i += layers + 1) {
    const row: number[] = [];
    for (let l = 0; l < layers; l++) row.push(marks[i + l + 1]! - marks[i + l]!);
    perInvoke.push(row);
  }
  return { perInvoke, ...(total !== undefined ? { total } : {}) };
}

export async function verifyStm32Bundle(zip: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const dir = mkdtempSync(join(tmpdir(), 'bnn-stm32-verify-'));
  const log: string[] = [];
  try {
    const root = unpackBundle(zip, dir);
    for (const [tool, pkg] of [
      ['make', 'make'],
      ['arm-none-eabi-gcc', 'gcc-arm-none-eabi and libnewlib-arm-none-eabi'],
      ['qemu-system-arm', 'qemu-system-arm'],
    ] as const) {
      const probe = await run(tool, ['--version'], root, 30_000);
      if (probe.code !== 0) {
        return {
          passed: false,
          log: `verifyStm32Bundle: ${tool} is not available (${probe.stderr.trim() || `exit ${probe.code}`}). Install ${pkg} (Debian/Ubuntu: apt-get install ${pkg.replace(' and ', ' ')}).`,
        };
      }
      log.push(`${tool}: ${probe.stdout.split('\n')[0]}`);
    }
    const build = await run('make', ['build/qemu.elf'], root, timeoutMs);
    log.push(`$ make build/qemu.elf\n${build.stdout}${build.stderr}`);
    if (build.code !== 0) return { passed: false, log: log.join('\n') };

    const qemuFlags: string[] = [];
    let countFile = '';
    if (opts.countInstructions !== false) {
      const plugin = await instructionCountPlugin();
      const nm = await run('arm-none-eabi-nm', ['build/qemu.elf'], root, 60_000);
      const marker = /^([0-9a-f]+) T bnn_trace_layer$/m.exec(nm.stdout)?.[1];
      if (plugin && marker) {
        countFile = join(root, 'build', 'insn_counts.txt');
        qemuFlags.push(`-plugin ${plugin},marker=0x${marker},out=${countFile}`);
      } else {
        log.push('(instruction counting unavailable: plugin build or marker lookup failed)');
      }
    }
    // QEMU_COUNT=0: the Makefile's own count (for users) is skipped; this function counts with its own plugin flags.
    const test = await run(
      'make',
      ['qemu-test', `QEMU_FLAGS=${qemuFlags.join(' ')}`, 'QEMU_COUNT=0'],
      root,
      timeoutMs,
    );
    log.push(`$ make qemu-test\n${test.stdout}${test.stderr}`);
    const passed = test.code === 0 && /^PASS$/m.test(test.stdout);
    const result: VerifyResult = { passed, log: '' };
    if (countFile && existsSync(countFile)) {
      const header = readFileSync(join(root, 'include', 'bnn_model.h'), 'utf8');
      const layers = Number(/#define BNN_NUM_LAYERS (\d+)/.exec(header)?.[1] ?? 0);
      const { perInvoke, total } = parseMarks(readFileSync(countFile, 'utf8'), layers);
      if (perInvoke[0]) {
        result.layerInstructions = perInvoke[0];
        result.instructions = perInvoke[0].reduce((a, b) => a + b, 0);
      }
      if (total !== undefined) result.totalInstructions = total;
    }
    if (opts.hostSanitizers) {
      const host = await run('make', ['host-test'], root, timeoutMs);
      log.push(`$ make host-test\n${host.stdout}${host.stderr}`);
      result.hostSanitizersPassed = host.code === 0 && /^PASS$/m.test(host.stdout);
      result.passed = result.passed && result.hostSanitizersPassed;
    }
    if (opts.keep) log.push(`(build kept in ${root})`);
    result.log = log.join('\n');
    return result;
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}
