/**
 * The C runtime's int8 kernels (runtime/src/bnn_int8.c): runtime/tools/int8_check.c — hand-computed TFLite
 * values, the DSP intrinsics, and every fast kernel against its TFLite-reference twin on seeded random cases —
 * on the host under AddressSanitizer + UBSan and on the emulated Cortex-M4 (the inline-asm DSP path); and the
 * int8 conv's exact instruction count against the published CMSIS-NN figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { run } from '../stm32/verify.js';
import {
  ARCH_FLAGS,
  cmsisNnPublishedPerMac,
  convMacs,
  DEFAULT_POPCOUNT,
  runConvBench,
} from './conv-bench.js';
import { RUNTIME_DIR } from './runtime-files.js';

const limit = limiter(1);
const TIMEOUT = 600_000;
const WARN = ['-std=c99', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror'];

describe('int8 kernels of the C runtime', () => {
  it(
    'fast kernels equal the TFLite reference kernels on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bnn-int8-check-'));
      const src = join(RUNTIME_DIR, 'tools/int8_check.c');
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
              src,
              '-o',
              host,
            ],
            dir,
            120_000,
          );
          expect(hb.code, hb.stderr).toBe(0);
          const hr = await run(host, [], dir, 120_000);
          expect(hr.stdout + hr.stderr).toMatch(/^PASS$/m);
          expect(hr.code).toBe(0);

          // -O2 (the firmware's flags, inline-asm SMLAD loop), -Os, and -O0 (the C loop: no spare registers)
          for (const [opt, cases] of [
            ['-O2', 1500],
            ['-Os', 300],
            ['-O0', 300],
          ] as const) {
            const elf = join(dir, `m4${opt}.elf`);
            const mb = await run(
              'arm-none-eabi-gcc',
              [
                ...WARN,
                opt,
                ...ARCH_FLAGS,
                '-DBNN_SEMIHOSTING',
                `-DINT8_CHECK_CASES=${cases}`,
                inc,
                src,
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
            expect(q.stdout).toMatch(/outputs compared: conv [1-9]/);
          }
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'the int8 3×3 conv costs fewer instructions per MAC than the published CMSIS-NN arm_convolve_s8',
    async () => {
      const shapes = [
        { h: 32, w: 32, cin: 64, cout: 64, k: 3 },
        { h: 16, w: 16, cin: 128, cout: 128, k: 3 },
        { h: 8, w: 8, cin: 256, cout: 256, k: 3 },
        { h: 4, w: 4, cin: 512, cout: 512, k: 3 },
      ];
      // the harness checks bnn_s8_conv2d against bnn_s8_conv2d_ref (it throws unless the run prints PASS)
      const counts = await limit(() => runConvBench(shapes, DEFAULT_POPCOUNT));
      for (const c of counts) {
        const perMac = c.int8 / convMacs(c.shape);
        const published = cmsisNnPublishedPerMac(c.shape);
        expect(published).toBeDefined();
        expect(perMac, `${c.shape.h}x${c.shape.w}x${c.shape.cin}`).toBeLessThanOrEqual(published!);
      }
      // the goal on the first shape
      expect(counts[0]!.int8 / convMacs(counts[0]!.shape)).toBeLessThanOrEqual(1.76);
    },
    TIMEOUT,
  );
});
