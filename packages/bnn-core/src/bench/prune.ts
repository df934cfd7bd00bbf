/**
 * Pruning bench (`BNN_CORE_BENCH=prune npm run bench -w @bnn-studio/bnn-core` → bench-results/bnn-core-prune.json):
 * per seed, mnist-tiny trained with its recipe (src/presets/builders.ts) on the built-in MNIST split, then pruned
 * (`pruneModel`: BNN_PRUNE_FRACTION of every prunable binary layer's output channels, default 0.3, scored by
 * BNN_PRUNE_METHOD, default `weight`) and fine-tuned BNN_PRUNE_EPOCHS epochs (default DEFAULT_FINE_TUNE_EPOCHS, 10) with the same recipe
 * (`createFineTuner`). Reported: binary MACs removed, test accuracy of the trained model, of the pruned model
 * before fine-tuning (for every scoring method — cheap, no training) and after fine-tuning, and the points lost.
 * The trained and the pruned graph + weights of each seed are written to bench-results/prune/ so the exporters'
 * QEMU bench (`BNN_EXPORTERS_BENCH=prune`) can build both STM32 bundles, run `make qemu-test` and count
 * instructions.
 *
 * BNN_PRUNE_BASELINE_DIR=dir reuses `mnist-tiny-seed<N>.bnnw` trained weights from that directory (and writes them
 * there after training): a seed of the recipe takes 7–25 minutes on this shared machine.
 * Environment: BNN_TRAIN_SEEDS=1,2,3 (default 1).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_FINE_TUNE_EPOCHS,
  deserializeWeights,
  getPreset,
  PRUNE_METHODS,
  type PruneMethod,
  presetRecipe,
  pruneModel,
  recipeTrainConfig,
  serializeWeights,
  type WeightMap,
} from '../index.js';
import { createFineTuner, createTrainer, evaluate, initBackend, loadMnist } from '../tf/index.js';
import type { BenchCase } from './infer.js';

const PRESET = 'mnist-tiny';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const log = (msg: string) => console.error(`[bench:prune] ${msg}`);

export async function pruneCases(): Promise<BenchCase[]> {
  const fraction = Number(process.env.BNN_PRUNE_FRACTION ?? 0.3);
  const method = (process.env.BNN_PRUNE_METHOD ?? 'weight') as PruneMethod;
  const fineTuneEpochs = Number(process.env.BNN_PRUNE_EPOCHS ?? DEFAULT_FINE_TUNE_EPOCHS);
  const seeds = (process.env.BNN_TRAIN_SEEDS ?? '1').split(',').filter(Boolean).map(Number);
  const cacheDir = process.env.BNN_PRUNE_BASELINE_DIR;
  const outDir = join(repoRoot, 'bench-results', 'prune');
  mkdirSync(outDir, { recursive: true });
  await initBackend('wasm');
  const graph = getPreset(PRESET);
  const recipe = presetRecipe(PRESET)!;
  const { train, test } = loadMnist();
  const cases: BenchCase[] = [];
  const pct = (a: number) => 100 * a;
  for (const seed of seeds) {
    const cached = cacheDir ? join(cacheDir, `${PRESET}-seed${seed}.bnnw`) : null;
    let weights: WeightMap;
    if (cached && existsSync(cached)) {
      log(`seed ${seed}: trained weights from ${cached}`);
      weights = deserializeWeights(new Uint8Array(readFileSync(cached)));
    } else {
      log(`seed ${seed}: training ${PRESET} (${recipe.epochs} epochs, its recipe)`);
      weights = (
        await createTrainer({ graph, dataset: train, config: recipeTrainConfig(recipe, seed) }).start()
      ).weights;
      if (cached) writeFileSync(cached, serializeWeights(weights));
    }
    const base = pct(evaluate(graph, weights, test).accuracy);
    log(`seed ${seed}: trained ${base.toFixed(2)} %`);
    for (const m of PRUNE_METHODS) {
      const p = pruneModel(graph, weights, { fraction, method: m });
      const acc = pct(evaluate(p.graph, p.weights, test).accuracy);
      log(`seed ${seed}: pruned by ${m}, before fine-tuning ${acc.toFixed(2)} %`);
      cases.push({
        case: `${PRESET} seed ${seed}: test accuracy right after pruning ${fraction * 100} % of binary channels by '${m}' (no fine-tuning)`,
        metric: '% of the 2,004 test images (higher is better)',
        value: acc,
        unit: '%',
        baseline: 'the trained model before pruning, same seed',
        baselineValue: base,
        ratio: acc / base,
      });
    }
    const pruned = pruneModel(graph, weights, { fraction, method });
    const t0 = Date.now();
    const tuned = await createFineTuner({
      graph: pruned.graph,
      weights: pruned.weights,
      dataset: train,
      config: recipeTrainConfig(recipe, seed),
      epochs: fineTuneEpochs,
    }).start();
    const after = pct(evaluate(pruned.graph, tuned.weights, test).accuracy);
    const r = pruned.report;
    log(
      `seed ${seed}: binary MACs ${r.before.binaryMacs} → ${r.after.binaryMacs} (−${pct(r.binaryMacsRemoved).toFixed(1)} %), fine-tuned ${fineTuneEpochs} epochs in ${((Date.now() - t0) / 60000).toFixed(1)} min: ${after.toFixed(2)} % (trained ${base.toFixed(2)} %)`,
    );
    cases.push({
      case: `${PRESET} seed ${seed}: binary MACs after pruning ${fraction * 100} % of the channels of every prunable binary layer (${r.layers.map((l) => `${l.before}→${l.after}`).join(', ')}; '${method}')`,
      metric: `binary MACs per image (lower is better; target ≤ 0.70 × the original: ≥ 30 % removed); packed ${r.before.packedBytes} → ${r.after.packedBytes} B`,
      value: r.after.binaryMacs,
      unit: 'MACs',
      baseline: 'the unpruned preset',
      baselineValue: r.before.binaryMacs,
      ratio: r.after.binaryMacs / r.before.binaryMacs,
    });
    cases.push({
      case: `${PRESET} seed ${seed}: test accuracy after pruning and ${fineTuneEpochs} fine-tuning epochs (recipe), final weights (target: ≤ 0.5 points below the trained model)`,
      metric: `% of the 2,004 test images (higher is better); ${(after - base).toFixed(2)} points vs trained`,
      value: after,
      unit: '%',
      baseline: 'the trained model before pruning, same seed',
      baselineValue: base,
      ratio: after / base,
    });
    writeFileSync(join(outDir, `${PRESET}-seed${seed}.graph.json`), JSON.stringify(graph));
    writeFileSync(join(outDir, `${PRESET}-seed${seed}.bnnw`), serializeWeights(weights));
    writeFileSync(join(outDir, `${PRESET}-seed${seed}-pruned.graph.json`), JSON.stringify(pruned.graph));
    writeFileSync(join(outDir, `${PRESET}-seed${seed}-pruned.bnnw`), serializeWeights(tuned.weights));
  }
  return cases;
}
