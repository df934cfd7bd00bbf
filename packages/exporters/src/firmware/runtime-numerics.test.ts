// The C runtime's float32 numeric contract (docs/deploy-graph.md): no double arithmetic and no fused
// multiply-add in the kernels, proven three ways — the source holds no `double`, no unsuffixed (double)
// floating literal and no double libm call; the host compiler finds no implicit float → double promotion; and
// the Cortex-M4F build (the bundle Makefile's flags) calls no soft-double helper (__aeabi_d*) and emits no
// vfma/vfms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PORTABLE_RUNTIME_FILES, RUNTIME_DIR, readRuntimeFile } from './runtime-files.js';

/** The C text without comments and string literals (so prose may say "double"). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

const sources = Object.values(PORTABLE_RUNTIME_FILES).map((path) => ({
  path,
  text: code(readRuntimeFile(path)),
}));

const has = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('C runtime kernels are float32 only', () => {
  it('the source holds no double, no double literal and no double libm function', () => {
    for (const { path, text } of sources) {
      expect(text, path).not.toMatch(/\bdouble\b/);
      // a floating literal without the f suffix is a double: 1.0, .5, 2e3, 0x1p3
      const literal =
        /(?<![\w.])(?:\d+\.\d*|\.\d+|\d+[eE][+-]?\d+|0[xX][\da-fA-F.]+[pP][+-]?\d+)(?:[eE][+-]?\d+)?(?![\w.])/g;
      expect(text.match(literal) ?? [], `${path}: unsuffixed floating literals`).toEqual([]);
      const libm =
        /\b(?:exp|expm1|log|log1p|pow|sqrt|fabs|floor|ceil|round|trunc|fmod|tanh|scalbn|ldexp|frexp)\s*\(/g;
      expect(text.match(libm) ?? [], `${path}: double libm calls`).toEqual([]);
    }
  });

  it('the kernel file defines every float op without float → double promotion (host gcc -Wdouble-promotion)', () => {
    if (!has('gcc')) return;
    const out = mkdtempSync(join(tmpdir(), 'bnn-runtime-f32-'));
    try {
      execFileSync(
        'gcc',
        [
          '-std=c99',
          '-O2',
          '-ffp-contract=off',
          '-Wall',
          '-Wextra',
          '-Werror',
          '-Wdouble-promotion',
          '-Wfloat-conversion',
          '-c',
          join(RUNTIME_DIR, 'src/bnn_runtime.c'),
          '-o',
          join(out, 'bnn_runtime.o'),
        ],
        { stdio: 'pipe' },
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the Cortex-M4F build calls no soft-double helper and fuses no multiply-add', () => {
    if (!has('arm-none-eabi-gcc')) return;
    const dir = mkdtempSync(join(tmpdir(), 'bnn-runtime-m4-'));
    try {
      const asmFile = join(dir, 'bnn_runtime.s');
      // the bundle Makefile's ARCH and COMMON flags (runtime/targets/cortex-m4/Makefile)
      execFileSync(
        'arm-none-eabi-gcc',
        [
          '-mcpu=cortex-m4',
          '-mthumb',
          '-mfpu=fpv4-sp-d16',
          '-mfloat-abi=hard',
          '-std=c99',
          '-ffp-contract=off',
          '-fno-fast-math',
          '-fno-strict-aliasing',
          '-O2',
          '-S',
          join(RUNTIME_DIR, 'src/bnn_runtime.c'),
          '-o',
          asmFile,
        ],
        { stdio: 'pipe' },
      );
      const asm = readFileSync(asmFile, 'utf8');
      expect(asm.match(/__aeabi_[a-z]*d[a-z0-9]*\b/g) ?? []).toEqual([]);
      expect(asm.match(/\bv(?:fma|fms|fnma|fnms)\b/g) ?? []).toEqual([]);
      expect(asm.match(/\bv(?:add|mul|div|sub)\.f64\b/g) ?? []).toEqual([]);
      // and the float kernels do run on the FPU
      expect(asm).toMatch(/\bvmul\.f32\b/);
      expect(asm).toMatch(/\bvdiv\.f32\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
