/**
 * Default distillation settings (temperature T, weight α, warm-up epochs of the weight's linear ramp, attention
 * matching weight). docs/distillation.md holds the measurements (`src/bench/distill.ts`, mnist-tiny, float teacher,
 * built-in MNIST split): with the full 25-epoch recipe T=4, α=0.5 gained +0.13 points over seeds 1, 2, 3 (98.38 vs
 * 98.25 %; paired +0.45, −0.20, +0.15); with 6 epochs no variant gained (T=4 α=0.5 −0.05, T=2 α=0.9 warm-up 1 −0.10,
 * attention β=1 −0.55, 3 seeds). So Hinton's T=4, α=0.5, without warm-up or attention matching. Pure data (no
 * tfjs): the API, the CLI and the web form show these as their defaults.
 */
export const DISTILL_DEFAULTS = { temperature: 4, alpha: 0.5, warmupEpochs: 0, attention: 0 } as const;
