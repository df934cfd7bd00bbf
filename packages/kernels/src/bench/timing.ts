/**
 * Timing helpers of the benchmark, free of Node APIs so the same code times the Chromium leg in the page.
 * Each returns the best per-call time over rounds: the minimum filters out other processes' noise.
 */

/** Best per-call time (ms) of `fn`, sampled in rounds of ≥ `roundMs` (the min filters other processes' noise). */
export function timeMs(fn: () => void, rounds = 7, roundMs = 60): number {
  fn();
  // calibrate: repetitions per round so that a round lasts about roundMs
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t;
    if (dt >= roundMs / 4 || reps >= 1 << 20) {
      reps = Math.max(1, Math.round((reps * roundMs) / Math.max(dt, 1e-3)));
      break;
    }
    reps *= 2;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t) / reps);
  }
  return best;
}

/**
 * Best per-call times (ms) of several functions measured in alternating rounds, so that load from other
 * processes on a shared machine hits ours and the baseline alike (the minimum filters out the noise).
 */
export function timeSideBySide(fns: (() => void)[], rounds = 25, roundMs = 30): number[] {
  const reps = fns.map((fn) => {
    fn();
    let n = 1;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      const dt = performance.now() - t;
      if (dt >= roundMs / 4 || n >= 1 << 20)
        return Math.max(1, Math.round((n * roundMs) / Math.max(dt, 1e-3)));
      n *= 2;
    }
  });
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
