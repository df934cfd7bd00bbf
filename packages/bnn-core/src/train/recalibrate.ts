/**
 * BatchNorm re-estimation: the moving statistics of every BatchNormalization layer recomputed for the current
 * (final) weights as the exact mean of the batch statistics over training batches, without augmentation and
 * without changing a weight.
 *
 * Why: a binary network's latent weights keep crossing zero until the learning rate is tiny, so the exponential
 * moving averages (momentum 0.99 ≈ the last 100 batches) describe a mixture of recent networks, not the one that
 * is kept; in inference mode the sign thresholds after each BatchNorm are then off. In a diagnostic 10-epoch run
 * of larq-mnist (seed 2, built-in split; flip ratio ≈ 1e-3 per step) the test accuracy of epochs 3–8 went from
 * 79–93 % to 94–97 % with the statistics re-estimated over 50 batches of 128.
 * Over three 30-epoch seeds the recipe's final test accuracy went from 97.29 ± 0.83 to 98.14 ± 0.13 %. It does not
 * help where the moving averages already fit (fashion-mnist-bnn's former 2-epoch recipe on 60,000 images: 88.21 → 88.18 %).
 * Only training data is read (the test split never chooses anything).
 */
import * as tf from '@tensorflow/tfjs';
import { type Dataset, sampleSize } from '../data/dataset.js';
import type { Rng } from '../math/rng.js';
import { modelInfo } from '../tf/build-model.js';
import { BatchNorm } from '../tf/layers/batch-norm.js';

/**
 * Re-estimates the BatchNorm statistics of `model` on `batches` batches of `batchSize` samples of `data`, drawn
 * without replacement in the order of a permutation from `rng` (fewer when `data` is smaller). Returns the number
 * of batches used (0 when the model has no BatchNorm layer).
 */
export function recalibrateBatchNorm(
  model: tf.LayersModel,
  data: Dataset,
  batches: number,
  batchSize: number,
  rng: Rng,
): number {
  const bns = model.layers.filter((l): l is BatchNorm => l instanceof BatchNorm);
  if (bns.length === 0 || batches <= 0) return 0;
  const n = data.y.length;
  const bs = Math.max(1, Math.min(batchSize, n));
  const count = Math.min(batches, Math.floor(n / bs));
  const per = sampleSize(data);
  const perm = rng.permutation(n);
  const logits = modelInfo(model).logitsModel;
  for (const bn of bns) bn.beginAveraging();
  try {
    for (let b = 0; b < count; b++) {
      const xb = new Float32Array(bs * per);
      for (let i = 0; i < bs; i++) {
        const j = perm[b * bs + i] as number;
        xb.set(data.x.subarray(j * per, (j + 1) * per), i * per);
      }
      tf.tidy(() => {
        logits.apply(tf.tensor(xb, [bs, ...data.shape]), { training: true });
      });
    }
  } finally {
    for (const bn of bns) bn.endAveraging();
  }
  return count;
}
