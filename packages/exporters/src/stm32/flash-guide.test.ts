// The bundle's board support: `make BOARD=…` links the ST-LINK VCP retarget for each documented board, `make flash`
// explains itself when OpenOCD is missing, and the README names the boards, tools and pins.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { randomDeployGraph } from '../firmware/random-graph.js';
import { buildStm32Bundle } from './bundle.js';
import { unpackBundle } from './verify.js';

const hasArmGcc = spawnSync('arm-none-eabi-gcc', ['--version']).status === 0;

describe('STM32L4 bundle: flashing guide and board builds', () => {
  it('documents both boards with their flash commands, VCP pins and clock', async () => {
    const { zip } = await buildStm32Bundle(randomDeployGraph(3), { goldenCount: 1 });
    const files = unzipSync(zip);
    const readme = strFromU8(files[Object.keys(files).find((p) => p.endsWith('/README.md'))!]!);
    for (const text of [
      'NUCLEO-L4R5ZI',
      'STM32L4R9I-DISCO',
      'make flash BOARD=nucleo-l4r5zi',
      'program build/firmware.elf verify reset exit',
      'STM32_Programmer_CLI -c port=SWD -w build/firmware.bin 0x08000000',
      'LPUART1: TX = PG7, RX = PG8',
      'VDDIO2',
      'USART2: TX = PA2, RX = PA3',
      '115200 8N1',
      'SWO is\n  PB3',
      'MSI at 4 MHz',
    ])
      expect(readme).toContain(text);
    expect(Object.keys(files).some((p) => p.endsWith('/startup/retarget.c'))).toBe(true);
  });

  it.skipIf(!hasArmGcc)(
    'builds for each board and for ITM, and `make flash` names the fix when OpenOCD is missing',
    async () => {
      const { zip } = await buildStm32Bundle(randomDeployGraph(4), { goldenCount: 1 });
      const dir = mkdtempSync(join(tmpdir(), 'bnn-flash-'));
      try {
        const root = unpackBundle(zip, dir);
        for (const [board, stdout, symbol] of [
          ['nucleo-l4r5zi', 'uart', '_write'],
          ['stm32l4r9i-disco', 'uart', '_write'],
          ['', 'itm', '_write'],
        ] as const) {
          execFileSync('make', ['-s', `BOARD=${board}`, `STDOUT=${stdout}`, 'build/firmware.elf'], {
            cwd: root,
            stdio: 'pipe',
          });
          const syms = execFileSync('arm-none-eabi-nm', ['build/firmware.elf'], { cwd: root }).toString();
          expect(syms, `${board}/${stdout}`).toMatch(new RegExp(`\\bT ${symbol}\\b`));
        }
        const bad = spawnSync('make', ['BOARD=nucleo'], { cwd: root });
        expect(bad.status).not.toBe(0);
        expect(bad.stderr.toString()).toMatch(/BOARD=nucleo is not known: use BOARD=nucleo-l4r5zi/);
        const flash = spawnSync('make', ['flash', 'OPENOCD=openocd-not-installed-here'], { cwd: root });
        expect(flash.status).not.toBe(0);
        expect(flash.stdout.toString()).toMatch(/OpenOCD \('openocd-not-installed-here'\) is not installed/);
        expect(flash.stdout.toString()).toMatch(/STM32_Programmer_CLI -c port=SWD/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
