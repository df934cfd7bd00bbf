import type { DbTx } from '../../db/client.js';

export const MNIST_DATASET = {
  id: 'mnist',
  name: 'MNIST (10,000 labelled digits)',
  kind: 'builtin',
  status: 'ready',
  storagePath: null,
  bytes: 0,
  samples: 10_000,
  numClasses: 10,
  shapeJson: JSON.stringify([28, 28, 1]),
  labelsJson: JSON.stringify(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
};

/** The built-in MNIST dataset is always listed (and referenced by runs), so it is a row like any other. */
export async function ensureBuiltinDatasets(db: DbTx): Promise<void> {
  await db.dataset.upsert({ where: { id: MNIST_DATASET.id }, create: MNIST_DATASET, update: {} });
}
