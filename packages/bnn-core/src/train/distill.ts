/**
 * Knowledge distillation loss (Hinton, Vinyals & Dean 2015, "Distilling the knowledge in a neural network"; the
 * label refinery of Xnor.ai and the real-valued teacher of Real-to-Binary Net, Martinez et al. 2020):
 *
 *   L = (1 − w)·CE(y, softmax(s)) + w·T²·KL(softmax(t/T) ‖ softmax(s/T))
 *
 * with student logits s, teacher logits t, temperature T and distillation weight w. The T² factor keeps the soft
 * term's gradient on the scale of the hard term's: ∂(T²·KL)/∂s = T·(softmax(s/T) − softmax(t/T)), so changing T
 * does not rescale the learning rate. w ramps linearly from 0 to α over the first `warmupEpochs` student epochs
 * (`distillationWeight`): a binary student whose latent weights are still random first learns from the labels.
 */
import * as tf from '@tensorflow/tfjs';

export interface DistillationSettings {
  temperature: number;
  alpha: number;
  warmupEpochs: number;
}

/**
 * The distillation weight w at a student step (0-based `step` within the student phase): α·min(1, (step + 1) /
 * (warmupEpochs · stepsPerEpoch)), or α without warm-up.
 */
export function distillationWeight(d: DistillationSettings, step: number, stepsPerEpoch: number): number {
  const rampSteps = d.warmupEpochs * stepsPerEpoch;
  if (rampSteps <= 0) return d.alpha;
  return d.alpha * Math.min(1, (step + 1) / rampSteps);
}

/**
 * The distillation loss (a scalar, batch mean) of student `logits` against teacher logits `teacher` and one-hot
 * labels `ys`, with temperature `T` and distillation weight `w` (0 = plain cross-entropy, 1 = soft targets only).
 */
export function distillationLoss(
  logits: tf.Tensor,
  teacher: tf.Tensor,
  ys: tf.Tensor,
  T: number,
  w: number,
): tf.Scalar {
  return tf.tidy(() => {
    const ce = tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
    if (w <= 0) return ce;
    const pT = tf.softmax(tf.div(teacher, T));
    const logPT = tf.logSoftmax(tf.div(teacher, T));
    const logPS = tf.logSoftmax(tf.div(logits, T));
    const kl = tf.mean(tf.sum(tf.mul(pT, tf.sub(logPT, logPS)), -1));
    const soft = tf.mul(T * T, kl);
    return (w >= 1 ? soft : tf.add(tf.mul(1 - w, ce), tf.mul(w, soft))) as tf.Scalar;
  });
}
