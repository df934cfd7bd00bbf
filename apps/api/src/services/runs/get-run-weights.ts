import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

/** The trained weights (serializeWeights bytes) of a run that has them, from the artifact store or DB blobs. */
export async function loadWeightBytes(
  ctx: Pick<ServiceCtx, 'db' | 'store' | 'config'>,
  run: { id: string; status: string; weightsSha256: string | null },
): Promise<{ sha256: string; bytes: Uint8Array }> {
  const bytes = run.weightsSha256
    ? await ctx.store.fetchShared(
        run.weightsSha256,
        ctx.config.provider === 'postgresql' ? ctx.db.blob : undefined,
      )
    : null;
  if (!run.weightsSha256 || !bytes)
    throw new ApiError(
      409,
      'no_weights',
      `Run '${run.id}' has no trained weights (status ${run.status}).`,
      'Use a completed run.',
    );
  return { sha256: run.weightsSha256, bytes };
}

/** `GET /api/runs/:id/weights`: what the playground runs in the page for runs trained on the server. */
export async function getRunWeights(ctx: ServiceCtx, runId: string) {
  const run = await ctx.db.run.findUnique({
    where: { id: runId },
    select: { id: true, status: true, weightsSha256: true },
  });
  if (!run) throw notFound('Run', runId);
  return loadWeightBytes(ctx, run);
}
