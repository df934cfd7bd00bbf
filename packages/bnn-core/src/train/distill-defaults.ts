/**
 * Default distillation settings (temperature T, weight α, warm-up epochs of the weight's linear ramp), chosen by
 * measurement: `src/bench/distill.ts` (mnist-tiny, float twin as teacher, built-in MNIST split) documents the
 * attempts and figures. Pure data (no tfjs): the API, the CLI and the web form show these as their defaults.
 */
export const DISTILL_DEFAULTS = { temperature: 4, alpha: 0.5, warmupEpochs: 0, attention: 0 } as const;
