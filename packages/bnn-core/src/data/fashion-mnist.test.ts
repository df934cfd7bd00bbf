import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_INSTALL, FASHION_MNIST_LABELS } from './builtin-datasets.js';
import { FashionMnistMissingError, fashionMnistAvailable, loadFashionMnist } from './fashion-mnist.js';
import { writeIdx } from './idx.js';

describe('loadFashionMnist', () => {
  it('names the one apt command when the package is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-missing-'));
    try {
      expect(fashionMnistAvailable(dir)).toBe(false);
      expect(() => loadFashionMnist(dir)).toThrow(FashionMnistMissingError);
      expect(() => loadFashionMnist(dir)).toThrow(FASHION_MNIST_INSTALL);
      expect(FASHION_MNIST_INSTALL).toBe('sudo apt-get install -y dataset-fashion-mnist');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reads the four gzip IDX files of a directory (train and test kept apart)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    try {
      const images = (n: number, v: number) =>
        gzipSync(writeIdx([n, 28, 28], new Uint8Array(n * 784).fill(v)));
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), images(3, 255));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(writeIdx([3], Uint8Array.of(0, 9, 4))));
      writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), images(2, 0));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(writeIdx([2], Uint8Array.of(1, 2))));
      expect(fashionMnistAvailable(dir)).toBe(true);
      const { train, test } = loadFashionMnist(dir);
      expect(Array.from(train.y)).toEqual([0, 9, 4]);
      expect(Array.from(test.y)).toEqual([1, 2]);
      expect(train.shape).toEqual([28, 28, 1]);
      expect(train.x[0]).toBe(1);
      expect(test.x[0]).toBe(0);
      expect(train.labels).toEqual(FASHION_MNIST_LABELS);
      expect(train.numClasses).toBe(10);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.runIf(fashionMnistAvailable())(
    'loads Debian’s dataset-fashion-mnist: 60,000 train + 10,000 test',
    () => {
      const { train, test } = loadFashionMnist();
      expect(train.y.length).toBe(60_000);
      expect(test.y.length).toBe(10_000);
      const counts = new Array(10).fill(0);
      for (const c of test.y) counts[c]++;
      expect(counts).toEqual(new Array(10).fill(1000));
    },
  );
});
