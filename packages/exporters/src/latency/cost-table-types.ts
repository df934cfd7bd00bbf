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
}
