/**
 * Benchmark section `xcore-split`: every preset the xcore profile accepts (seeded weights, calibration on 64 MNIST
 * training images), its `tflite-xcore` file run on the built-in MNIST test split with the independent TFLite/LCE
 * int8 reference (src/tflite/tflite-int8-reference.ts): the studio's int8 kernels against the reference on every
 * operator they cover (mismatching operator runs; 0 expected), and the file's argmax against the studio's float
 * deploy graph. Images: the whole split (2,004) for 28×28 presets; BNN_XCORE_SPLIT_IMAGES (default 100) for the
 * 96×96 ones, whose BigInt reference takes seconds per image.
 */
import { runTestSplit, xcorePresetCases } from '../tflite/xcore-test-split.js';
import type { BenchCase } from './formats.js';

export async function xcoreSplitCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const large = Number(process.env.BNN_XCORE_SPLIT_IMAGES ?? 100);
  for (const c of await xcorePresetCases(64)) {
    const count = c.inputShape[0] === 28 ? 2004 : large;
    const t0 = performance.now();
    const r = await runTestSplit(c, count);
    const ms = (performance.now() - t0) / r.images;
    const compared = Object.values(r.studio.compared).reduce((a, b) => a + b, 0);
    const label = `${c.id} tflite-xcore on ${r.images} MNIST test images`;
    cases.push({
      case: label,
      metric: `operator runs where the studio's int8 kernels differ from the TFLite/LCE reference (of ${compared} compared)`,
      value: r.studio.mismatches.length,
      unit: 'runs',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    cases.push({
      case: label,
      metric: "argmax equal to the studio's float deploy graph",
      value: (100 * r.argmaxAgree) / r.images,
      unit: '%',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    console.error(
      `${label}: ${r.studio.mismatches.length} mismatching of ${compared} studio int8 operator runs, argmax ${r.argmaxAgree}/${r.images}, ${ms.toFixed(0)} ms per image; not in the studio: ${JSON.stringify(r.studio.notInStudio)}`,
    );
  }
  return cases;
}
