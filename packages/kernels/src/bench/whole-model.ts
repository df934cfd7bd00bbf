/**
 * Whole-model latency of the presets: the engine (wasm, 1 thread) on the lowered graph vs the same graph as a
 * float tfjs model on the wasm backend, batch 1. Weights are the deterministic initialisation (latency does
 * not depend on training).
 */
import { getPreset, listPresets, lower } from '@bnn-studio/bnn-core';
import { buildModel, extractWeights } from '@bnn-studio/bnn-core/tf';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine } from '../engine/engine.js';
import { Rng } from '../test-support/random.js';
import type { BenchCase } from './index.js';

interface Deps {
  timeSideBySide: (fns: (() => void)[], rounds?: number, roundMs?: number) => number[];
  useTf: (backend: 'wasm' | 'cpu') => Promise<void>;
  quick: boolean;
}

export async function wholeModelCases({ timeSideBySide, useTf }: Deps): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  await useTf('wasm');
  for (const info of listPresets()) {
    try {
      const graph = getPreset(info.id);
      const model = buildModel(graph, { seed: 1 });
      const weights = extractWeights(model, graph);
      const deploy = lower(graph, weights);
      const engine = await createEngine(deploy, { backend: 'wasm' });
      const size = info.inputShape.reduce((a, b) => a * b, 1);
      const x = new Rng(7).floats(size).map((v) => (v + 1) / 2);
      const xt = tf.tensor(x, [1, ...info.inputShape]);
      const [ours, theirs] = timeSideBySide([
        () => void engine.run(x, 1),
        () => (model.predict(xt) as tf.Tensor).dispose(),
      ]) as [number, number];
      xt.dispose();
      engine.dispose();
      model.dispose();
      cases.push({
        case: `preset ${info.id} (${info.inputShape.join('x')}) whole model, batch 1`,
        metric: 'ms per inference, 1 thread (lower is better)',
        value: ours,
        unit: 'ms',
        baseline: 'same graph as a float tfjs model on tfjs-backend-wasm',
        baselineValue: theirs,
        ratio: ours / theirs,
      });
      console.error(`preset ${info.id}: engine ${ours.toFixed(3)} ms vs tfjs-wasm ${theirs.toFixed(3)} ms`);
    } catch (e) {
      console.error(`preset ${info.id}: skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return cases;
}
