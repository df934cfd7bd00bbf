import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

/** An artifact row whose file is in the store; downloads never read anything else. */
export async function getArtifact(ctx: ServiceCtx, id: string) {
  const a = await ctx.db.artifact.findUnique({ where: { id } });
  if (!a) throw notFound('Artifact', id);
  if (!ctx.store.has(a.sha256))
    throw new ApiError(
      410,
      'artifact_missing',
      `The file of artifact '${id}' is no longer in the store.`,
      'Export again.',
    );
  return a;
}
