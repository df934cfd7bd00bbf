/**
 * Keras BatchNormalization over the last axis, written out because tfjs-layers' own layer crashes in training
 * when `scale` or `center` is false (it reads the missing gamma/beta).
 *
 * Training:  y = (x − μ_B)/√(σ²_B + ε)·γ + β with batch statistics over all axes but the last (biased
 *            variance), and moving_mean ← m·moving_mean + (1 − m)·μ_B (likewise moving_variance).
 * Inference: y = (x − moving_mean)/√(moving_variance + ε)·γ + β.
 * γ = 1 when `scale` is false, β = 0 when `center` is false (those variables do not exist then).
 *
 * Between `beginAveraging()` and `endAveraging()` a training-mode call replaces the exponential moving average by
 * the exact running mean of the batch statistics seen (moving ← (k·moving + batch)/(k + 1) for the k-th batch,
 * k from 0): `recalibrateBatchNorm` (src/train/recalibrate.ts) re-estimates the statistics of final weights so.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

export interface BatchNormConfig {
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
}

export class BatchNorm extends tf.layers.Layer {
  static className = 'BnnBatchNormalization';
  readonly cfg: BatchNormConfig;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean: LayerVariable | null = null;
  private movingVariance: LayerVariable | null = null;
  /** Batches averaged so far while averaging (null: the exponential moving average of Keras). */
  private averaged: number | null = null;

  constructor(config: BatchNormConfig & LayerArgs) {
    super(config);
    this.cfg = {
      momentum: config.momentum,
      epsilon: config.epsilon,
      center: config.center,
      scale: config.scale,
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1] as number;
    if (this.cfg.scale) this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    if (this.cfg.center) this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight(
      'moving_mean',
      [c],
      'float32',
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      'moving_variance',
      [c],
      'float32',
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  /** Training-mode calls from now on average batch statistics exactly, starting from the next batch. */
  beginAveraging(): void {
    this.averaged = 0;
  }

  /** Back to the exponential moving average with `momentum`. */
  endAveraging(): void {
    this.averaged = null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    const { epsilon, momentum } = this.cfg;
    return tf.tidy(() => {
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs.training) {
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        const mom = tf.moments(x, axes);
        mean = mom.mean;
        variance = mom.variance;
        const k = this.averaged;
        const m = k === null ? momentum : k / (k + 1);
        const update = (v: LayerVariable, batch: tf.Tensor) =>
          tf.tidy(() => {
            const old = v.read();
            v.write(tf.add(tf.mul(old, m), tf.mul(batch, 1 - m)));
          });
        update(this.movingMean!, mean);
        update(this.movingVariance!, variance);
        if (k !== null) this.averaged = k + 1;
      } else {
        mean = this.movingMean!.read();
        variance = this.movingVariance!.read();
      }
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
      if (this.gamma) y = tf.mul(y, this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.cfg as unknown as tf.serialization.ConfigDict) };
  }
}
tf.serialization.registerClass(BatchNorm);
