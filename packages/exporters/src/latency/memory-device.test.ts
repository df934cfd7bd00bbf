/**
 * Issue #15: the composer's flash and RAM (estimateFirmwareMemory, which the bundle manifest carries too) within
 * ±2 % of the compiled STM32L4R9 device image of every preset: `make build/firmware.elf` of the bundle and
 * arm-none-eabi-size. Flash = text + data − the self-check's golden vectors; RAM = data + bss + the linker
 * script's stack reserve. One device build per preset (no emulator), two at a time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIME_DIR } from '../firmware/runtime-files.js';
import { limiter } from '../stm32/limit.js';
import { presetCases } from '../stm32/preset-cases.js';
import { STM32L4R9 } from '../stm32/targets.js';
import { measureDeviceImage } from './measure.js';
import { estimateFirmwareMemory } from './memory.js';

const limit = limiter(2);
const TIMEOUT = 600_000;

describe('the STM32L4R9 linker script', () => {
  it('reserves the stack the estimate counts', () => {
    const ld = readFileSync(join(RUNTIME_DIR, 'targets', 'cortex-m4', 'stm32l4r9.ld'), 'utf8');
    const k = /BNN_STACK_BYTES\s*=\s*(\d+)K\s*;/.exec(ld)?.[1];
    expect(Number(k) * 1024).toBe(STM32L4R9.stackBytes);
  });
});

describe.concurrent('estimateFirmwareMemory vs the compiled STM32L4R9 image of every preset (±2 %)', () => {
  for (const preset of presetCases()) {
    it(
      `preset ${preset.id}`,
      async () => {
        const deploy = preset.deploy();
        const size = await limit(() => measureDeviceImage(deploy));
        const est = estimateFirmwareMemory(deploy);
        const flash = size.text + size.data - size.goldenBytes;
        const ram = size.data + size.bss + STM32L4R9.stackBytes;
        const detail = `${preset.id}: text ${size.text} data ${size.data} bss ${size.bss} golden ${size.goldenBytes}; estimate code ${est.codeBytes} + const ${est.constBytes}, arena ${est.arenaBytes} + runtime ${est.runtimeRamBytes} + stack ${est.stackBytes}`;
        expect(
          Math.abs(est.flashBytes - flash) / flash,
          `flash ${est.flashBytes} vs ${flash}; ${detail}`,
        ).toBeLessThanOrEqual(0.02);
        expect(
          Math.abs(est.ramBytes - ram) / ram,
          `RAM ${est.ramBytes} vs ${ram}; ${detail}`,
        ).toBeLessThanOrEqual(0.02);
      },
      TIMEOUT,
    );
  }
});
