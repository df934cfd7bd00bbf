/**
 * The C runtime's float rows (runtime/src/bnn_float_mac.h: VLDM/VMLA.F32 on the M4F, C elsewhere) inside
 * bnn_conv2d, bnn_depthwise and bnn_scale_shift: runtime/tools/float_check.c compares them bit for bit with plain
 * loops written from the float32 contract on seeded random shapes — on the host under AddressSanitizer + UBSan and
 * on the emulated Cortex-M4 at -O2 (the asm rows) and -O0 (the C rows); and the -O2 build really runs VMLA.F32
 * (the chained multiply-accumulate, product rounded) and never a fused VFMA.
 */
import { describe, expect, it } from 'vitest';
import { limiter } from '../stm32/limit.js';
import { run } from '../stm32/verify.js';
import { buildHostSanitized, buildM4, runHost, runM4, withTempDir } from './m4-harness.js';

const limit = limiter(1);
const TIMEOUT = 600_000;
const SOURCES = ['tools/float_check.c', 'src/bnn_runtime.c'];

describe('float rows of the C runtime', () => {
  it(
    'conv2d, depthwise and scale_shift equal the contract loops on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      await limit(() =>
        withTempDir('bnn-float-check-', async (dir) => {
          const host = await buildHostSanitized({ name: 'float_check', sources: SOURCES }, dir);
          const hr = await runHost(host, dir);
          expect(hr.stdout + hr.stderr).toMatch(/^PASS$/m);
          expect(hr.code).toBe(0);

          for (const opt of ['-O2', '-O0'] as const) {
            const elf = await buildM4(
              { name: `float_check${opt}`, sources: SOURCES, opt, flags: ['-DFLOAT_CHECK_CASES=150'] },
              dir,
            );
            const dump = await run('arm-none-eabi-objdump', ['-d', elf], dir, 60_000);
            expect(dump.stdout).not.toMatch(/\bvf(?:ma|ms|nma|nms)\b/);
            if (opt === '-O2') expect(dump.stdout).toMatch(/\bvmla\.f32\b/);
            const q = await runM4(elf, dir);
            expect(q.stdout + q.stderr, opt).toMatch(/^PASS$/m);
            expect(q.stdout).toMatch(
              /outputs compared: conv [1-9]\d*, depthwise [1-9]\d*, scale_shift [1-9]/,
            );
          }
        }),
      );
    },
    TIMEOUT,
  );
});
