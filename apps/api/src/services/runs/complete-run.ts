import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';
import { readWeights } from './weights.js';

export interface CompleteInput {
  /** serializeWeights bytes, or their base64 (the JSON form). */
  weights: Uint8Array | string;
  finalAccuracy?: number;
  finalLoss?: number;
  epochs?: number;
  results?: Record<string, unknown>;
}

/** A browser run finishes: its final weights (serializeWeights bytes) go to the artifact store. */
export async function completeRun(ctx: ServiceCtx, runId: string, input: CompleteInput) {
  const run = await ctx.db.run.findUnique({ where: { id: runId } });
  if (!run) throw notFound('Run', runId);
  if (run.location !== 'browser')
    throw new ApiError(
      409,
      'server_run',
      'Server runs are completed by their worker.',
      'Complete only browser runs.',
    );
  if (run.status !== 'running')
    throw new ApiError(
      409,
      'run_not_running',
      `Run '${runId}' is ${run.status}.`,
      'Create a new run to train again.',
    );
  // Decoded and checked in a worker thread when large (weights.ts): the event loop keeps answering meanwhile.
  const weights = await readWeights(input.weights);
  ctx.cache.invalidate();
  const { sha256, bytes } = await ctx.store.putShared(
    weights,
    ctx.config.provider === 'postgresql' ? ctx.db.blob : undefined,
  );
  const finishedAt = new Date();
  const updated = await ctx.db.$transaction(async (tx) => {
    await tx.artifact.create({
      data: {
        id: `art_w_${sha256.slice(0, 24)}_${runId.slice(-8)}`,
        sha256,
        bytes,
        kind: 'weights',
        filename: `${runId}.weights`,
        mediaType: 'application/octet-stream',
        runId,
      },
    });
    const n = await tx.run.updateMany({
      where: { id: runId, status: 'running' },
      data: {
        status: 'completed',
        finishedAt,
        durationMs: run.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
        finalAccuracy: input.finalAccuracy ?? null,
        finalLoss: input.finalLoss ?? null,
        epochsDone: input.epochs ?? run.epochsDone,
        weightsSha256: sha256,
        resultJson: input.results ? JSON.stringify(input.results) : null,
      },
    });
    if (n.count !== 1)
      throw new ApiError(
        409,
        'run_not_running',
        `Run '${runId}' changed state meanwhile.`,
        'Reload the run.',
      );
    return tx.run.findUniqueOrThrow({ where: { id: runId } });
  });
  ctx.cache.invalidate();
  return runDto(updated, true);
}
