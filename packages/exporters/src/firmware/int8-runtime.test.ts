/**
 * The C runtime's int8 kernels (runtime/src/bnn_int8.c): runtime/tools/int8_check.c — hand-computed TFLite
 * values, the DSP intrinsics, and every fast kernel against its TFLite-reference twin on seeded random cases —
 * on the host under AddressSanitizer + UBSan and on the emulated Cortex-M4 (the inline-asm DSP path); and the
 * int8 conv's exact instruction count against the published CMSIS-NN figures.
 */
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { cmsisNnPublishedPerMac, convMacs, DEFAULT_POPCOUNT, runConvBench } from './conv-bench.js';
import { buildHostSanitized, buildM4, runHost, runM4, withTempDir } from './m4-harness.js';

const limit = limiter(1);
const TIMEOUT = 600_000;
const SOURCES = ['tools/int8_check.c'];

describe('int8 kernels of the C runtime', () => {
  it(
    'fast kernels equal the TFLite reference kernels on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      await limit(() =>
        withTempDir('bnn-int8-check-', async (dir) => {
          const host = await buildHostSanitized({ name: 'int8_check', sources: SOURCES }, dir);
          const hr = await runHost(host, dir, 120_000);
          expect(hr.stdout + hr.stderr).toMatch(/^PASS$/m);
          expect(hr.code).toBe(0);

          // -O2 (the firmware's flags, inline-asm SMLAD loop), -Os, and -O0 (the C loop: no spare registers)
          for (const [opt, cases] of [
            ['-O2', 1500],
            ['-Os', 300],
            ['-O0', 300],
          ] as const) {
            const elf = await buildM4(
              { name: `int8_check${opt}`, sources: SOURCES, opt, flags: [`-DINT8_CHECK_CASES=${cases}`] },
              dir,
            );
            const q = await runM4(elf, dir);
            expect(q.stdout + q.stderr, opt).toMatch(/^PASS$/m);
            expect(q.stdout).toMatch(/outputs compared: conv [1-9]/);
          }
        }),
      );
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
