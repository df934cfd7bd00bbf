// Pruning on the wire: the train config's `prune` (request) and the run results' `pruning` (response). zod and
// types only (the web bundles this); the values mirror bnn-core's PruneOptionsSchema, which a test checks.
import type { PruneMethod, PruneScope } from '@bnn-studio/bnn-core';
import { z } from 'zod';

/** bnn-core's PRUNE_METHODS (how channels are scored; see packages/bnn-core/src/prune/options.ts). */
export const PRUNE_METHODS = ['weight', 'bn', 'bn-weight'] as const satisfies readonly PruneMethod[];
/** bnn-core's PRUNE_SCOPES. */
export const PRUNE_SCOPES = ['layer', 'global'] as const satisfies readonly PruneScope[];
/** bnn-core's MAX_PRUNE_FRACTION. */
export const MAX_PRUNE_FRACTION = 0.9;

/**
 * `config.prune` of POST /api/runs (server runs): after training, `fraction` of the output channels of every
 * prunable binary layer is removed (scored by `method`, per layer or `global`), `blocks` of the removable
 * residual blocks are dropped whole, and the pruned model is fine-tuned `fineTuneEpochs` epochs with the run's
 * recipe. The run then belongs to the pruned architecture version.
 */
export const PruneRequest = z.strictObject({
  fraction: z.number().gt(0).max(MAX_PRUNE_FRACTION),
  method: z.enum(PRUNE_METHODS).optional(),
  scope: z.enum(PRUNE_SCOPES).optional(),
  blocks: z.number().min(0).max(1).optional(),
  fineTuneEpochs: z.number().int().min(0).max(1000).optional(),
});
export type PruneRequest = z.infer<typeof PruneRequest>;

/** `results.pruning` of a pruned run: what was removed and the version the run trained before pruning. */
export const RunPruning = z.object({
  originalArchitectureVersionId: z.string(),
  binaryMacsBefore: z.number(),
  binaryMacsAfter: z.number(),
  /** (before − after) / before. */
  binaryMacsRemoved: z.number(),
  packedBytesBefore: z.number(),
  packedBytesAfter: z.number(),
  layers: z.array(z.object({ producers: z.array(z.string()), before: z.number(), after: z.number() })),
  removedBlocks: z.array(z.string()),
  /** Test accuracy of the trained model before pruning, and of the pruned one before fine-tuning. */
  accuracyBeforePruning: z.number().nullable(),
  accuracyBeforeFineTune: z.number().nullable(),
  fineTuneEpochs: z.number().int(),
});
export type RunPruning = z.infer<typeof RunPruning>;
