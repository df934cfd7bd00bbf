/**
 * Benchmark section `xcore-split`: every preset the xcore profile accepts (seeded weights, calibration on 64 MNIST
 * training images), its `tflite-xcore` file run on the built-in MNIST test split with the independent TFLite/LCE
 * int8 reference (src/tflite/tflite-int8-reference.ts): the studio's int8 kernels against the reference on every
 * operator they cover (mismatching operator runs; 0 expected), the file's argmax against the studio's float
 * deploy graph, and the file imported back (`importTflite`) run whole by the studio's engine against the
 * reference's output (images whose int8 output differs, differing values, argmax agreement; 0 / 0 / 100 %
 * expected). Images: the whole split (2,004) for 28×28 presets; BNN_XCORE_SPLIT_IMAGES (default 100) for the
 * 96×96 ones, whose BigInt reference takes over a second per image. BNN_BENCH_PRESETS=id,id picks presets.
 */
import { runTestSplit, xcorePresetCases } from '../tflite/xcore-test-split.js';
import type { BenchCase } from './formats.js';

export async function xcoreSplitCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const large = Number(process.env.BNN_XCORE_SPLIT_IMAGES ?? 100);
  const only = process.env.BNN_BENCH_PRESETS?.split(',').map((p) => p.trim());
  for (const c of await xcorePresetCases(64)) {
    if (only && !only.includes(c.id)) continue;
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
    const im = r.imported;
    const importedLabel = `${c.id} tflite-xcore imported back, studio engine on ${r.images} MNIST test images`;
    cases.push({
      case: importedLabel,
      metric: `images whose int8 output differs from the TFLite/LCE reference (${im.values} values; refused operators: ${im.refused.length})`,
      value: im.refused.length > 0 ? r.images : im.mismatchingImages,
      unit: 'images',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    cases.push({
      case: importedLabel,
      metric: 'argmax equal to the TFLite/LCE reference',
      value: (100 * im.argmaxAgree) / r.images,
      unit: '%',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    console.error(
      `${label}: ${r.studio.mismatches.length} mismatching of ${compared} studio int8 operator runs, argmax ${r.argmaxAgree}/${r.images}, ${ms.toFixed(0)} ms per image; not in the studio: ${JSON.stringify(r.studio.notInStudio)}`,
    );
    console.error(
      `${importedLabel}: refused ${JSON.stringify(im.refused)}, ${im.mismatchingImages} images / ${im.mismatchingValues} of ${im.values} int8 output values differ, argmax ${im.argmaxAgree}/${r.images}${im.first.length ? `; first: ${im.first.join('; ')}` : ''}`,
    );
  }
  return cases;
}
