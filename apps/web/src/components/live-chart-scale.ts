/** Data → plot geometry of the live canvas charts (pure, tested without a canvas). */
import type { EpochMetrics } from '../train/protocol';
import type { BatchPoint } from '../train/training-store';

export interface LiveSeries {
  /** An EpochMetrics field, or 'batch' for the per-batch training loss. */
  key: keyof EpochMetrics | 'batch';
  label: string;
  color: string;
  dashed?: boolean;
  /** Drawn as a thin line without dots (dense per-batch series). */
  thin?: boolean;
}

export interface LivePoint {
  x: number;
  y: number;
}

/** The finite points of one series: per-epoch rows at x = epoch, per-batch points at their fractional epoch. */
export function seriesPoints(
  key: LiveSeries['key'],
  epochs: EpochMetrics[],
  batchLoss: BatchPoint[] = [],
): LivePoint[] {
  if (key === 'batch') return batchLoss.map((p) => ({ x: p.x, y: p.loss }));
  const out: LivePoint[] = [];
  for (const e of epochs) {
    const v = e[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ x: e.epoch, y: v });
  }
  return out;
}

/** 1, 2 or 5 × 10^k: the tick step that gives about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

export interface PlotRange {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xTicks: number[];
  yTicks: number[];
}

/**
 * Axis ranges and ticks: x from 0 to the last epoch (at least 1, integer ticks), y widened to whole tick steps
 * around the data (a flat series gets a band around its value).
 */
export function plotRange(points: LivePoint[]): PlotRange {
  let xMax = 1;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.x > xMax) xMax = p.x;
    if (p.y < yMin) yMin = p.y;
    if (p.y > yMax) yMax = p.y;
  }
  if (!Number.isFinite(yMin)) {
    yMin = 0;
    yMax = 1;
  }
  if (yMax - yMin < 1e-12) {
    const pad = Math.abs(yMax) > 1e-12 ? Math.abs(yMax) * 0.1 : 0.5;
    yMin -= pad;
    yMax += pad;
  }
  const yStep = niceStep(yMax - yMin, 4);
  const y0 = Math.floor(yMin / yStep) * yStep;
  const y1 = Math.ceil(yMax / yStep) * yStep;
  const x1 = Math.ceil(xMax);
  const xStep = Math.max(1, Math.round(niceStep(x1, 6)));
  const ticks = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let i = 0; from + i * step <= to + step * 1e-9; i++)
      out.push(Number((from + i * step).toPrecision(12)));
    return out;
  };
  return { x0: 0, x1, y0, y1, xTicks: ticks(0, x1, xStep), yTicks: ticks(y0, y1, yStep) };
}
