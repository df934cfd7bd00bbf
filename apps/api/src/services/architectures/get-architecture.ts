import { notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { architectureDto, versionDto } from './dto.js';

export async function getArchitecture(ctx: ServiceCtx, id: string) {
  const a = await ctx.db.architecture.findUnique({
    where: { id },
    include: { versions: { orderBy: { version: 'asc' } } },
  });
  if (!a) throw notFound('Architecture', id);
  return { ...architectureDto(a), versions: a.versions.map((v) => versionDto(v, true)) };
}
