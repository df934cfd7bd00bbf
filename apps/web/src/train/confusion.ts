/** Confusion matrix and accuracy from class scores (row = true class, column = predicted). */
export function argmaxRows(scores: Float32Array, numClasses: number): Int32Array {
  const n = Math.floor(scores.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) {
      const v = scores[i * numClasses + c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t >= 0 && t < numClasses && p >= 0 && p < numClasses) m[t]![p]!++;
  }
  return m;
}

export function accuracyOf(matrix: number[][]): number {
  let hit = 0;
  let all = 0;
  for (let i = 0; i < matrix.length; i++) {
    const row = matrix[i]!;
    for (let j = 0; j < row.length; j++) {
      all += row[j]!;
      if (i === j) hit += row[j]!;
    }
  }
  return all ? hit / all : 0;
}

/** Top-k (index, score) pairs of one score vector, best first. */
export function topK(scores: ArrayLike<number>, k: number): Array<{ index: number; score: number }> {
  return Array.from(scores, (score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
