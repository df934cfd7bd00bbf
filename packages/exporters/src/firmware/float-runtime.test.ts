/**
 * The C runtime's float rows (runtime/src/bnn_float_mac.h: VLDM/VMLA.F32 on the M4F, C elsewhere) inside
 * bnn_conv2d, bnn_depthwise and bnn_scale_shift: runtime/tools/float_check.c compares them bit for bit with plain
 * loops written from the float32 contract on seeded random shapes — on the host under AddressSanitizer + UBSan and
 * on the emulated Cortex-M4 at -O2 (the asm rows) and -O0 (the C rows); and the -O2 build really runs VMLA.F32
 * (the chained multiply-accumulate, product rounded) and never a fused VFMA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { run } from '../stm32/verify.js';
import { ARCH_FLAGS } from './conv-bench.js';
import { RUNTIME_DIR } from './runtime-files.js';

const limit = limiter(1);
const TIMEOUT = 600_000;
const WARN = ['-std=c99', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror'];

describe('float rows of the C runtime', () => {
  it(
    'conv2d, depthwise and scale_shift equal the contract loops on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bnn-float-check-'));
      const src = [join(RUNTIME_DIR, 'tools/float_check.c'), join(RUNTIME_DIR, 'src/bnn_runtime.c')];
      const inc = `-I${join(RUNTIME_DIR, 'src')}`;
      try {
        await limit(async () => {
          const host = join(dir, 'host');
          const hb = await run(
            'gcc',
            [
              ...WARN,
              '-O2',
              '-fsanitize=address,undefined',
              '-fno-sanitize-recover=all',
              inc,
              ...src,
              '-lm',
              '-o',
              host,
            ],
            dir,
            120_000,
          );
          expect(hb.code, hb.stderr).toBe(0);
          const hr = await run(host, [], dir, 300_000);
          expect(hr.stdout + hr.stderr).toMatch(/^PASS$/m);
          expect(hr.code).toBe(0);

          for (const opt of ['-O2', '-O0'] as const) {
            const elf = join(dir, `m4${opt}.elf`);
            const mb = await run(
              'arm-none-eabi-gcc',
              [
                ...WARN,
                opt,
                ...ARCH_FLAGS,
                '-DBNN_SEMIHOSTING',
                '-DFLOAT_CHECK_CASES=150',
                inc,
                ...src,
                join(RUNTIME_DIR, 'targets/cortex-m4/startup_cm4.c'),
                '--specs=rdimon.specs',
                `-L${join(RUNTIME_DIR, 'targets/cortex-m4')}`,
                '-Tmps2_an386.ld',
                '-lm',
                '-o',
                elf,
              ],
              dir,
              120_000,
            );
            expect(mb.code, mb.stderr).toBe(0);
            const dump = await run('arm-none-eabi-objdump', ['-d', elf], dir, 60_000);
            expect(dump.stdout).not.toMatch(/\bvf(?:ma|ms|nma|nms)\b/);
            if (opt === '-O2') expect(dump.stdout).toMatch(/\bvmla\.f32\b/);
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
                '-kernel',
                elf,
              ],
              dir,
              300_000,
            );
            expect(q.stdout + q.stderr, opt).toMatch(/^PASS$/m);
            expect(q.stdout).toMatch(
              /outputs compared: conv [1-9]\d*, depthwise [1-9]\d*, scale_shift [1-9]/,
            );
          }
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
