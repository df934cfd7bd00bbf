/**
 * Optimizers over tfjs variables, written out so their state can be checkpointed and so binary variables can
 * be routed to Bop (Larq's CaseOptimizer). Each keeps its slots by variable key (the layer variable's
 * original name, e.g. `quant_conv2d_4/kernel`, stable across rebuilds of the same graph).
 *
 * Adam (Kingma & Ba; Keras form):  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   w ← w − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
 * SGD with momentum (Keras form):  u ← μ·u − lr·g;  w ← w + u   (Nesterov: w ← w + μ·u − lr·g)
 * Bop (Helwegen et al. 2019, larq/optimizers.py):  m ← (1−γ)·m + γ·g;  w ← −w where w·m > τ, else w
 *   (Larq writes w ← sign(−tf.sign(w·m − τ)·w) with the outer sign(0) = +1, so w·m = τ exactly gives +1).
 *   The signs are taken by comparison (`signTf`), never `tf.sign`: tfjs-wasm's sign is 0 for |x| ≤ 1e-7, which
 *   with τ = 1e-8 would set almost every weight to +1. Binary weights stay ±1; the learning rate is unused.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../spec/graph-types.js';
import { signTf, signZeroPositive } from '../tf/quantizers.js';
import type { FloatOptimizerConfig, OptimizerConfig } from './config.js';

export interface TrainableVar {
  key: string;
  variable: tf.Variable;
  /** Latent kernel of a binary (precision-1) quantizer: goes to Bop under 'bop'/'case'. */
  binary: boolean;
}

export interface OptimizerState {
  step: number;
  slots: Record<string, NamedTensor>;
}

export interface Optimizer {
  /** Applies gradients (same order as `vars`) with learning rate `lr`. Disposes nothing it did not create. */
  apply(vars: TrainableVar[], grads: tf.Tensor[], lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}

class SlotStore {
  readonly slots = new Map<string, tf.Variable>();
  get(key: string, like: tf.Tensor): tf.Variable {
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, s);
    }
    return s;
  }
  export(prefix: string, out: Record<string, NamedTensor>): void {
    for (const [k, v] of this.slots) {
      out[`${prefix}:${k}`] = {
        shape: v.shape.slice(),
        data: Float32Array.from(v.dataSync() as Float32Array),
      };
    }
  }
  import(prefix: string, slots: Record<string, NamedTensor>): void {
    this.dispose();
    for (const [k, t] of Object.entries(slots)) {
      if (!k.startsWith(`${prefix}:`)) continue;
      this.slots.set(k.slice(prefix.length + 1), tf.variable(tf.tensor(t.data, t.shape), false));
    }
  }
  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

class Adam implements Optimizer {
  private m = new SlotStore();
  private v = new SlotStore();
  private t = 0;
  constructor(private cfg: Extract<FloatOptimizerConfig, { id: 'adam' }>) {}
  apply(vars: TrainableVar[], grads: tf.Tensor[], lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon } = this.cfg;
    const lrT = (lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    vars.forEach((tv, i) => {
      const g = grads[i]!;
      const m = this.m.get(tv.key, g);
      const v = this.v.get(tv.key, g);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        tv.variable.assign(tf.sub(tv.variable, tf.mul(lrT, tf.div(m1, tf.add(tf.sqrt(v1), epsilon)))));
      });
    });
  }
  getState(): OptimizerState {
    const slots: Record<string, NamedTensor> = {};
    this.m.export('adam_m', slots);
    this.v.export('adam_v', slots);
    return { step: this.t, slots };
  }
  setState(s: OptimizerState): void {
    this.t = s.step;
    this.m.import('adam_m', s.slots);
    this.v.import('adam_v', s.slots);
  }
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

class Sgd implements Optimizer {
  private u = new SlotStore();
  private t = 0;
  constructor(private cfg: Extract<FloatOptimizerConfig, { id: 'sgd' }>) {}
  apply(vars: TrainableVar[], grads: tf.Tensor[], lr: number): void {
    this.t += 1;
    const mu = this.cfg.momentum;
    vars.forEach((tv, i) => {
      const g = grads[i]!;
      if (mu === 0) {
        tf.tidy(() => tv.variable.assign(tf.sub(tv.variable, tf.mul(g, lr))));
        return;
      }
      const u = this.u.get(tv.key, g);
      tf.tidy(() => {
        const u1 = tf.sub(tf.mul(u, mu), tf.mul(g, lr));
        u.assign(u1);
        const step = this.cfg.nesterov ? tf.sub(tf.mul(u1, mu), tf.mul(g, lr)) : u1;
        tv.variable.assign(tf.add(tv.variable, step));
      });
    });
  }
  getState(): OptimizerState {
    const slots: Record<string, NamedTensor> = {};
    this.u.export('sgd_u', slots);
    return { step: this.t, slots };
  }
  setState(s: OptimizerState): void {
    this.t = s.step;
    this.u.import('sgd_u', s.slots);
  }
  dispose(): void {
    this.u.dispose();
  }
}

export class Bop implements Optimizer {
  private m = new SlotStore();
  private t = 0;
  constructor(private cfg: { threshold: number; gamma: number }) {}
  apply(vars: TrainableVar[], grads: tf.Tensor[]): void {
    this.t += 1;
    const { threshold, gamma } = this.cfg;
    vars.forEach((tv, i) => {
      const g = grads[i]!;
      const m = this.m.get(tv.key, g);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, 1 - gamma), tf.mul(g, gamma));
        m.assign(m1);
        const w = tv.variable;
        tv.variable.assign(signZeroPositive(tf.mul(tf.neg(signTf(tf.sub(tf.mul(w, m1), threshold))), w)));
      });
    });
  }
  getState(): OptimizerState {
    const slots: Record<string, NamedTensor> = {};
    this.m.export('bop_m', slots);
    return { step: this.t, slots };
  }
  setState(s: OptimizerState): void {
    this.t = s.step;
    this.m.import('bop_m', s.slots);
  }
  dispose(): void {
    this.m.dispose();
  }
}

function floatOptimizer(cfg: FloatOptimizerConfig): Optimizer {
  return cfg.id === 'adam' ? new Adam(cfg) : new Sgd(cfg);
}

/** Routes binary variables to Bop and the rest to a float optimizer (Larq's CaseOptimizer). */
class CaseOptimizer implements Optimizer {
  constructor(
    private bop: Bop,
    private fp: Optimizer,
  ) {}
  apply(vars: TrainableVar[], grads: tf.Tensor[], lr: number): void {
    const bv: TrainableVar[] = [];
    const bg: tf.Tensor[] = [];
    const fv: TrainableVar[] = [];
    const fg: tf.Tensor[] = [];
    vars.forEach((v, i) => {
      (v.binary ? bv : fv).push(v);
      (v.binary ? bg : fg).push(grads[i]!);
    });
    if (bv.length) this.bop.apply(bv, bg);
    if (fv.length) this.fp.apply(fv, fg, lr);
  }
  getState(): OptimizerState {
    const a = this.bop.getState();
    const b = this.fp.getState();
    return { step: b.step, slots: { ...a.slots, ...b.slots, '#bop_step': scalar(a.step) } };
  }
  setState(s: OptimizerState): void {
    const bopStep = s.slots['#bop_step']?.data[0] ?? s.step;
    this.bop.setState({ step: bopStep, slots: s.slots });
    this.fp.setState({ step: s.step, slots: s.slots });
  }
  dispose(): void {
    this.bop.dispose();
    this.fp.dispose();
  }
}

function scalar(v: number): NamedTensor {
  return { shape: [], data: Float32Array.of(v) };
}

const DEFAULT_ADAM: FloatOptimizerConfig = {
  id: 'adam',
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
};

export function createOptimizer(cfg: OptimizerConfig): Optimizer {
  switch (cfg.id) {
    case 'adam':
    case 'sgd':
      return floatOptimizer(cfg);
    case 'bop':
      return new CaseOptimizer(new Bop(cfg), floatOptimizer(cfg.fp ?? DEFAULT_ADAM));
    case 'case':
      return new CaseOptimizer(new Bop(cfg.bop), floatOptimizer(cfg.fp));
  }
}

/** Base learning rate of an optimizer config (the float optimizer's for 'bop'/'case'). */
export function baseLearningRate(cfg: OptimizerConfig): number {
  switch (cfg.id) {
    case 'adam':
    case 'sgd':
      return cfg.learningRate;
    case 'bop':
      return (cfg.fp ?? DEFAULT_ADAM).learningRate;
    case 'case':
      return cfg.fp.learningRate;
  }
}
