/**
 * Least-squares fit of per-kernel cost formulas: coefficients c ≥ 0 minimising Σ_i ((x_i·c − y_i) / y_i)², i.e.
 * the relative error of every measured layer counts the same whatever its size (the latency model is judged by
 * relative error). Non-negativity by a simple active set: fit, drop the most negative coefficient's feature,
 * refit, until none is negative (a negative per-MAC or per-pixel cost is never physical and extrapolates badly).
 * Columns are scaled to unit maximum before solving the normal equations (Gaussian elimination with partial
 * pivoting, a tiny ridge for rank-deficient sets such as a feature that is always 0).
 */
import type { Features } from './features.js';

export interface Sample {
  features: Features;
  /** Measured instructions (> 0). */
  count: number;
}

export interface FitResult {
  coefficients: Record<string, number>;
  /** Largest |relative error| over the samples. */
  maxRelError: number;
  /** Root mean square relative error over the samples. */
  rmsRelError: number;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) piv = r;
    [m[col], m[piv]] = [m[piv]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

function leastSquares(samples: readonly Sample[], names: readonly string[]): number[] {
  const k = names.length;
  const scale = names.map((f) => Math.max(1e-12, ...samples.map((s) => Math.abs(s.features[f] ?? 0))));
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const atb = new Array<number>(k).fill(0);
  for (const s of samples) {
    const w = 1 / s.count;
    const x = names.map((f, j) => ((s.features[f] ?? 0) / scale[j]!) * w);
    const y = s.count * w;
    for (let i = 0; i < k; i++) {
      atb[i]! += x[i]! * y;
      for (let j = 0; j < k; j++) ata[i]![j]! += x[i]! * x[j]!;
    }
  }
  for (let i = 0; i < k; i++) ata[i]![i]! += 1e-9 * (ata[i]![i]! + 1e-12);
  return solve(ata, atb).map((c, j) => c / scale[j]!);
}

/** Predicted instructions of `features` under `coefficients` (absent features cost 0). */
export function predict(coefficients: Readonly<Record<string, number>>, features: Features): number {
  let sum = 0;
  for (const [f, c] of Object.entries(coefficients)) sum += c * (features[f] ?? 0);
  return sum;
}

export function fitCostFormula(samples: readonly Sample[]): FitResult {
  if (samples.length === 0) throw new Error('fitCostFormula: no samples to fit');
  for (const s of samples)
    if (!(s.count > 0))
      throw new Error(`fitCostFormula: a sample has count ${s.count}; counts must be positive`);
  let names = [...new Set(samples.flatMap((s) => Object.keys(s.features)))].filter((f) =>
    samples.some((s) => (s.features[f] ?? 0) !== 0),
  );
  let coef: number[] = [];
  for (;;) {
    coef = leastSquares(samples, names);
    // drop the feature whose coefficient is most negative in scaled terms (its effect on the largest sample)
    let worst = -1;
    let worstEffect = 0;
    coef.forEach((c, j) => {
      const effect = c * Math.max(...samples.map((s) => Math.abs(s.features[names[j]!] ?? 0)));
      if (effect < worstEffect) {
        worst = j;
        worstEffect = effect;
      }
    });
    if (worst < 0) break;
    names = names.filter((_, j) => j !== worst);
    if (names.length === 0) break;
  }
  const coefficients: Record<string, number> = {};
  names.forEach((f, j) => {
    if (coef[j]! > 0) coefficients[f] = coef[j]!;
  });
  let max = 0;
  let sq = 0;
  for (const s of samples) {
    const e = (predict(coefficients, s.features) - s.count) / s.count;
    max = Math.max(max, Math.abs(e));
    sq += e * e;
  }
  return { coefficients, maxRelError: max, rmsRelError: Math.sqrt(sq / samples.length) };
}
