// The C runtime's float32 numeric contract (docs/deploy-graph.md): no double arithmetic and no fused
// multiply-add in the kernels, proven three ways — the source holds no `double`, no unsuffixed (double)
// floating literal and no double libm call; the host compiler finds no implicit float → double promotion; and
// the Cortex-M4F build (the bundle Makefile's flags) calls no soft-double helper (__aeabi_d*) and emits no
// vfma/vfms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expf } from '@bnn-studio/kernels';
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

describe("bnn_expf (C) equals the studio's expf bit for bit", () => {
  it('on every 4096th float32 bit pattern and around the branch points (host gcc, -ffp-contract=off)', () => {
    if (!has('gcc')) return;
    const dir = mkdtempSync(join(tmpdir(), 'bnn-expf-'));
    try {
      const edges = [0x42aeac50, 0x42b17218, 0x42cff1b5, 0x3eb17218, 0x3f851592, 0x39000000];
      const patterns: number[] = [];
      for (let b = 0; b < 2 ** 32; b += 4096) patterns.push(b + 7);
      for (const e of edges)
        for (let d = -64; d <= 64; d++) patterns.push(e + d, ((e | 0x80000000) >>> 0) + d);
      const input = Uint32Array.from(patterns);
      writeFileSync(join(dir, 'in.bin'), input);
      writeFileSync(
        join(dir, 'main.c'),
        `#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "bnn_runtime.h"
int main(void) {
  uint32_t b;
  while (fread(&b, 4, 1, stdin) == 1) {
    float x, y;
    memcpy(&x, &b, 4);
    y = bnn_expf(x);
    memcpy(&b, &y, 4);
    fwrite(&b, 4, 1, stdout);
  }
  return 0;
}
`,
      );
      execFileSync('gcc', [
        '-std=c99',
        '-O2',
        '-ffp-contract=off',
        '-fno-fast-math',
        `-I${join(RUNTIME_DIR, 'src')}`,
        join(dir, 'main.c'),
        join(RUNTIME_DIR, 'src/bnn_runtime.c'),
        '-o',
        join(dir, 'expf'),
      ]);
      const out = execFileSync(join(dir, 'expf'), {
        input: readFileSync(join(dir, 'in.bin')),
        maxBuffer: 64 << 20,
      });
      const got = new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4);
      expect(got.length).toBe(input.length);
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      let mismatches = 0;
      for (let i = 0; i < input.length; i++) {
        u[0] = input[i]!;
        f[0] = expf(f[0]!);
        const want = u[0]!;
        const nan = (w: number) => (w & 0x7fffffff) > 0x7f800000;
        if (got[i] !== want && !(nan(got[i]!) && nan(want))) mismatches++;
      }
      expect(mismatches).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
