import { notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { versionDto } from './dto.js';

export async function getArchitectureVersion(ctx: ServiceCtx, id: string) {
  const v = await ctx.db.architectureVersion.findUnique({ where: { id }, include: { architecture: true } });
  if (!v) throw notFound('Architecture version', id);
  return { ...versionDto(v, true), architectureName: v.architecture.name };
}
