/**
 * End-to-end firmware verification with the real tools: every bundle is built with arm-none-eabi-gcc
 * (-Wall -Wextra -Werror), run on an emulated Cortex-M4 (qemu-system-arm mps2-an386 + semihosting) and
 * must reproduce @bnn-studio/kernels' outputs bit for bit; the same sources also run on the host under
 * AddressSanitizer + UBSan.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildHostSanitized, buildM4, runHost, runM4, withTempDir } from '../firmware/m4-harness.js';
import { PAIRS_MAX_WORDS, PAIRS_MIN_WORDS } from '../firmware/ops/binary.js';
import { pairedRowsDeployGraph, randomDeployGraph } from '../firmware/random-graph.js';
import { buildStm32Bundle } from './bundle.js';
import { limiter } from './limit.js';
import { presetCases } from './preset-cases.js';
import { unpackBundle, verifyStm32Bundle } from './verify.js';

const limit = limiter(2);
// Tests queue for the two build slots, so the clock of each one includes waiting: allow for a busy machine.
const TIMEOUT = 600_000;
const RANDOM_SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe.concurrent('STM32L4 bundles of random architectures: qemu bit-exact + host sanitizers', () => {
  for (const seed of RANDOM_SEEDS) {
    it(
      `random architecture seed ${seed}`,
      async () => {
        const graph = randomDeployGraph(seed);
        const result = await limit(async () => {
          const { zip } = await buildStm32Bundle(graph, { goldenCount: 2, goldenSeed: seed });
          return verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
        });
        expect(result.passed, `seed ${seed} (${graph.ops.map((o) => o.op).join(' ')}):\n${result.log}`).toBe(
          true,
        );
        expect(result.hostSanitizersPassed).toBe(true);
        expect(result.log).toMatch(/vector 1: 0 mismatching values/);
      },
      TIMEOUT,
    );
  }
});

describe.concurrent('STM32L4 bundles with paired filter rows (bit-packed bconv2d): qemu bit-exact + host sanitizers', () => {
  for (const seed of [1, 2, 3]) {
    it(
      `paired-rows architecture seed ${seed}`,
      async () => {
        const graph = pairedRowsDeployGraph(seed);
        const paired = graph.ops.filter((o) => {
          if (o.op !== 'bconv2d' || o.transform.kind !== 'bitpacked') return false;
          const row = o.kernel[0] * o.kernel[1] * Math.ceil(o.inChannels / 32);
          return row >= PAIRS_MIN_WORDS && row <= PAIRS_MAX_WORDS;
        });
        expect(paired.length, `seed ${seed}: no bconv2d with paired rows`).toBeGreaterThan(0);
        const result = await limit(async () => {
          const { zip } = await buildStm32Bundle(graph, { goldenCount: 2, goldenSeed: seed });
          return verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
        });
        expect(result.passed, `seed ${seed} (${graph.ops.map((o) => o.op).join(' ')}):\n${result.log}`).toBe(
          true,
        );
        expect(result.hostSanitizersPassed).toBe(true);
        expect(result.log).toMatch(/vector 1: 0 mismatching values/);
      },
      TIMEOUT,
    );
  }
});

describe.concurrent('STM32L4 bundles of every preset (seeded random weights): qemu bit-exact + host sanitizers', () => {
  for (const preset of presetCases()) {
    it(
      `preset ${preset.id}`,
      async () => {
        const deploy = preset.deploy();
        const result = await limit(async () => {
          const { zip } = await buildStm32Bundle(deploy, { goldenCount: 1 });
          return verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
        });
        expect(result.passed, `${preset.id}:\n${result.log}`).toBe(true);
        expect(result.hostSanitizersPassed).toBe(true);
      },
      TIMEOUT,
    );
  }
});

describe('popcount variants', () => {
  it(
    'every BNN_POPCOUNT variant matches a bit-by-bit count on the host (ASan/UBSan) and on the emulated M4',
    async () => {
      const sources = ['tools/popcount_check.c', 'src/bnn_runtime.c'];
      await limit(() =>
        withTempDir('bnn-popcount-', async (dir) => {
          for (const v of [1, 2, 3, 4, 5, 6]) {
            const build = { name: `popcount_check_${v}`, sources, flags: [`-DBNN_POPCOUNT=${v}`] };
            const host = await runHost(await buildHostSanitized(build, dir), dir, 120_000);
            expect(host.stdout + host.stderr, `variant ${v}`).toMatch(/^PASS$/m);
            expect(host.code).toBe(0);
            const m4 = await runM4(await buildM4(build, dir), dir, { timeoutMs: 120_000 });
            expect(m4.stdout + m4.stderr, `variant ${v}`).toMatch(/^PASS$/m);
          }
        }),
      );
    },
    TIMEOUT,
  );
});

describe('STM32L4 bundle contents and checks', () => {
  it(
    'ships the documented files, a manifest with memory numbers, and counts instructions per layer',
    async () => {
      const graph = randomDeployGraph(5);
      const { zip, manifest } = await buildStm32Bundle(graph, { provenance: { runId: 'r1', accuracy: 0.9 } });
      const files = Object.keys(unzipSync(zip)).map((p) => p.split('/').slice(1).join('/'));
      for (const f of [
        'include/bnn_model.h',
        'src/bnn_model.c',
        'runtime/bnn_runtime.c',
        'runtime/bnn_runtime.h',
        'app/main.c',
        'app/golden.c',
        'Makefile',
        'CMakeLists.txt',
        'cmake/arm-none-eabi.cmake',
        'linker/stm32l4r9.ld',
        'linker/mps2_an386.ld',
        'startup/startup_cm4.c',
        'manifest.json',
        'README.md',
      ]) {
        expect(files).toContain(f);
      }
      expect(manifest.target).toBe('stm32l4r9');
      expect(manifest.memory.arenaBytes).toBeGreaterThan(0);
      expect(manifest.memory.flashLimitBytes).toBe(2 * 1024 * 1024);
      expect(manifest.memory.ramLimitBytes).toBe(640 * 1024);
      expect(manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(manifest.provenance.runId).toBe('r1');
      const header = strFromU8(
        unzipSync(zip)[Object.keys(unzipSync(zip)).find((p) => p.endsWith('bnn_model.h'))!]!,
      );
      expect(header).toContain(`#define BNN_ARENA_BYTES ${manifest.memory.arenaBytes}`);
      for (const fn of ['bnn_init', 'bnn_input', 'bnn_invoke', 'bnn_output'])
        expect(header).toContain(`${fn}(`);

      const result = await limit(() => verifyStm32Bundle(zip));
      expect(result.passed, result.log).toBe(true);
      expect(result.layerInstructions).toHaveLength(graph.ops.length);
      expect(result.instructions).toBe(result.layerInstructions!.reduce((a, b) => a + b, 0));
      expect(result.instructions!).toBeGreaterThan(1000);
    },
    TIMEOUT,
  );

  it(
    'reports FAIL when a golden value is off by one bit',
    async () => {
      const { zip } = await buildStm32Bundle(randomDeployGraph(2));
      const files = unzipSync(zip);
      const goldenPath = Object.keys(files).find((p) => p.endsWith('app/golden.c'))!;
      const text = strFromU8(files[goldenPath]!);
      // flip the lowest bit of the first expected output word
      const tampered = text.replace(
        /(bnn_golden_output0\[\d+\] = \{\n\s*0x)([0-9A-F]{8})u/,
        (_m, pre: string, hex: string) => {
          return `${pre}${((Number.parseInt(hex, 16) ^ 1) >>> 0).toString(16).toUpperCase().padStart(8, '0')}u`;
        },
      );
      expect(tampered).not.toBe(text);
      files[goldenPath] = strToU8(tampered);
      const result = await limit(() => verifyStm32Bundle(zipSync(files), { countInstructions: false }));
      expect(result.passed).toBe(false);
      expect(result.log).toMatch(/^FAIL$/m);
    },
    TIMEOUT,
  );

  it(
    'builds the device image for the STM32L4R9 map with make and with CMake + the toolchain file',
    async () => {
      const { zip } = await buildStm32Bundle(randomDeployGraph(4));
      const dir = mkdtempSync(join(tmpdir(), 'bnn-stm32-device-'));
      try {
        const root = unpackBundle(zip, dir);
        await limit(async () => {
          execFileSync('make', ['all'], { cwd: root, stdio: 'pipe' });
          const map = readFileSync(join(root, 'build', 'firmware.map'), 'utf8');
          expect(map).toMatch(/FLASH\s+0x0*8000000\s+0x0*200000/);
          expect(map).toMatch(/RAM\s+0x0*20000000\s+0x0*a0000/);
          execFileSync(
            'cmake',
            [
              '-S',
              '.',
              '-B',
              'cmake-build',
              '-DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake',
              '-DCMAKE_BUILD_TYPE=Release',
            ],
            { cwd: root, stdio: 'pipe' },
          );
          execFileSync('cmake', ['--build', 'cmake-build', '--target', 'firmware.elf'], {
            cwd: root,
            stdio: 'pipe',
          });
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
