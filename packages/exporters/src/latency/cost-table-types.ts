/** The shape of the generated cost table (cost-table.ts, written by scripts/latency-table.ts). */

export interface VariantCost {
  /** Instructions per unit of each feature of features.ts (absent features cost 0). */
  coefficients: Record<string, number>;
  /** Layers measured for this variant. */
  samples: number;
  /** Largest and RMS relative error of the fitted formula over those layers. */
  maxRelError: number;
  rmsRelError: number;
}

export interface CostTable {
  /** The command that regenerates the table. */
  generatedBy: string;
  /** SHA-256 of the runtime C sources measured (see measure.ts `runtimeSourcesHash`). */
  runtimeSourcesSha256: string;
  runtimeFiles: string[];
  compiler: string;
  /** Calibration graphs counted. */
  graphs: number;
  /** Per kernel variant (features.ts `OpCost.variant`). */
  variants: Record<string, VariantCost>;
  /** The STM32L4R9 device image (`make` → build/firmware.elf) of every calibration graph, by arm-none-eabi-size. */
  firmware: FirmwareImageCost;
}

/**
 * Flash taken by code and RAM taken outside the arena, fitted to the device builds of the calibration graphs.
 * Code = text + data − golden vectors − the model's constant data; its formula is `one` (startup, app, newlib)
 * + `layers` (per-op call and params struct) + one `fn:<C function>` term per runtime kernel the model calls
 * (1 when linked: `--gc-sections` drops the others). Runtime RAM = data + bss − arena.
 */
export interface FirmwareImageCost {
  /** SHA-256 of the device files measured besides runtime/src (measure.ts `deviceSourcesHash`). */
  deviceSourcesSha256: string;
  code: VariantCost;
  /** Every C function the calibration graphs call (a model calling another one has no measured size). */
  measuredFunctions: string[];
  /** Largest runtime RAM measured (.data + .bss outside the arena), and the smallest. */
  runtimeRamBytes: number;
  runtimeRamMinBytes: number;
}
