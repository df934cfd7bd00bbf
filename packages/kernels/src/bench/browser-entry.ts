/**
 * Bundled into the page by `browser.ts`: the 3×3 binary conv cases of the benchmark run in Chromium, ours (WASM
 * kernels, 1 thread, 'auto' micro-kernel choice) against tfjs-backend-wasm float32 conv2d (XNNPACK, SIMD build,
 * 1 thread) in the same page, alternating rounds.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../test-support/random.js';
import { WasmBConv } from '../wasm/standalone.js';
import { benchConvOp } from './cases.js';
import { timeSideBySide } from './timing.js';

export interface BrowserConvResult {
  h: number;
  c: number;
  batch: number;
  oursMs: number;
  tfjsMs: number;
  gemmKernel: string;
}

async function benchConvInPage(
  cases: [number, number, number][],
  wasmPrefix: string,
  quick: boolean,
): Promise<BrowserConvResult[]> {
  // the single-threaded SIMD build, as in Node (a cross-origin isolated page would otherwise get the threaded one)
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(wasmPrefix);
  await tf.setBackend('wasm');
  await tf.ready();
  const rng = new Rng(2024);
  const results: BrowserConvResult[] = [];
  for (const [h, c, batch] of cases) {
    const conv = await WasmBConv.create(benchConvOp(c, rng), [h, h, c], batch);
    conv.setFloatInput(rng.floats(batch * h * h * c));
    const x = tf.randomNormal([batch, h, h, c]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, c, c]) as tf.Tensor4D;
    const [oursMs, tfjsMs] = timeSideBySide(
      [() => conv.step(), () => tf.conv2d(x, w, 1, 'same').dispose()],
      quick ? 5 : 25,
      quick ? 20 : 30,
    ) as [number, number];
    results.push({ h, c, batch, oursMs, tfjsMs, gemmKernel: conv.gemmKernel });
    x.dispose();
    w.dispose();
    conv.dispose();
  }
  return results;
}

(globalThis as unknown as { benchConvInPage: typeof benchConvInPage }).benchConvInPage = benchConvInPage;
