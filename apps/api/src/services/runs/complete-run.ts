import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';
import { readWeights } from './weights.js';

/** What a finished training reports, wherever it ran. */
export interface RunCompletion {
  /** serializeWeights bytes. */
  weights: Uint8Array;
  finalAccuracy: number | null;
  finalLoss: number | null;
  /** Completed epochs, when the trainer reports them at the end (a server job records them epoch by epoch). */
  epochs?: number;
  /** Test-set results (accuracy, confusion matrix, labels). */
  results: Record<string, unknown> | null;
  /** A pruned run moves to its pruned architecture version (and its packed size). */
  architectureVersionId?: string;
  packedBytes?: number | null;
}

/**
 * Records that a run completed — the one completion for server jobs and browser runs: the weights go to the
 * artifact store (and the database's blobs on Postgres, where workers may be on other machines), then in one
 * transaction the run becomes `completed` and its weights artifact is recorded. Only a run still `running` (and,
 * for a server job, still leased by `workerId`) completes; otherwise nothing is written and the answer is false.
 */
export async function completeRun(
  ctx: Pick<ServiceCtx, 'db' | 'store' | 'config' | 'runs'>,
  runId: string,
  done: RunCompletion,
  lease: { workerId?: string } = {},
): Promise<boolean> {
  const { sha256, bytes } = await ctx.store.putShared(
    done.weights,
    ctx.config.provider === 'postgresql' ? ctx.db.blob : undefined,
  );
  const finishedAt = new Date();
  return ctx.runs.transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: runId }, select: { startedAt: true } });
    const n = await tx.run.updateMany({
      where: { id: runId, status: 'running', ...(lease.workerId ? { workerId: lease.workerId } : {}) },
      data: {
        status: 'completed',
        finishedAt,
        durationMs: run?.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
        finalAccuracy: done.finalAccuracy,
        finalLoss: done.finalLoss,
        ...(done.epochs !== undefined ? { epochsDone: done.epochs } : {}),
        ...(done.architectureVersionId
          ? { architectureVersionId: done.architectureVersionId, packedBytes: done.packedBytes ?? null }
          : {}),
        weightsSha256: sha256,
        resultJson: done.results ? JSON.stringify(done.results) : null,
        heartbeatAt: finishedAt,
      },
    });
    if (n.count !== 1) return false;
    await tx.artifact.create({
      data: {
        id: newId('art'),
        sha256,
        bytes,
        kind: 'weights',
        filename: `${runId}.weights`,
        mediaType: 'application/octet-stream',
        runId,
      },
    });
    return true;
  });
}

export interface BrowserCompleteInput {
  /** serializeWeights bytes, or their base64 (the JSON form). */
  weights: Uint8Array | string;
  finalAccuracy?: number;
  finalLoss?: number;
  epochs?: number;
  results?: Record<string, unknown>;
}

/** `POST /api/runs/:id/complete`: a browser run finishes with its final weights (serializeWeights bytes). */
export async function completeBrowserRun(ctx: ServiceCtx, runId: string, input: BrowserCompleteInput) {
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
  const completed = await completeRun(ctx, runId, {
    weights,
    finalAccuracy: input.finalAccuracy ?? null,
    finalLoss: input.finalLoss ?? null,
    epochs: input.epochs ?? run.epochsDone,
    results: input.results ?? null,
  });
  if (!completed)
    throw new ApiError(409, 'run_not_running', `Run '${runId}' changed state meanwhile.`, 'Reload the run.');
  return runDto(await ctx.db.run.findUniqueOrThrow({ where: { id: runId } }), true);
}
