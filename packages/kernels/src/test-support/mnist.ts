/** The MNIST test split of bnn-core's documented fixed split (2,004 real digits, 28×28, values in [0, 1]). */
import { loadMnist } from '@bnn-studio/bnn-core/tf';

export function mnistTestSplit(): { x: Float32Array; count: number } {
  const { test } = loadMnist();
  return { x: test.x, count: test.y.length };
}
