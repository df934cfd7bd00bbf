import { z } from 'zod';

/**
 * How channels are scored (lower = pruned first), per producer, each producer's scores divided by their mean so
 * producers tied by an `Add` weigh alike (a tied channel's score is the sum over the space's producers):
 * - `bn`: network slimming (Liu et al. 2017): |γ| / √(σ² + ε) of the BatchNorm that follows the producer
 *   (γ = 1 for a BatchNorm without scale; the latent-weight score where no BatchNorm follows);
 * - `weight`: mean |latent weight| of the channel's kernel (L1 filter pruning, Li et al. 2017): latent weights
 *   near 0 are the binary weights that still flip;
 * - `bn-weight`: the product of the two.
 */
export const PRUNE_METHODS = ['bn', 'weight', 'bn-weight'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

/** `layer`: each prunable space loses `fraction` of its channels; `global`: the lowest `fraction` of all. */
export const PRUNE_SCOPES = ['layer', 'global'] as const;
export type PruneScope = (typeof PRUNE_SCOPES)[number];

/** Largest fraction of channels that may be removed (every pruned layer keeps at least one channel too). */
export const MAX_PRUNE_FRACTION = 0.9;

/**
 * Fine-tuning epochs after pruning by default: measured on mnist-tiny (seed 1, 30 % of the binary channels,
 * docs/pruning.md) 3 epochs of its recipe lost 0.80 points, 10 epochs 0.50.
 */
export const DEFAULT_FINE_TUNE_EPOCHS = 10;

/**
 * A run's pruning option: `fraction` of the output channels of binary layers removed (0 = none), how they are
 * scored and ranked, the fraction of removable residual blocks dropped whole, and the fine-tuning epochs after.
 */
export const PruneOptionsSchema = z.strictObject({
  fraction: z.number().min(0).max(MAX_PRUNE_FRACTION),
  method: z.enum(PRUNE_METHODS).default('weight'),
  scope: z.enum(PRUNE_SCOPES).default('layer'),
  blocks: z.number().min(0).max(1).default(0),
  fineTuneEpochs: z.number().int().min(0).max(1000).default(DEFAULT_FINE_TUNE_EPOCHS),
});
export type PruneOptions = z.output<typeof PruneOptionsSchema>;
export type PruneOptionsInput = z.input<typeof PruneOptionsSchema>;
