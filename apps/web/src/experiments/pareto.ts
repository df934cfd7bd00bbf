/** Pareto frontier of (size, accuracy) points: no other point is both smaller-or-equal and more accurate. */
export interface SizeAccuracy {
  id: string;
  size: number;
  accuracy: number;
}

/** Frontier points sorted by size ascending (accuracy strictly increasing along it). */
export function paretoFrontier<T extends SizeAccuracy>(points: T[]): T[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.size) && Number.isFinite(p.accuracy))
    .slice()
    .sort((a, b) => a.size - b.size || b.accuracy - a.accuracy);
  const out: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    if (p.accuracy > best) {
      out.push(p);
      best = p.accuracy;
    }
  }
  return out;
}
