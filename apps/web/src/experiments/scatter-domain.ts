/**
 * The size axis of the runs scatter (KiB, log scale): fitted to the runs, with the target's budget drawn inside
 * when it is near the data and as a marker on the axis edge when it is far (a 2 MiB flash budget would otherwise
 * push 14–16 KiB runs into the left few percent of the chart, their labels on top of each other).
 */
export interface SizeAxis {
  domain: [number, number];
  /** Where to draw the budget: at its value, or at the edge it lies beyond. */
  budget: { at: number; edge: 'none' | 'left' | 'right' };
}

/** The budget is drawn at its value when it lies within this factor of the data's range. */
export const NEAR_FACTOR = 4;
const PAD = 1.5;

export function sizeAxis(sizesKiB: number[], budgetKiB: number): SizeAxis {
  const sizes = sizesKiB.filter((s) => Number.isFinite(s) && s > 0);
  if (sizes.length === 0)
    return { domain: [budgetKiB / 10, budgetKiB * 1.2], budget: { at: budgetKiB, edge: 'none' } };
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  let min = Math.max(0.01, lo / PAD);
  let max = hi * PAD;
  if (budgetKiB > hi * NEAR_FACTOR) return { domain: [min, max], budget: { at: max, edge: 'right' } };
  if (budgetKiB < lo / NEAR_FACTOR) return { domain: [min, max], budget: { at: min, edge: 'left' } };
  min = Math.min(min, budgetKiB / 1.2);
  max = Math.max(max, budgetKiB * 1.2);
  return { domain: [min, max], budget: { at: budgetKiB, edge: 'none' } };
}
