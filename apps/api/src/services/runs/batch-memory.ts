// The batch size bounded by what the model needs: training keeps every layer's activations for the backward pass
// plus their gradients and the backend's temporaries, about ACTIVATION_COPIES float32 copies of every node's
// output per sample (measured: mnist-tiny, 45,934 activation floats per sample, took ~1.1 MB per sample — 4.5 GB
// of RSS at batch 4096, which aborted the training thread). A batch over the budget is refused before the run is
// created, with the largest batch that fits.
import { ApiError } from '../../lib/errors.js';

const ACTIVATION_COPIES = 6;

export interface TrainingSummary {
  nodes?: Record<string, { outputShape: number[] | null }>;
}

/** Estimated training bytes per sample (0 when the summary has no shapes). */
export function trainingBytesPerSample(summary: TrainingSummary | null): number {
  let floats = 0;
  for (const n of Object.values(summary?.nodes ?? {}))
    if (n.outputShape) floats += n.outputShape.reduce((a, b) => a * b, 1);
  return floats * 4 * ACTIVATION_COPIES;
}

export function checkBatchMemory(
  summary: TrainingSummary | null,
  batchSize: number,
  budgetBytes: number,
): void {
  const perSample = trainingBytesPerSample(summary);
  if (perSample === 0 || perSample * batchSize <= budgetBytes) return;
  const maxBatch = Math.max(1, Math.floor(budgetBytes / perSample));
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  throw new ApiError(
    422,
    'batch_too_large',
    `batchSize ${batchSize} would need about ${mib(perSample * batchSize)} to train this model (${(perSample / 1024).toFixed(0)} KiB per sample); the limit is ${mib(budgetBytes)}.`,
    `Use batchSize ≤ ${maxBatch} (or raise BNN_STUDIO_MAX_TRAIN_MEMORY_BYTES on a machine with the memory).`,
    { maxBatchSize: maxBatch, bytesPerSample: perSample, limitBytes: budgetBytes },
  );
}
