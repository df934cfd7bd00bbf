import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_ID,
  FASHION_MNIST_LABELS,
} from '@bnn-studio/bnn-core';
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

/** Fashion-MNIST from Debian's dataset-fashion-mnist: the official 60,000 train / 10,000 test split. */
export const FASHION_MNIST_DATASET = {
  id: FASHION_MNIST_ID,
  name: 'Fashion-MNIST (60,000 train + 10,000 test)',
  kind: 'builtin',
  status: 'ready',
  storagePath: null,
  bytes: 0,
  samples: 70_000,
  numClasses: 10,
  shapeJson: JSON.stringify([28, 28, 1]),
  labelsJson: JSON.stringify(FASHION_MNIST_LABELS),
};

/** The directory Fashion-MNIST is read from: $BNN_FASHION_MNIST_DIR or Debian's. */
export function fashionMnistDir(): string {
  return process.env.BNN_FASHION_MNIST_DIR?.trim() || FASHION_MNIST_DIR;
}

/** True when the four IDX files of Fashion-MNIST are installed. */
export function fashionMnistPresent(): boolean {
  const dir = fashionMnistDir();
  return Object.values(FASHION_MNIST_FILES).every((f) => existsSync(join(dir, f)));
}

/**
 * The built-in datasets are listed (and referenced by runs) as rows like any other: MNIST always, Fashion-MNIST
 * when its package is installed.
 */
export async function ensureBuiltinDatasets(db: DbTx): Promise<void> {
  await db.dataset.upsert({ where: { id: MNIST_DATASET.id }, create: MNIST_DATASET, update: {} });
  if (fashionMnistPresent())
    await db.dataset.upsert({
      where: { id: FASHION_MNIST_DATASET.id },
      create: FASHION_MNIST_DATASET,
      update: {},
    });
}
