/**
 * Benchmark cases of the `.tflite` importer: time to import an LCE-layout int8 BNN (≈ 20 KB) and the studio's
 * own arm export of a preset, against reading the same bytes' flatbuffer structure alone (`readTflite`, the floor
 * every importer pays). Called by src/bench/index.ts.
 */
import { performance } from 'node:perf_hooks';
import { presetDeployGraphs } from '../bnn/preset-graphs.js';
import { importTflite } from '../tflite/import/import-tflite.js';
import { lceInt8Bnn } from '../tflite/import/lce-fixtures.js';
import { readTflite } from '../tflite/read-tflite.js';
import { writeTflite } from '../tflite/write-tflite.js';
import type { BenchCase } from './formats.js';

function medianMs(f: () => void, runs = 15): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

export function importCases(): BenchCase[] {
  const quicknet = presetDeployGraphs(1).find((p) => p.id === 'quicknet-28')!;
  const files = [
    { id: 'LCE-layout int8 BNN (width 2)', bytes: lceInt8Bnn(1, false, 2).bytes },
    { id: 'arm export of quicknet-28', bytes: writeTflite(quicknet.deploy, { profile: 'arm' }) },
  ];
  return files.map(({ id, bytes }) => {
    const ms = medianMs(() => importTflite(bytes));
    const readMs = medianMs(() => readTflite(bytes));
    return {
      case: `importTflite, ${id} (${(bytes.length / 1024).toFixed(1)} KB)`,
      metric: 'ms, median of 15 (lower is better; issue #16 asks < 1000 ms for 20 KB)',
      value: ms,
      unit: 'ms',
      baseline: 'readTflite of the same bytes (flatbuffer structure only)',
      baselineValue: readMs,
      ratio: ms / readMs,
    };
  });
}
