import { performance } from 'node:perf_hooks';
import {
  deployStats,
  GraphBuilder,
  type GraphSpec,
  getPreset,
  inferGraph,
  listPresets,
  lower,
  randomWeights,
  validateGraph,
} from '../index.js';

/** One row of bench-results/bnn-core.json (format in /work/notes/team-rules.md). */
export interface BenchCase {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  ratio: number | null;
}

/** A QuickNet-style residual graph with exactly `n` nodes (float stem, binary blocks, head). */
export function residualGraph(n: number): GraphSpec {
  const b = new GraphBuilder(`residual-${n}`);
  let h = b.input([96, 96, 1]);
  h = b.chain(h, [
    ['Conv2D', { filters: 32, kernel_size: 3, strides: 2, padding: 'same', use_bias: false }],
    ['BatchNormalization'],
    ['ReLU'],
  ]);
  let count = 4;
  const head = 3;
  while (count + 4 + head <= n) {
    const main = b.chain(h, [
      [
        'QuantConv2D',
        {
          filters: 32,
          kernel_size: 3,
          padding: 'same',
          pad_values: 1,
          input_quantizer: { id: 'ste_sign' },
          kernel_quantizer: { id: 'ste_sign' },
          kernel_constraint: { id: 'weight_clip' },
          use_bias: false,
        },
      ],
      ['ReLU'],
      ['BatchNormalization'],
    ]);
    h = b.add('Add', {}, main, h);
    count += 4;
  }
  while (count + head < n) {
    h = b.add('Dropout', { rate: 0.1 }, h);
    count += 1;
  }
  b.chain(h, [['GlobalAveragePooling2D'], ['Dense', { units: 2 }], ['Softmax']]);
  return b.build();
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function timeMedian(fn: () => unknown, runs: number, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function inferenceCases(): BenchCase[] {
  const cases: BenchCase[] = [];
  const g = residualGraph(200);
  if (g.nodes.length !== 200) throw new Error(`bench: expected 200 nodes, built ${g.nodes.length}`);
  const errors = validateGraph(g).filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(`bench: 200-node graph is invalid: ${errors[0]!.message}`);
  const target = 2;
  const inferMs = timeMedian(() => inferGraph(g), 300);
  cases.push({
    case: 'inferGraph, 200-node residual graph (shapes, costs, validation)',
    metric: 'median ms (lower is better)',
    value: inferMs,
    unit: 'ms',
    baseline: 'issue target 2 ms',
    baselineValue: target,
    ratio: inferMs / target,
  });
  const mnist = getPreset('larq-mnist');
  const w = randomWeights(mnist, 1);
  const lowerMs = timeMedian(() => lower(mnist, w), 30, 3);
  cases.push({
    case: 'lower larq-mnist (fold BN, pack weights)',
    metric: 'median ms (lower is better)',
    value: lowerMs,
    unit: 'ms',
    baseline: null,
    baselineValue: null,
    ratio: null,
  });
  for (const p of listPresets()) {
    const graph = getPreset(p.id);
    const packed = inferGraph(graph).totals.packedBytes;
    const lowered = deployStats(lower(graph, randomWeights(graph, 1))).weightBytes;
    cases.push({
      case: `preset ${p.id}: lowered deploy-graph constants (BN folded)`,
      metric: 'bytes (lower is better)',
      value: lowered,
      unit: 'B',
      baseline: 'packed weights before lowering (inferGraph)',
      baselineValue: packed,
      ratio: lowered / packed,
    });
    cases.push({
      case: `preset ${p.id}: packed weights (inferGraph)`,
      metric: 'bytes (lower is better)',
      value: packed,
      unit: 'B',
      baseline: 'float32 weights',
      baselineValue: inferGraph(graph).totals.float32EquivalentBytes,
      ratio: packed / inferGraph(graph).totals.float32EquivalentBytes,
    });
  }
  return cases;
}
