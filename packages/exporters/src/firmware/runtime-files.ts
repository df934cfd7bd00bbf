/** The runtime's C sources and target files, read from packages/exporters/runtime (shipped beside dist/). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** packages/exporters/runtime, from src/firmware/*.ts and from dist/firmware/*.js alike. */
export const RUNTIME_DIR = fileURLToPath(new URL('../../runtime/', import.meta.url));

export function readRuntimeFile(relativePath: string): string {
  return readFileSync(`${RUNTIME_DIR}${relativePath}`, 'utf8');
}

/** Portable runtime: bundle path → runtime-relative source path. */
export const PORTABLE_RUNTIME_FILES: Record<string, string> = {
  'runtime/bnn_runtime.h': 'src/bnn_runtime.h',
  'runtime/bnn_runtime.c': 'src/bnn_runtime.c',
  'runtime/bnn_popcount.h': 'src/bnn_popcount.h',
  'runtime/bnn_int8.h': 'src/bnn_int8.h',
  'runtime/bnn_int8.c': 'src/bnn_int8.c',
  'runtime/bnn_int8_dsp.h': 'src/bnn_int8_dsp.h',
  'runtime/bnn_float_mac.h': 'src/bnn_float_mac.h',
};

/** Cortex-M4 startup and linker scripts. */
export const CORTEX_M4_FILES: Record<string, string> = {
  'startup/startup_cm4.c': 'targets/cortex-m4/startup_cm4.c',
  'startup/retarget.c': 'targets/cortex-m4/retarget.c',
  'linker/stm32l4r9.ld': 'targets/cortex-m4/stm32l4r9.ld',
  'linker/mps2_an386.ld': 'targets/cortex-m4/mps2_an386.ld',
  'linker/sections.ld.inc': 'targets/cortex-m4/sections.ld.inc',
  'cmake/arm-none-eabi.cmake': 'targets/cortex-m4/arm-none-eabi.cmake',
  'CMakeLists.txt': 'targets/cortex-m4/CMakeLists.txt',
  Makefile: 'targets/cortex-m4/Makefile',
  // the QEMU instruction-count plugin `make qemu-test` builds with the host compiler
  'tools/insn_count_plugin.c': 'tools/insn_count_plugin.c',
};

export function readFiles(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [dest, src] of Object.entries(map)) out[dest] = readRuntimeFile(src);
  return out;
}
