/** Deployment targets and their memory budgets (bytes). */
export type TargetId = 'stm32l4r9' | 'xcore';

export interface TargetBudget {
  id: TargetId;
  label: string;
  /** Where weights live. xcore.ai keeps weights and arena in the same per-tile SRAM. */
  flashBytes: number | null;
  sramBytes: number;
  note: string;
}

export const TARGETS: Record<TargetId, TargetBudget> = {
  stm32l4r9: {
    id: 'stm32l4r9',
    label: 'STM32L4R9 (Cortex-M4)',
    flashBytes: 2 * 1024 * 1024,
    sramBytes: 640 * 1024,
    note: '2 MB flash for weights, 640 KB SRAM for the tensor arena.',
  },
  xcore: {
    id: 'xcore',
    label: 'XMOS xcore.ai (one tile)',
    flashBytes: null,
    sramBytes: 512 * 1024,
    note: '512 KB SRAM per tile holds both the weights and the tensor arena.',
  },
};

export const TARGET_IDS: TargetId[] = ['stm32l4r9', 'xcore'];

export interface BudgetUse {
  label: string;
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
