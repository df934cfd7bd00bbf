import type { ServiceCtx } from '../context.js';
import { datasetDto } from './dto.js';
import {
  ensureBuiltinDatasets,
  FASHION_MNIST_DATASET,
  fashionMnistPresent,
} from './ensure-builtin-datasets.js';

export async function listDatasets(ctx: ServiceCtx) {
  let rows = await ctx.db.dataset.findMany({ orderBy: { createdAt: 'asc' } });
  const missing = (id: string) => !rows.some((r) => r.id === id);
  if (missing('mnist') || (missing(FASHION_MNIST_DATASET.id) && fashionMnistPresent())) {
    await ensureBuiltinDatasets(ctx.db);
    rows = await ctx.db.dataset.findMany({ orderBy: { createdAt: 'asc' } });
  }
  // Built-ins first (MNIST, then Fashion-MNIST: they are created in the same instant), then by creation time.
  const rank = (id: string) => (id === 'mnist' ? 0 : id === FASHION_MNIST_DATASET.id ? 1 : 2);
  // The row imported runs point at (services/imports) is not a dataset anyone can train on.
  return rows
    .filter((r) => r.kind !== 'imported')
    .sort((a, b) => rank(a.id) - rank(b.id))
    .map(datasetDto);
}
