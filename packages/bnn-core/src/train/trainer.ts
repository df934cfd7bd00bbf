/**
 * Framework-free training loop: `createTrainer({ graph, dataset, config, ... }) → { start, stop, destroy }`.
 * apps/web wraps it in a Web Worker and apps/api in a worker thread; it only needs an initialised tfjs
 * backend (`initBackend`). It yields to the event loop after every batch so `stop()` (and worker messages) are
 * seen promptly, and it keeps `tf.memory().numTensors` constant from one epoch to the next.
 */
import * as tf from '@tensorflow/tfjs';
import { checkDataset, type Dataset, sampleSize, subset } from '../data/dataset.js';
import { Rng } from '../math/rng.js';
import type { GraphSpec, WeightMap } from '../spec/graph-types.js';
import { bnnLayers, buildModel, floatTeacher, modelInfo } from '../tf/build-model.js';
import { setDropoutStep } from '../tf/layers/simple-layers.js';
import { signZeroPositive } from '../tf/quantizers.js';
import { extractWeights, loadWeights } from '../tf/weights.js';
import { augmentBatch } from './augment.js';
import { type Checkpoint, checkpointFromBytes, checkpointToBytes, type EpochMetrics } from './checkpoint.js';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from './config.js';
import { attentionLoss, attentionPoints, distillationLoss, distillationWeight } from './distill.js';
import { baseLearningRate, createOptimizer, type Optimizer, type TrainableVar } from './optimizers.js';
import { recalibrateBatchNorm } from './recalibrate.js';
import { learningRateAt } from './schedules.js';

export interface BatchMetrics {
  phase: 'teacher' | 'student';
  epoch: number;
  batch: number;
  batches: number;
  step: number;
  loss: number;
  accuracy: number;
  /** Fraction of binary weights whose sign changed in this step (null without binary weights). */
  flipRatio: number | null;
  learningRate: number;
}

export interface TrainerOptions {
  graph: GraphSpec;
  /** Training data; its per-sample shape must equal the graph Input's shape. */
  dataset: Dataset;
  /** Validation data; when absent, `config.validationSplit` holds out part of `dataset`. */
  validation?: Dataset;
  config: TrainConfigInput | TrainConfig;
  onBatchEnd?: (m: BatchMetrics) => void;
  onEpochEnd?: (m: EpochMetrics) => void;
  /** Called every `config.checkpointEvery` epochs; `toBytes()` serialises it (`checkpointToBytes`). */
  onCheckpoint?: (cp: Checkpoint, toBytes: () => Uint8Array) => void | Promise<void>;
  /** Continue a run from a checkpoint (object or bytes) made with the same graph and config. */
  resumeFrom?: Checkpoint | Uint8Array;
}

export interface TrainResult {
  /** 'completed': all epochs ran; 'stopped': stop() was called; 'early_stopped': patience ran out. */
  status: 'completed' | 'stopped' | 'early_stopped';
  history: EpochMetrics[];
  /** Final weights (the best epoch's when early stopping restores them; BatchNorm statistics re-estimated with `recalibrateBatchNorm`). */
  weights: WeightMap;
  bestEpoch: number | null;
  /** Completed student epochs. */
  epochs: number;
  checkpoint: Checkpoint;
}

export interface Trainer {
  start(): Promise<TrainResult>;
  stop(): void;
  destroy(): void;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

function inputShapeOf(graph: GraphSpec): number[] {
  const input = graph.nodes.find((n) => n.type === 'Input');
  const shape = input?.params.shape;
  return Array.isArray(shape) ? shape.map(Number) : [];
}

/** Loss and accuracy of a model on a dataset (inference mode), in batches. */
export function evaluateModel(
  model: tf.LayersModel,
  data: Dataset,
  batchSize = 256,
): { loss: number; accuracy: number } {
  const logitsModel = modelInfo(model).logitsModel;
  const per = sampleSize(data);
  const n = data.y.length;
  if (n === 0) return { loss: Number.NaN, accuracy: Number.NaN };
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const [l, c] = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(s * per, (s + m) * per), [m, ...data.shape]);
      const labels = tf.tensor1d(data.y.subarray(s, s + m), 'int32');
      const logits = logitsModel.apply(xs, { training: false }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(
        tf.oneHot(labels, data.numClasses),
        logits,
        undefined,
        undefined,
        tf.Reduction.SUM,
      );
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'));
      return [loss.dataSync()[0]!, hits.dataSync()[0]!];
    });
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

/** Test-set loss and accuracy of trained weights. */
export function evaluate(
  graph: GraphSpec,
  weights: WeightMap,
  data: Dataset,
): { loss: number; accuracy: number } {
  const model = buildModel(graph, { seed: 0 });
  try {
    loadWeights(model, weights);
    return evaluateModel(model, data);
  } finally {
    model.dispose();
  }
}

interface Session {
  model: tf.LayersModel;
  optimizer: Optimizer;
  vars: TrainableVar[];
  binaryVars: TrainableVar[];
  binaryCount: number;
  constraints: { variable: tf.Variable; clip: number }[];
}

function makeSession(graph: GraphSpec, cfg: TrainConfig): Session {
  const model = buildModel(graph, { seed: cfg.seed });
  const binaryOrig = new Set<string>();
  const constraints: Session['constraints'] = [];
  for (const l of bnnLayers(model)) {
    for (const q of l.quantizedWeights()) if (q.precision === 1) binaryOrig.add(q.variable.name);
    for (const c of l.constrainedWeights())
      constraints.push({ variable: c.variable.read() as tf.Variable, clip: c.clip });
  }
  const vars: TrainableVar[] = model.trainableWeights.map((lv) => ({
    key: (lv as unknown as { originalName: string }).originalName ?? lv.name,
    variable: lv.read() as tf.Variable,
    binary: binaryOrig.has(lv.name),
  }));
  const binaryVars = vars.filter((v) => v.binary);
  const binaryCount = binaryVars.reduce((a, v) => a + v.variable.size, 0);
  return { model, optimizer: createOptimizer(cfg.optimizer), vars, binaryVars, binaryCount, constraints };
}

function disposeSession(s: Session | null): void {
  if (!s) return;
  s.optimizer.dispose();
  s.model.dispose();
}

/**
 * The train / validation split of `config.validationSplit`: a shuffle seeded by the config's seed, the last
 * `fraction` held out. The same seed and fraction hold out the same samples, so a fine-tuning run
 * (`createFineTuner`) with its run's config never trains on the run's validation samples.
 */
export function splitValidation(
  dataset: Dataset,
  seed: number,
  fraction: number,
): { train: Dataset; validation: Dataset } {
  const perm = new Rng(seed ^ 0x5eed5eed).permutation(dataset.y.length);
  const nVal = Math.max(1, Math.round(dataset.y.length * fraction));
  const cut = dataset.y.length - nVal;
  return {
    train: subset(dataset, perm.subarray(0, cut), `${dataset.name} (train)`),
    validation: subset(dataset, perm.subarray(cut), `${dataset.name} (validation)`),
  };
}

export function createTrainer(options: TrainerOptions): Trainer {
  const cfg = parseTrainConfig(options.config);
  const { graph } = options;
  checkDataset(options.dataset);
  const wantShape = inputShapeOf(graph);
  const gotShape = options.dataset.shape;
  if (wantShape.length !== gotShape.length || wantShape.some((d, i) => d !== gotShape[i])) {
    throw new Error(
      `bnn-core/train: dataset '${options.dataset.name}' has samples of shape [${gotShape}] but the graph's Input expects [${wantShape}]; change the Input shape or the dataset`,
    );
  }
  let stopRequested = false;
  let destroyed = false;
  let started = false;
  let student: Session | null = null;
  let teacher: Session | null = null;

  let train = options.dataset;
  let validation = options.validation ?? null;
  if (!validation && cfg.validationSplit && cfg.validationSplit > 0)
    ({ train, validation } = splitValidation(train, cfg.seed, cfg.validationSplit));
  if (validation) checkDataset(validation);

  async function runEpochs(
    session: Session,
    phase: 'teacher' | 'student',
    epochs: number,
    state: { epoch: number; step: number; rng: Rng; history: EpochMetrics[] },
    teacherLogits: tf.LayersModel | null,
    afterEpoch: (m: EpochMetrics) => Promise<'continue' | 'stop'>,
    /** Attention matching: the student's and the teacher's [logits, ...matched features] models. */
    taps: { student: tf.LayersModel; teacher: tf.LayersModel } | null = null,
  ): Promise<'completed' | 'stopped' | 'early_stopped'> {
    const info = modelInfo(session.model);
    const n = train.y.length;
    const per = sampleSize(train);
    const bs = Math.min(cfg.batchSize, n);
    const batches = Math.ceil(n / bs);
    const totalSteps = batches * epochs;
    const lr0 = baseLearningRate(cfg.optimizer);
    const dist = cfg.distillation;
    const aug = cfg.augmentation;
    const classes = train.numClasses;
    for (let epoch = state.epoch; epoch < epochs; epoch++) {
      const t0 = Date.now();
      const perm = state.rng.permutation(n);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let flipSum = 0;
      let lr = lr0;
      for (let b = 0; b < batches; b++) {
        if (stopRequested) return 'stopped';
        const s = b * bs;
        const m = Math.min(bs, n - s);
        const xb = new Float32Array(m * per);
        const yb = new Int32Array(m);
        for (let i = 0; i < m; i++) {
          const j = perm[s + i] as number;
          xb.set(train.x.subarray(j * per, (j + 1) * per), i * per);
          yb[i] = train.y[j] as number;
        }
        if (aug && (aug.shift > 0 || aug.flip || aug.noise > 0))
          augmentBatch(xb, m, train.shape, aug, state.rng);
        const stepInPhase = epoch * batches + b;
        lr = learningRateAt(cfg.schedule, lr0, stepInPhase, batches, totalSteps);
        setDropoutStep(state.step);
        const [lossV, hits, flips] = tf.tidy(() => {
          const xs = tf.tensor(xb, [m, ...train.shape]);
          const labels = tf.tensor1d(yb, 'int32');
          const ys = tf.oneHot(labels, classes);
          const tOut = taps
            ? (taps.teacher.apply(xs, { training: false }) as tf.Tensor[])
            : teacherLogits
              ? [teacherLogits.apply(xs, { training: false }) as tf.Tensor]
              : null;
          const tLogits = tOut ? tOut[0]! : null;
          const before = session.binaryVars.map((v) => signZeroPositive(v.variable));
          let kept: tf.Tensor | null = null;
          const { value, grads } = tf.variableGrads(
            () => {
              const out = taps
                ? (taps.student.apply(xs, { training: true }) as tf.Tensor[])
                : [info.logitsModel.apply(xs, { training: true }) as tf.Tensor];
              const logits = out[0]!;
              kept = tf.keep(logits);
              if (!tLogits || !dist) return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
              const w = distillationWeight(dist, stepInPhase, batches);
              const kd = distillationLoss(logits, tLogits, ys, dist.temperature, w);
              if (!taps || !tOut || !dist.attention) return kd;
              // The attention term ramps with the distillation weight (w / α), so a warm-up delays both.
              const ramp = dist.alpha > 0 ? w / dist.alpha : 1;
              return tf.add(
                kd,
                tf.mul(dist.attention * ramp, attentionLoss(out.slice(1), tOut.slice(1))),
              ) as tf.Scalar;
            },
            session.vars.map((v) => v.variable),
          );
          const used: TrainableVar[] = [];
          const g: tf.Tensor[] = [];
          for (const v of session.vars) {
            const gv = grads[v.variable.name];
            if (gv) {
              used.push(v);
              g.push(gv);
            }
          }
          session.optimizer.apply(used, g, lr);
          for (const c of session.constraints) c.variable.assign(tf.clipByValue(c.variable, -c.clip, c.clip));
          const logits = kept as unknown as tf.Tensor;
          const acc = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'));
          logits.dispose();
          let flipsT: tf.Tensor = tf.scalar(0);
          session.binaryVars.forEach((v, i) => {
            flipsT = tf.add(
              flipsT,
              tf.sum(tf.cast(tf.notEqual(before[i]!, signZeroPositive(v.variable)), 'float32')),
            );
          });
          return [value.dataSync()[0]!, acc.dataSync()[0]!, flipsT.dataSync()[0]!];
        });
        state.step += 1;
        lossSum += lossV * m;
        correct += hits;
        seen += m;
        const flipRatio = session.binaryCount > 0 ? flips / session.binaryCount : null;
        if (flipRatio !== null) flipSum += flipRatio;
        options.onBatchEnd?.({
          phase,
          epoch: epoch + 1,
          batch: b + 1,
          batches,
          step: state.step,
          loss: lossV,
          accuracy: hits / m,
          flipRatio,
          learningRate: lr,
        });
        await yieldToEventLoop();
      }
      const val = validation ? evaluateModel(session.model, validation) : null;
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        flipRatio: session.binaryCount > 0 ? flipSum / batches : null,
        learningRate: lr,
        seconds: (Date.now() - t0) / 1000,
        phase,
      };
      state.history.push(metrics);
      state.epoch = epoch + 1;
      options.onEpochEnd?.(metrics);
      if ((await afterEpoch(metrics)) === 'stop') return 'early_stopped';
    }
    return 'completed';
  }

  async function start(): Promise<TrainResult> {
    if (started) throw new Error('bnn-core/train: start() was already called; create a new trainer');
    if (destroyed) throw new Error('bnn-core/train: the trainer was destroyed');
    started = true;
    const resume = options.resumeFrom
      ? options.resumeFrom instanceof Uint8Array
        ? checkpointFromBytes(options.resumeFrom)
        : options.resumeFrom
      : null;

    // Teacher for distillation: given weights, or the float twin (`floatTeacher`) trained first.
    let teacherWeights: WeightMap | null = resume?.teacherWeights ?? null;
    const dist = cfg.distillation;
    if (dist) {
      const teacherGraph = (dist.teacherGraph as GraphSpec | undefined) ?? floatTeacher(graph);
      teacherWeights = teacherWeights ?? (dist.teacherWeights as WeightMap | undefined) ?? null;
      teacher = makeSession(teacherGraph, { ...cfg, optimizer: cfg.optimizer });
      if (teacherWeights) {
        loadWeights(teacher.model, teacherWeights);
      } else {
        const tState = {
          epoch: 0,
          step: 0,
          rng: new Rng(cfg.seed ^ 0x7eac7e5),
          history: [] as EpochMetrics[],
        };
        const status = await runEpochs(
          teacher,
          'teacher',
          dist.teacherEpochs ?? cfg.epochs,
          tState,
          null,
          async () => 'continue',
        );
        if (status === 'stopped') {
          const w = extractWeights(teacher.model);
          disposeSession(teacher);
          teacher = null;
          const cp: Checkpoint = {
            epoch: 0,
            step: 0,
            weights: w,
            optimizerState: { step: 0, slots: {} },
            rngState: cfg.seed,
            history: tState.history,
          };
          return {
            status: 'stopped',
            history: tState.history,
            weights: w,
            bestEpoch: null,
            epochs: 0,
            checkpoint: cp,
          };
        }
        teacherWeights = extractWeights(teacher.model);
      }
      teacher.optimizer.dispose();
    }

    student = makeSession(graph, cfg);
    const state = {
      epoch: 0,
      step: 0,
      rng: new Rng(cfg.seed),
      history: [] as EpochMetrics[],
    };
    let best: Checkpoint['best'] = null;
    if (resume) {
      loadWeights(student.model, resume.weights);
      student.optimizer.setState(resume.optimizerState);
      state.epoch = resume.epoch;
      state.step = resume.step;
      state.rng.state = resume.rngState >>> 0;
      state.history = resume.history.slice();
      best = resume.best ?? null;
    }
    const es = cfg.earlyStopping;
    let bestEpoch: number | null = best?.epoch ?? null;
    const session = student;
    const snapshot = (): Checkpoint => ({
      epoch: state.epoch,
      step: state.step,
      weights: extractWeights(session.model),
      optimizerState: session.optimizer.getState(),
      rngState: state.rng.state,
      history: state.history.slice(),
      best,
      teacherWeights,
    });
    const afterEpoch = async (m: EpochMetrics): Promise<'continue' | 'stop'> => {
      let verdict: 'continue' | 'stop' = 'continue';
      if (es) {
        const key = es.monitor;
        const value =
          key === 'val_loss'
            ? m.valLoss
            : key === 'val_accuracy'
              ? m.valAccuracy
              : key === 'loss'
                ? m.loss
                : m.accuracy;
        if (value === null) {
          throw new Error(
            `bnn-core/train: earlyStopping monitors '${key}' but there is no validation data; set validationSplit or pass validation`,
          );
        }
        const higherBetter = key.endsWith('accuracy');
        const improved =
          !best || (higherBetter ? value > best.value + es.minDelta : value < best.value - es.minDelta);
        if (improved) {
          best = {
            value,
            epoch: m.epoch,
            weights: es.restoreBestWeights ? extractWeights(session.model) : undefined,
          };
          bestEpoch = m.epoch;
        } else if (best && m.epoch - best.epoch >= Math.max(1, es.patience)) {
          // Keras: stop once `patience` epochs in a row brought no improvement (0 acts as 1).
          verdict = 'stop';
        }
      }
      if (options.onCheckpoint && cfg.checkpointEvery > 0 && m.epoch % cfg.checkpointEvery === 0) {
        const cp = snapshot();
        await options.onCheckpoint(cp, () => checkpointToBytes(cp));
      }
      return verdict;
    };
    const teacherLogits = teacher ? modelInfo(teacher.model).logitsModel : null;
    let taps: { student: tf.LayersModel; teacher: tf.LayersModel } | null = null;
    if (teacher && dist?.attention) {
      const s = modelInfo(session.model);
      const t = modelInfo(teacher.model);
      const points = attentionPoints(graph, s.layers, t.layers);
      const tap = (i: typeof s, model: tf.LayersModel) =>
        tf.model({
          inputs: model.inputs,
          outputs: [
            i.logitsModel.outputs[0]!,
            ...points.map((id) => i.layers.get(id)!.output as tf.SymbolicTensor),
          ],
        });
      if (points.length) taps = { student: tap(s, session.model), teacher: tap(t, teacher.model) };
    }
    const status = await runEpochs(session, 'student', cfg.epochs, state, teacherLogits, afterEpoch, taps);
    if (status === 'early_stopped' && es?.restoreBestWeights && best?.weights)
      loadWeights(session.model, best.weights);
    if (status !== 'stopped' && cfg.recalibrateBatchNorm > 0)
      recalibrateBatchNorm(
        session.model,
        train,
        cfg.recalibrateBatchNorm,
        cfg.batchSize,
        new Rng(cfg.seed ^ 0xb7a11),
      );
    const checkpoint = snapshot();
    return {
      status,
      history: state.history,
      weights: checkpoint.weights,
      bestEpoch,
      epochs: state.epoch,
      checkpoint,
    };
  }

  return {
    start: async () => {
      try {
        return await start();
      } finally {
        disposeSession(teacher);
        teacher = null;
        disposeSession(student);
        student = null;
      }
    },
    stop: () => {
      stopRequested = true;
    },
    destroy: () => {
      stopRequested = true;
      destroyed = true;
      if (!started) return;
    },
  };
}
