import type { ServiceCtx } from '../context.js';
import { datasetDto } from './dto.js';
import { ensureBuiltinDatasets } from './ensure-builtin-datasets.js';

export async function listDatasets(ctx: ServiceCtx) {
  let rows = await ctx.db.dataset.findMany({ orderBy: { createdAt: 'asc' } });
  if (!rows.some((r) => r.id === 'mnist')) {
    await ensureBuiltinDatasets(ctx.db);
    rows = await ctx.db.dataset.findMany({ orderBy: { createdAt: 'asc' } });
  }
  return rows.map(datasetDto);
}
