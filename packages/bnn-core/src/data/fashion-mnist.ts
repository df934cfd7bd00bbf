/**
 * Built-in Fashion-MNIST (Xiao et al. 2017): the full 60,000 training and 10,000 test images (28×28 grey, values
 * in [0, 1]) of Debian's `dataset-fashion-mnist` package, read from its IDX files under
 * /usr/share/datasets/fashion-mnist (`dpkg -L dataset-fashion-mnist`). The official split is kept as it is:
 * `train` is the 60,000 training images in file order, `test` the official 10,000-image test set.
 *
 * Node only (reads files). `BNN_FASHION_MNIST_DIR` points elsewhere (a directory with the same four files).
 * When the package is missing, `loadFashionMnist` throws a `FashionMnistMissingError` whose message is the one
 * apt command that installs it.
 */
import { nodeBuiltin } from '../tf/backend/init-backend.js';
import {
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_INSTALL,
  FASHION_MNIST_LABELS,
} from './builtin-datasets.js';
import type { Dataset } from './dataset.js';
import { loadIdx } from './idx.js';

const FILES = FASHION_MNIST_FILES;

export class FashionMnistMissingError extends Error {
  readonly code = 'fashion_mnist_missing';
  readonly fix = FASHION_MNIST_INSTALL;
  constructor(dir: string, missing: string) {
    super(
      `Fashion-MNIST is not installed: ${dir}/${missing} does not exist. Install it with: ${FASHION_MNIST_INSTALL}`,
    );
    this.name = 'FashionMnistMissingError';
  }
}

/** The directory the IDX files are read from ($BNN_FASHION_MNIST_DIR or Debian's). */
export function fashionMnistDir(): string {
  const env = typeof process !== 'undefined' ? process.env.BNN_FASHION_MNIST_DIR : undefined;
  return env?.trim() || FASHION_MNIST_DIR;
}

/** The first of the four IDX files that is missing, or null when all are there. */
function missingFile(dir: string): string | null {
  const fs = nodeBuiltin<typeof import('node:fs')>('fs');
  for (const f of Object.values(FILES)) if (!fs.existsSync(`${dir}/${f}`)) return f;
  return null;
}

/** True when the four IDX files are present (Node only; false in a browser). */
export function fashionMnistAvailable(dir = fashionMnistDir()): boolean {
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  return missingFile(dir) === null;
}

let cache: { dir: string; train: Dataset; test: Dataset } | null = null;

/** The official split; throws `FashionMnistMissingError` (message = the apt command) when not installed. */
export function loadFashionMnist(dir = fashionMnistDir()): { train: Dataset; test: Dataset } {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      'bnn-core/data: loadFashionMnist() runs in Node only; in a browser load the IDX files with loadIdx()',
    );
  }
  if (!cache || cache.dir !== dir) {
    const missing = missingFile(dir);
    if (missing) throw new FashionMnistMissingError(dir, missing);
    const fs = nodeBuiltin<typeof import('node:fs')>('fs');
    const read = (f: string) => new Uint8Array(fs.readFileSync(`${dir}/${f}`));
    const load = (images: string, labels: string, name: string) =>
      loadIdx(read(images), read(labels), {
        name,
        imagesFile: images,
        labelsFile: labels,
        labels: FASHION_MNIST_LABELS,
      });
    cache = {
      dir,
      train: load(FILES.trainImages, FILES.trainLabels, 'fashion-mnist-train'),
      test: load(FILES.testImages, FILES.testLabels, 'fashion-mnist-test'),
    };
  }
  return { train: copy(cache.train), test: copy(cache.test) };
}

function copy(d: Dataset): Dataset {
  return { ...d, x: d.x.slice(), y: d.y.slice(), shape: d.shape.slice(), labels: d.labels.slice() };
}
