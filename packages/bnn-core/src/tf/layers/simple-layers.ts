/**
 * Small custom layers without weights: Larq's hard_tanh / leaky_tanh activations, the Input node's
 * normalisation and a Dropout whose mask changes every step yet is reproducible from the seed.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type Kwargs = Record<string, unknown>;

const one = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;

/** y = clamp(x, −1, 1) (larq.activations.hard_tanh). */
export class HardTanh extends tf.layers.Layer {
  static className = 'BnnHardTanh';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clipByValue(one(inputs), -1, 1);
  }
}
tf.serialization.registerClass(HardTanh);

/** y = clamp(x, −1, 1) + α·(x − clamp(x, −1, 1)) (larq.activations.leaky_tanh). */
export class LeakyTanh extends tf.layers.Layer {
  static className = 'BnnLeakyTanh';
  readonly alpha: number;
  constructor(config: { alpha: number } & LayerArgs) {
    super(config);
    this.alpha = config.alpha;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const c = tf.clipByValue(x, -1, 1);
      return tf.add(c, tf.mul(this.alpha, tf.sub(x, c)));
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(LeakyTanh);

/** x' = (x − mean) / std, the Input node's optional normalisation. */
export class InputNormalization extends tf.layers.Layer {
  static className = 'BnnInputNormalization';
  readonly mean: number;
  readonly std: number;
  constructor(config: { mean: number; std: number } & LayerArgs) {
    super(config);
    this.mean = config.mean;
    this.std = config.std;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.div(tf.sub(one(inputs), this.mean), this.std));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std };
  }
}
tf.serialization.registerClass(InputNormalization);

/**
 * Inverted dropout (Keras semantics: scale kept units by 1/(1−rate) in training, identity at inference). The
 * mask's seed is `seed + step`, where `step` is set by the trainer before every batch (`setDropoutStep`), so
 * masks differ per step but a run is reproducible and resumable.
 */
let dropoutStep = 0;
export function setDropoutStep(step: number): void {
  dropoutStep = step;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'BnnDropout';
  readonly rate: number;
  readonly seed: number;
  constructor(config: { rate: number; seed?: number } & LayerArgs) {
    super(config);
    this.rate = config.rate;
    this.seed = config.seed ?? 0;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = one(inputs);
    if (!kwargs.training || this.rate <= 0) return tf.clone(x);
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const u = tf.randomUniform(
        x.shape,
        0,
        1,
        'float32',
        (this.seed * 7919 + dropoutStep * 104729) % 2 ** 31,
      );
      const mask = tf.cast(tf.less(u, keep), 'float32');
      return tf.div(tf.mul(x, mask), keep);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
