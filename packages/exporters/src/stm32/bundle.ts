/**
 * STM32L4 firmware bundle: a zip a firmware engineer unpacks and builds with `make` (or CMake). It holds
 * the generated model (header + C data/schedule), the portable runtime, a self-check app with golden
 * vectors, startup code, linker scripts for the STM32L4R9 and for the emulator, manifest.json and a README.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { strToU8, zipSync } from 'fflate';
import { ExportRefusedError } from '../errors.js';
import { type GoldenVectors, generateGolden, generateMain } from '../firmware/app.js';
import { generateModel, STACK_ESTIMATE_BYTES } from '../firmware/codegen.js';
import { computeGolden, goldenInputs } from '../firmware/golden.js';
import { deployGraphSha256 } from '../firmware/model-hash.js';
import { CORTEX_M4_FILES, PORTABLE_RUNTIME_FILES, readFiles } from '../firmware/runtime-files.js';
import { type ManifestLatency, manifestLatency } from '../latency/estimate.js';
import { estimateFirmwareMemory, type FirmwareMemory } from '../latency/memory.js';
import { STM32L4R9 } from './targets.js';

export const FIRMWARE_FORMAT = 'bnn-studio.firmware' as const;
export const FIRMWARE_FORMAT_VERSION = 1 as const;
export const RUNTIME_VERSION = '0.1.0';
/** Tool versions the bundles are verified with in CI. */
export const VERIFIED_TOOLS = {
  compiler: 'arm-none-eabi-gcc 12.2.1 (Debian 12 gcc-arm-none-eabi 15:12.2.rel1-1), newlib 4.3',
  emulator: 'qemu-system-arm 7.2 (mps2-an386)',
};

export interface Stm32BundleOptions {
  /** Golden vectors; default: `goldenCount` seeded inputs run through @bnn-studio/kernels' reference engine. */
  golden?: GoldenVectors;
  goldenCount?: number;
  goldenSeed?: number;
  /** Range of the seeded golden inputs (default [-1, 1]). */
  goldenRange?: [number, number];
  modelName?: string;
  /** Provenance written to the manifest (run id, dataset, accuracy, ...). */
  provenance?: Record<string, string | number | boolean | null>;
}

export interface FirmwareManifest {
  format: typeof FIRMWARE_FORMAT;
  formatVersion: typeof FIRMWARE_FORMAT_VERSION;
  target: string;
  targetLabel: string;
  runtimeVersion: string;
  exporter: string;
  tools: { compiler: string; flags: string; emulator: string; verifiedWith: typeof VERIFIED_TOOLS };
  model: {
    name: string;
    sha256: string;
    input: { shape: number[]; dtype: 'float32' };
    outputs: { shape: number[]; dtype: 'float32' }[];
    labels?: string[];
    layers: { index: number; op: string; sourceNode: string; constBytes: number }[];
  };
  memory: {
    /** Model constant data + fitted code: the device image's text + data without the golden vectors. */
    flashBytes: number;
    modelConstBytes: number;
    /** Fitted to the device builds of the calibration graphs (latency/cost-table.ts `firmware`). */
    codeBytesEstimate: number;
    goldenBytes: number;
    arenaBytes: number;
    /** .data + .bss outside the arena, measured on the calibration graphs' device builds. */
    runtimeRamBytes: number;
    /** Stack reserved by the linker script (counted in ramBytes). */
    stackReserveBytes: number;
    stackEstimateBytes: number;
    /** arena + runtime RAM + stack reserve: the device image's .data + .bss + stack. */
    ramBytes: number;
    flashLimitBytes: number;
    ramLimitBytes: number;
  };
  /** The studio's latency estimate of one inference (latency/estimate.ts); `make qemu-test` prints the count. */
  latency: ManifestLatency;
  golden: { count: number; source: string };
  provenance: Record<string, string | number | boolean | null>;
  files: string[];
}

export interface FirmwareBundle {
  zip: Uint8Array;
  manifest: FirmwareManifest;
}

export const TARGET_FLAGS =
  '-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 -ffp-contract=off';

function checkFits(mem: FirmwareMemory): void {
  if (mem.flashBytes > STM32L4R9.flashBytes) {
    throw new ExportRefusedError({
      nodeId: '',
      rule: 'stm32l4.flash',
      target: 'stm32l4',
      message: `the model needs ${mem.flashBytes} bytes of flash (${mem.constBytes} of weights + ~${mem.codeBytes} of code) but the ${STM32L4R9.label} has ${STM32L4R9.flashBytes}.`,
      fix: 'Reduce the filters of the largest float/binary layers, binarize more layers, or drop a block.',
    });
  }
  if (mem.ramBytes > STM32L4R9.ramBytes) {
    throw new ExportRefusedError({
      nodeId: '',
      rule: 'stm32l4.ram',
      target: 'stm32l4',
      message: `the model needs ${mem.ramBytes} bytes of RAM (arena ${mem.arenaBytes} + stack ${mem.stackBytes} + runtime ${mem.runtimeRamBytes}) but the ${STM32L4R9.label} has ${STM32L4R9.ramBytes}.`,
      fix: 'Lower the input resolution, downsample earlier (stride or pooling), or reduce the widest float layers.',
    });
  }
}

export function readme(manifest: FirmwareManifest): string {
  const m = manifest.memory;
  const io = [
    `- input: float32 [${manifest.model.input.shape.join(', ')}] (\`bnn_input()\`, ${manifest.model.input.shape.reduce((a, b) => a * b, 1)} floats)`,
    ...manifest.model.outputs.map(
      (o, i) => `- output ${i}: float32 [${o.shape.join(', ')}] (\`bnn_output(${i})\`)`,
    ),
  ].join('\n');
  return `# ${manifest.model.name} — STM32L4 firmware bundle

Generated by BNN Studio (${manifest.exporter}). Target: ${manifest.targetLabel}.
Model SHA-256: \`${manifest.model.sha256}\`

## Memory
| | bytes |
|---|---:|
| flash (model data + code, estimated; golden vectors not counted) | ${m.flashBytes} |
| model constant data | ${m.modelConstBytes} |
| code (runtime kernels linked, startup, newlib; fitted estimate) | ${m.codeBytesEstimate} |
| golden vectors (self-check app only) | ${m.goldenBytes} |
| arena (all activations, static) | ${m.arenaBytes} |
| stack estimate (runtime call path, from -fstack-usage) | ${m.stackEstimateBytes} |
| runtime .data + .bss outside the arena | ${m.runtimeRamBytes} |
| RAM total (arena + runtime + linker stack reserve ${m.stackReserveBytes}) | ${m.ramBytes} |
| limits (flash / RAM) | ${m.flashLimitBytes} / ${m.ramLimitBytes} |

## Latency (estimate)
About ${manifest.latency.estimatedInstructions.toLocaleString('en-US')} instructions per inference, ~${manifest.latency.estimatedMs.toFixed(1)} ms on the
${manifest.latency.target} (${manifest.latency.cyclesPerInstruction} cycles per instruction at ${manifest.latency.clockHz / 1e6} MHz: an estimate,
not measured on a board). The instruction figure comes from BNN Studio's cost table (exact QEMU counts of this
runtime's kernels, fitted per kernel); \`make qemu-test\` counts this model's instructions exactly and prints both.

## I/O
${io}

\`\`\`c
#include "bnn_model.h"
bnn_init();
memcpy(bnn_input(), sample, sizeof(float) * BNN_INPUT_SIZE);
bnn_invoke();
const float *scores = bnn_output(0);
\`\`\`
No heap: every tensor lives in one static arena of \`BNN_ARENA_BYTES\`, placed by a liveness planner at export time.
Binary layers use bit-packed weights (Larq Compute Engine layout) and an XOR + popcount kernel tuned for
Cortex-M4, which has no popcount instruction: Harley-Seal carry-save adders over 8- or 16-word blocks in
hand-scheduled Thumb-2 (about 7.0–7.4 instructions per 32 binary MACs on long rows; the bit-packed layers' filter
rows are stored in a pair layout that saves one instruction per word pair), SWAR partial sums with USADA8 byte
accumulation on rows under 8 words (\`-DBNN_POPCOUNT=1..6\` selects the measured variants). The
first and last layers run in float (FPv4).

## Build
Tools: ${manifest.tools.compiler}, GNU make (or CMake ≥ 3.16). Flags: \`${manifest.tools.flags}\`.
Verified with: ${VERIFIED_TOOLS.compiler}; ${VERIFIED_TOOLS.emulator}.

- \`make\` — \`build/firmware.elf/.bin/.hex\` for the STM32L4R9 (\`linker/stm32l4r9.ld\`: 2 MB flash at
  0x08000000, 640 KB SRAM at 0x20000000). The self-check prints through newlib's \`_write\`: \`make BOARD=…\`
  sends it to the board's ST-LINK virtual COM port (see "Flash it to a board"), or read
  \`bnn_selfcheck_result\` (1 = PASS, 2 = FAIL) with the debugger.
- \`make flash\` — builds and programs the board with OpenOCD over its ST-LINK.
- \`make qemu-test\` — builds the emulator profile (\`linker/mps2_an386.ld\`; QEMU's mps2-an386 board has a
  different memory map) and runs the self-check under \`${manifest.tools.emulator}\` with semihosting. Prints
  \`PASS\` when every output of the golden vectors matches the studio bit for bit.
- \`make host-test\` — the same sources on your machine with AddressSanitizer and UBSan.
- CMake: \`cmake -B build -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake && cmake --build build\`
  (targets \`firmware.elf\`, \`qemu.elf\`, \`qemu-test\`, library \`bnn_model\`).

Floating point must stay IEEE: keep \`-ffp-contract=off\` and never add \`-ffast-math\`, or outputs drift from
the studio's. Every float op is float32 arithmetic in the studio's order (no double), so the M4F's FPU runs it.

${FLASHING_GUIDE}
## Files
${manifest.files.map((f) => `- \`${f}\``).join('\n')}
`;
}

/**
 * The per-board flashing guide of the README. Pin and peripheral facts: NUCLEO-L4R5ZI user manual UM2179
 * (ST-LINK VCP = LPUART1 on PG7/PG8, VDDIO2-powered) and 32L4R9IDISCOVERY user manual UM2271 (VCP = USART2 on
 * PA2/PA3); registers from RM0432. `startup/retarget.c` implements exactly this.
 */
export const FLASHING_GUIDE = `## Flash it to a board
The firmware runs on both boards below unchanged: the STM32L4R5ZI (NUCLEO-L4R5ZI) and the STM32L4R9AI
(STM32L4R9I-DISCO) share the memory map of \`linker/stm32l4r9.ld\` (2 MB flash at 0x08000000, 640 KB SRAM).
Connect the board's ST-LINK USB port, then:

| | NUCLEO-L4R5ZI | STM32L4R9I-DISCO |
|---|---|---|
| build with self-check output on the ST-LINK virtual COM port | \`make BOARD=nucleo-l4r5zi\` | \`make BOARD=stm32l4r9i-disco\` |
| VCP wiring (done by \`startup/retarget.c\`) | LPUART1: TX = PG7, RX = PG8 (AF8). PG2–PG15 are powered from VDDIO2: the code sets PWR_CR2.IOSV first, or the pins stay dead | USART2: TX = PA2, RX = PA3 (AF7) |
| flash with OpenOCD | \`make flash BOARD=nucleo-l4r5zi\` | \`make flash BOARD=stm32l4r9i-disco\` |
| OpenOCD board script (optional) | \`board/st_nucleo_l4.cfg\` | \`board/stm32l4r9i-disco.cfg\` |
| user manual | UM2179 | UM2271 |

- **OpenOCD** (\`make flash\`): runs
  \`openocd -f interface/stlink.cfg -f target/stm32l4x.cfg -c "program build/firmware.elf verify reset exit"\`.
  Without OpenOCD installed, \`make flash\` stops and says how to install it (\`sudo apt-get install openocd\`).
  Override with \`make flash OPENOCD_CFG="-f board/stm32l4r9i-disco.cfg"\`.
- **STM32CubeProgrammer** (CLI): \`STM32_Programmer_CLI -c port=SWD -w build/firmware.bin 0x08000000 -v -rst\`
  (or \`-w build/firmware.hex\`, which carries its address).
- **Read the result**: open the ST-LINK virtual COM port at **115200 8N1** (\`/dev/ttyACM0\` on Linux, e.g.
  \`picocom -b 115200 /dev/ttyACM0\`; a COM port on Windows) and press the board's reset button: the self-check
  prints each golden vector and \`PASS\` when every output matches the studio bit for bit. Without a serial
  terminal: \`arm-none-eabi-gdb build/firmware.elf\` → \`target extended-remote :3333\` (with \`openocd -f
  interface/stlink.cfg -f target/stm32l4x.cfg\` running) → \`print bnn_selfcheck_result\` (1 = PASS, 2 = FAIL).
- **ITM/SWO instead of the UART**: \`make STDOUT=itm\` (with or without \`BOARD\`) writes to ITM stimulus port 0; SWO is
  PB3. Enable the trace from the debugger, e.g. in OpenOCD
  \`stm32l4x.tpiu configure -protocol uart -traceclk 4000000 -pin-freq 2000000 -output swo.log\`,
  \`stm32l4x.tpiu enable\`, \`itm port 0 on\` (older OpenOCD: \`tpiu config internal swo.log uart off 4000000\`), or use
  STM32CubeProgrammer's SWV viewer at a 4 MHz core clock. Without a debugger enabling ITM, output is dropped.

**Clock.** The self-check runs on the reset clock: MSI at 4 MHz, no PLL (nothing to configure; inference is just
slower). \`retarget.c\` derives the baud rate from 4 MHz (LPUART1 BRR = 256 × 4 MHz / 115200 = 8889; USART2
BRR = 35). For full speed, your application sets SYSCLK = 120 MHz from the PLL (e.g. MSI 4 MHz, M = 1, N = 60,
R = 2), with voltage range 1 boost mode (PWR_CR5.R1MODE = 0) and 5 flash wait states (FLASH_ACR.LATENCY = 5)
set before switching; then build with \`CFLAGS=-DBNN_UART_CLOCK_HZ=120000000\` so the baud rate stays right.
`;

export async function buildStm32Bundle(
  deploy: DeployGraph,
  opts: Stm32BundleOptions = {},
): Promise<FirmwareBundle> {
  const model = generateModel(deploy, { modelName: opts.modelName ?? deploy.name });
  // the one memory computation (the composer shows the same figures)
  const mem = estimateFirmwareMemory(deploy);
  checkFits(mem);
  let golden = opts.golden;
  let goldenSource = 'provided by the caller';
  if (!golden) {
    const count = opts.goldenCount ?? 2;
    const inputs = goldenInputs(deploy, count, opts.goldenSeed ?? 1234, opts.goldenRange ?? [-1, 1]);
    golden = await computeGolden(deploy, inputs, count);
    goldenSource = '@bnn-studio/kernels reference engine on seeded inputs';
  }
  const goldenFiles = generateGolden(model, golden);
  const goldenBytes = 4 * (golden.inputs.length + golden.outputs.reduce((a, o) => a + o.length, 0));

  const files: Record<string, string> = {
    'include/bnn_model.h': model.header,
    'src/bnn_model.c': model.source,
    ...readFiles(PORTABLE_RUNTIME_FILES),
    'app/main.c': generateMain(model),
    'app/golden.h': goldenFiles.header,
    'app/golden.c': goldenFiles.source,
    ...readFiles(CORTEX_M4_FILES),
  };
  const manifest: FirmwareManifest = {
    format: FIRMWARE_FORMAT,
    formatVersion: FIRMWARE_FORMAT_VERSION,
    target: STM32L4R9.id,
    targetLabel: STM32L4R9.label,
    runtimeVersion: RUNTIME_VERSION,
    exporter: '@bnn-studio/exporters 0.1.0',
    tools: {
      compiler: 'arm-none-eabi-gcc (GNU Arm Embedded), newlib',
      flags: TARGET_FLAGS,
      emulator: 'qemu-system-arm -M mps2-an386',
      verifiedWith: VERIFIED_TOOLS,
    },
    model: {
      name: opts.modelName ?? deploy.name,
      sha256: deployGraphSha256(deploy),
      input: { shape: model.inputShape, dtype: 'float32' },
      outputs: model.outputShapes.map((shape) => ({ shape, dtype: 'float32' as const })),
      ...(deploy.labels ? { labels: deploy.labels } : {}),
      layers: model.layers,
    },
    memory: {
      flashBytes: mem.flashBytes,
      modelConstBytes: model.constBytes,
      codeBytesEstimate: mem.codeBytes,
      goldenBytes,
      arenaBytes: model.arenaBytes,
      runtimeRamBytes: mem.runtimeRamBytes,
      stackReserveBytes: mem.stackBytes,
      stackEstimateBytes: STACK_ESTIMATE_BYTES,
      ramBytes: mem.ramBytes,
      flashLimitBytes: STM32L4R9.flashBytes,
      ramLimitBytes: STM32L4R9.ramBytes,
    },
    latency: manifestLatency(deploy, 'stm32l4r9'),
    golden: { count: golden.count, source: goldenSource },
    provenance: opts.provenance ?? {},
    files: [...Object.keys(files), 'manifest.json', 'README.md'].sort(),
  };
  files['manifest.json'] = `${JSON.stringify(manifest, null, 2)}\n`;
  files['README.md'] = readme(manifest);
  const entries: Record<string, Uint8Array> = {};
  const root = `${cleanName(manifest.model.name)}-stm32l4`;
  for (const [path, text] of Object.entries(files)) entries[`${root}/${path}`] = strToU8(text);
  return { zip: zipSync(entries, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') }), manifest };
}

export function cleanName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
