/**
 * Default distillation settings (temperature T, weight α, warm-up epochs of the weight's linear ramp, attention
 * matching weight). `src/bench/distill.ts` documents the measurement (mnist-tiny, float twin as teacher, built-in
 * MNIST split, 3 seeds): no variant measured gained over training alone, so these are Hinton's usual T=4, α=0.5
 * (the better of the measured variants), without warm-up or attention matching. Pure data (no tfjs): the API, the
 * CLI and the web form show these as their defaults.
 */
export const DISTILL_DEFAULTS = { temperature: 4, alpha: 0.5, warmupEpochs: 0, attention: 0 } as const;
