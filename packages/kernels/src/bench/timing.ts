/**
 * Timing helpers of the benchmark, free of Node APIs so the same code times the Chromium leg in the page.
 * Each returns the best per-call time over rounds: the minimum filters out other processes' noise.
 */

/** Calls `fn` once, then calibrates how many calls make a round of about `roundMs`. */
function repsPerRound(fn: () => void, roundMs: number): number {
  fn();
  for (let reps = 1; ; reps *= 2) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t;
    if (dt >= roundMs / 4 || reps >= 1 << 20)
      return Math.max(1, Math.round((reps * roundMs) / Math.max(dt, 1e-3)));
  }
}

/** Best per-call time (ms) of `fn`, sampled in rounds of ≥ `roundMs` (the min filters other processes' noise). */
export function timeMs(fn: () => void, rounds = 7, roundMs = 60): number {
  return timeSideBySide([fn], rounds, roundMs)[0]!;
}

/**
 * Best per-call times (ms) of several functions measured in alternating rounds, so that load from other
 * processes on a shared machine hits ours and the baseline alike (the minimum filters out the noise).
 */
export function timeSideBySide(fns: (() => void)[], rounds = 25, roundMs = 30): number[] {
  const reps = fns.map((fn) => repsPerRound(fn, roundMs));
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t = performance.now();
      for (let k = 0; k < reps[i]!; k++) fn();
      best[i] = Math.min(best[i]!, (performance.now() - t) / reps[i]!);
    });
  }
  return best;
}
