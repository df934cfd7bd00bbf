import { notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { datasetDto } from './dto.js';

export async function getDataset(ctx: ServiceCtx, id: string) {
  const d = await ctx.db.dataset.findUnique({ where: { id } });
  if (!d) throw notFound('Dataset', id);
  return datasetDto(d);
}
