/** Deployment targets and their memory budgets (bytes). */
export type TargetId = 'stm32l4r9' | 'xcore';

export interface TargetBudget {
  id: TargetId;
  label: string;
  /** Where weights live. xcore.ai keeps weights and arena in the same per-tile SRAM. */
  flashBytes: number | null;
  sramBytes: number;
  note: string;
  /** Default latency budget of one inference (the composer's latency bar; the user can change it). */
  latencyBudgetMs: number;
}

export const TARGETS: Record<TargetId, TargetBudget> = {
  stm32l4r9: {
    id: 'stm32l4r9',
    label: 'STM32L4R9 (Cortex-M4)',
    flashBytes: 2 * 1024 * 1024,
    sramBytes: 640 * 1024,
    note: '2 MB flash for weights, 640 KB SRAM for the tensor arena.',
    // MLPerf Tiny visual wake words on a 120 MHz Cortex-M4: 208.6 ms (Plumerai), 600.6 ms (TFLite Micro)
    latencyBudgetMs: 200,
  },
  xcore: {
    id: 'xcore',
    label: 'XMOS xcore.ai (one tile)',
    flashBytes: null,
    sramBytes: 512 * 1024,
    note: '512 KB SRAM per tile holds both the weights and the tensor arena.',
    latencyBudgetMs: 200,
  },
};

export const TARGET_IDS: TargetId[] = ['stm32l4r9', 'xcore'];

export interface BudgetUse {
  label: string;
  /** What `used` and `budget` count (bytes unless stated). */
  unit?: 'bytes' | 'ms';
  used: number;
  budget: number;
  fraction: number;
  over: boolean;
}

/** Flash and SRAM use of a model on a target, given packed weight bytes and the estimated arena. */
export function budgetUse(target: TargetId, weightBytes: number, arenaBytes: number): BudgetUse[] {
  const t = TARGETS[target];
  const rows: Array<[string, number, number]> = [];
  if (t.flashBytes !== null) {
    rows.push(['Flash (weights)', weightBytes, t.flashBytes]);
    rows.push(['SRAM (arena)', arenaBytes, t.sramBytes]);
  } else {
    rows.push(['SRAM (weights + arena)', weightBytes + arenaBytes, t.sramBytes]);
  }
  return rows.map(([label, used, budget]) => ({
    label,
    used,
    budget,
    fraction: used / budget,
    over: used > budget,
  }));
}

/** The firmware's memory figures (exporters' estimateFirmwareMemory: equal to the built bundle's manifest). */
export interface FirmwareMemoryUse {
  constBytes: number;
  arenaBytes: number;
  flashBytes: number;
  ramBytes: number;
}

const row = (label: string, used: number, budget: number, unit: 'bytes' | 'ms' = 'bytes'): BudgetUse => ({
  label,
  unit,
  used,
  budget,
  fraction: used / budget,
  over: used > budget,
});

/**
 * Flash, SRAM and latency of the deployed model against the target: STM32L4R9 flash = model data + code
 * estimate, SRAM = arena + stack reserve + runtime (the bundle manifest's figures); xcore.ai one tile's SRAM
 * holds the model data and the arena; latency = the estimate against `latencyBudgetMs`.
 */
export function deployBudgetUse(
  target: TargetId,
  memory: FirmwareMemoryUse,
  latencyMs: number,
  latencyBudgetMs: number,
): BudgetUse[] {
  const t = TARGETS[target];
  const rows: BudgetUse[] =
    t.flashBytes !== null
      ? [
          row('Flash (model data + code)', memory.flashBytes, t.flashBytes),
          row('SRAM (arena + stack + runtime)', memory.ramBytes, t.sramBytes),
        ]
      : [row('SRAM (model data + arena)', memory.constBytes + memory.arenaBytes, t.sramBytes)];
  rows.push(row('Latency (estimate)', latencyMs, latencyBudgetMs, 'ms'));
  return rows;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 2 : 1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}
