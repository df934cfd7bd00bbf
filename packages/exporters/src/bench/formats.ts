/**
 * Benchmark cases of the formats (.bnn, .tflite): file size against the bytes of the packed tensors it must
 * hold (the .bnn overhead), .tflite size against .bnn, and read time of a .bnn against JSON.parse of its own
 * header. Called by src/bench/index.ts.
 */
import { performance } from 'node:perf_hooks';
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { presetDeployGraphs } from '../bnn/preset-graphs.js';
import { readBnn } from '../bnn/read-bnn.js';
import { buildMixedGraph } from '../bnn/test-graphs.js';
import { writeBnn } from '../bnn/write-bnn.js';
import { ExportRefusedError } from '../errors.js';
import { writeTflite } from '../tflite/write-tflite.js';

export interface BenchCase {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
}

function tensorBytes(deploy: DeployGraph): number {
  let n = 0;
  const visit = (v: unknown) => {
    if (v instanceof Int32Array || v instanceof Float32Array) n += v.byteLength;
    else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) Object.values(v).forEach(visit);
  };
  deploy.ops.forEach(visit);
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMs(f: () => void, minMs = 50): number {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < minMs) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function formatCases(): Promise<BenchCase[]> {
  const graphs: { id: string; deploy: DeployGraph }[] = [
    { id: 'mixed-32ch', deploy: buildMixedGraph(1, { size: 16, channels: 32 }) },
    { id: 'mixed-128ch', deploy: buildMixedGraph(2, { size: 16, channels: 128 }) },
    ...presetDeployGraphs(1).map((p) => ({ id: `preset ${p.id}`, deploy: p.deploy })),
  ];
  const cases: BenchCase[] = [];
  for (const { id, deploy } of graphs) {
    const bytes = writeBnn(deploy, { runId: 'bench', dataset: 'mnist', accuracy: 0.9 });
    const packed = tensorBytes(deploy);
    const file = readBnn(bytes);
    cases.push({
      case: `.bnn size, ${id}`,
      metric: 'bytes (lower is better)',
      value: bytes.length,
      unit: 'B',
      baseline: 'tensor bytes alone (packed weights, thresholds, float params)',
      baselineValue: packed,
      ratio: bytes.length / packed,
    });
    cases.push({
      case: `.bnn overhead, ${id}`,
      metric: 'header+table+padding+CRC bytes (lower is better)',
      value: file.overheadBytes,
      unit: 'B',
      baseline: null,
      baselineValue: null,
      ratio: null,
    });
    // Baseline: the obvious alternative, the graph as plain JSON (typed arrays as number lists).
    const plain = JSON.stringify(deploy, (_k, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v,
    );
    const readMs = timeMs(() => readBnn(bytes));
    const parseMs = timeMs(() => JSON.parse(plain));
    cases.push({
      case: `readBnn time (CRC + header + views), ${id}`,
      metric: 'ms (lower is better)',
      value: readMs,
      unit: 'ms',
      baseline: 'JSON.parse of the graph as plain JSON',
      baselineValue: parseMs,
      ratio: readMs / parseMs,
    });
    cases.push({
      case: `.bnn size vs plain JSON, ${id}`,
      metric: 'bytes (lower is better)',
      value: bytes.length,
      unit: 'B',
      baseline: 'the graph as plain JSON',
      baselineValue: plain.length,
      ratio: bytes.length / plain.length,
    });
    try {
      const tflite = writeTflite(deploy, { profile: 'arm' });
      cases.push({
        case: `.tflite (arm) size, ${id}`,
        metric: 'bytes (lower is better)',
        value: tflite.length,
        unit: 'B',
        baseline: '.bnn of the same model',
        baselineValue: bytes.length,
        ratio: tflite.length / bytes.length,
      });
    } catch (e) {
      if (!(e instanceof ExportRefusedError)) throw e;
    }
  }
  return cases;
}
