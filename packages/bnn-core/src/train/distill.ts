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
  /** Weight of attention matching (0 = off). */
  attention?: number;
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

/**
 * Attention matching (Zagoruyko & Komodakis 2017, as Real-to-Binary Net uses it between a real-valued teacher and
 * a binary student): for each matched pair of feature maps A ([b, h, w, c]) the spatial attention
 * Q = Σ_c A_c², flattened and L2-normalised per sample; the loss is the batch mean of ‖Q_s/‖Q_s‖ − Q_t/‖Q_t‖‖₂,
 * summed over the pairs. 0 for no pairs.
 */
export function attentionLoss(student: tf.Tensor[], teacher: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    const att = (a: tf.Tensor) => {
      const q = tf.sum(tf.square(a), -1).reshape([a.shape[0]!, -1]);
      return tf.div(q, tf.add(tf.norm(q, 'euclidean', -1, true), 1e-12));
    };
    student.forEach((s, i) => {
      const d = tf.sub(att(s), att(teacher[i]!));
      total = tf.add(total, tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(d), -1), 1e-12))));
    });
    return total as tf.Scalar;
  });
}

/**
 * Where a student and its teacher can be matched for attention: ids of nodes present in both graphs whose output
 * feeds a layer with an input quantizer in the student (the real-valued activations a binary layer signs) and
 * has the same rank-4 shape in both models ([b, h, w, c]; "where shapes allow").
 */
export function attentionPoints(
  studentGraph: {
    nodes: { id: string; params: Record<string, unknown> }[];
    edges: { source: string; target: string }[];
  },
  student: Map<string, tf.layers.Layer>,
  teacher: Map<string, tf.layers.Layer>,
): string[] {
  const quantized = new Set(
    studentGraph.nodes
      .filter((n) => n.params.input_quantizer != null && n.params.input_quantizer !== 'noop')
      .map((n) => n.id),
  );
  const ids = new Set(studentGraph.edges.filter((e) => quantized.has(e.target)).map((e) => e.source));
  return [...ids].filter((id) => {
    const s = student.get(id)?.output as tf.SymbolicTensor | undefined;
    const t = teacher.get(id)?.output as tf.SymbolicTensor | undefined;
    if (!s || !t || Array.isArray(s) || Array.isArray(t) || s.shape.length !== 4) return false;
    return s.shape.every((d, i) => d === t.shape[i]);
  });
}
