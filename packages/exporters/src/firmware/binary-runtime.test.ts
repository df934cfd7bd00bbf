/**
 * The C runtime's binary kernels (bnn_bconv2d, bnn_bdense, bnn_bmaxpool): runtime/tools/binary_check.c — every
 * kernel path (Harley-Seal rows, short SWAR rows, the fused threshold compare, float transforms, one/zero
 * padding) against bit-by-bit references on seeded random shapes — on the host under AddressSanitizer + UBSan
 * and on the emulated Cortex-M4 at -O2 (the Thumb-2 loops), -Os and -O0 (the C loops); and the binary 3×3
 * conv's exact instruction count per binary MAC.
 */
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { convMacs, DEFAULT_POPCOUNT, runConvBench } from './conv-bench.js';
import { buildHostSanitized, buildM4, runHost, runM4, withTempDir } from './m4-harness.js';

const limit = limiter(1);
const TIMEOUT = 600_000;
const SOURCES = ['tools/binary_check.c', 'src/bnn_runtime.c'];

describe('binary kernels of the C runtime', () => {
  it(
    'bconv2d, bdense and bmaxpool equal bit-by-bit references on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      await limit(() =>
        withTempDir('bnn-binary-check-', async (dir) => {
          const host = await buildHostSanitized({ name: 'binary_check', sources: SOURCES }, dir);
          const hr = await runHost(host, dir);
          expect(hr.stdout + hr.stderr).toMatch(/^PASS$/m);
          expect(hr.code).toBe(0);

          for (const [opt, cases] of [
            ['-O2', 400],
            ['-Os', 100],
            ['-O0', 100],
          ] as const) {
            const elf = await buildM4(
              { name: `binary_check${opt}`, sources: SOURCES, opt, flags: [`-DBINARY_CHECK_CASES=${cases}`] },
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
    'the binary 3×3 conv keeps its instructions per binary MAC (issue 15 floor 0.27 on all four shapes)',
    async () => {
      const shapes = [
        { h: 32, w: 32, cin: 64, cout: 64, k: 3 },
        { h: 16, w: 16, cin: 128, cout: 128, k: 3 },
        { h: 8, w: 8, cin: 256, cout: 256, k: 3 },
        { h: 4, w: 4, cin: 512, cout: 512, k: 3 },
      ];
      // measured 0.2602 / 0.2362 / 0.2445 / 0.2335 (QEMU counts are exact: a rise means a slower kernel)
      const ceilings = [0.265, 0.24, 0.25, 0.24];
      // the harness checks the bit-packed output against a bit-by-bit count (it throws unless it prints PASS)
      const counts = await limit(() => runConvBench(shapes, DEFAULT_POPCOUNT));
      counts.forEach((c, i) => {
        const perMac = c.binaryBitpacked / convMacs(c.shape);
        expect(perMac, `${c.shape.h}x${c.shape.w}x${c.shape.cin}`).toBeLessThanOrEqual(ceilings[i]!);
        // at least 3× fewer instructions per MAC than the runtime's int8 conv (itself below CMSIS-NN's figures)
        expect(perMac * 3).toBeLessThanOrEqual(c.int8 / convMacs(c.shape));
      });
    },
    TIMEOUT,
  );
});
