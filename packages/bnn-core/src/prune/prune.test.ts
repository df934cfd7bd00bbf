import { describe, expect, it } from 'vitest';
import { checkDeployGraph } from '../deploy/check-deploy.js';
import { evaluateDeployGraphFloat } from '../eval/evaluate-deploy.js';
import { forwardGraphFloat } from '../eval/reference-forward.js';
import { describeWeights, randomWeights } from '../eval/weight-specs.js';
import { inferGraph } from '../infer/analyze.js';
import { lower } from '../lower/lower.js';
import { seededRandom } from '../math/rng.js';
import { GraphBuilder } from '../presets/graph-builder.js';
import { getPreset, listPresets } from '../presets/presets.js';
import type { GraphSpec, ParamValue, WeightMap } from '../spec/graph-types.js';
import { parseGraph } from '../spec/parse.js';
import { residualBlocks } from './blocks.js';
import { channelSpaces } from './channel-spaces.js';
import { PRUNE_METHODS, PRUNE_SCOPES } from './options.js';
import { parsePruneOptions, pruneModel } from './prune.js';
import { PruneError } from './prune-error.js';
import { applyChannelPlan } from './surgery.js';

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };
const BINARY = { input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false };

function randomInput(graph: GraphSpec, batch: number, seed: number): Float32Array {
  const shape = inferGraph(graph).nodes[graph.nodes.find((n) => n.type === 'Input')!.id]!.outputShape!;
  const rnd = seededRandom(seed);
  const n = batch * shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rnd() * 2 - 1);
}

/** The pruned graph is a valid document, its weights are exactly what it declares, and it lowers cleanly. */
function expectConsistent(graph: GraphSpec, weights: WeightMap, label: string): void {
  const parsed = parseGraph(JSON.parse(JSON.stringify(graph)));
  expect(parsed.ok, label).toBe(true);
  const errors = inferGraph(graph).issues.filter((i) => i.severity === 'error');
  expect(errors, label).toEqual([]);
  const declared = describeWeights(graph);
  const given = Object.fromEntries(
    Object.entries(weights).map(([id, vars]) => [
      id,
      Object.fromEntries(Object.entries(vars).map(([k, t]) => [k, t.shape])),
    ]),
  );
  expect(given, label).toEqual(declared);
  for (const vars of Object.values(weights)) {
    for (const t of Object.values(vars)) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  }
  const deploy = lower(graph, weights);
  expect(checkDeployGraph(deploy), label).toEqual([]);
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, o) => {
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - b[o]![i]!));
  });
  return m;
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/**
 * A random small architecture: an optional float stem, then binary convolutions (pooling, BatchNorm, ReLU),
 * residual blocks (identity or 1×1-conv shortcut), concatenations and reshapes (barriers), then a head
 * (Flatten or global pooling, optional hidden binary dense, a binary or float classifier, Softmax).
 */
function randomArchitecture(seed: number): GraphSpec {
  const rnd = seededRandom(seed * 104729 + 7);
  const b = new GraphBuilder(`prune-fuzz-${seed}`);
  const hw = 8 + Math.floor(rnd() * 5);
  let x = b.input([hw, hw, pick(rnd, [1, 3])]);
  let c = 0;
  let size = hw;
  const bn = (): [string, Record<string, ParamValue>] => [
    'BatchNormalization',
    rnd() < 0.3 ? { scale: false } : {},
  ];
  if (rnd() < 0.6) {
    c = pick(rnd, [4, 8]);
    x = b.chain(x, [['Conv2D', { filters: c, kernel_size: [3, 3], padding: 'same', use_bias: false }], bn()]);
  } else {
    c = pick(rnd, [4, 6]);
    x = b.chain(x, [
      [
        'QuantConv2D',
        { filters: c, kernel_size: [3, 3], padding: 'same', kernel_quantizer: STE, use_bias: false },
      ],
      bn(),
    ]);
  }
  const stages = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < stages; i++) {
    const kind = pick(rnd, ['conv', 'conv', 'residual', 'residual-conv', 'concat', 'separable']);
    const f = pick(rnd, [4, 6, 8, 12]);
    if (kind === 'conv') {
      const layers: Array<[string, Record<string, ParamValue>?]> = [
        ['QuantConv2D', { filters: f, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...BINARY }],
      ];
      if (size >= 4 && rnd() < 0.5) {
        layers.push(['MaxPool2D', { pool_size: [2, 2] }]);
        size = Math.floor(size / 2);
      }
      layers.push(bn());
      if (rnd() < 0.3) layers.push(['ReLU']);
      x = b.chain(x, layers);
      c = f;
    } else if (kind === 'residual') {
      const main = b.chain(x, [
        ['QuantConv2D', { filters: c, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...BINARY }],
        ...(rnd() < 0.5 ? [['ReLU'] as [string]] : []),
        bn(),
      ]);
      x = b.add('Add', {}, main, x);
    } else if (kind === 'residual-conv') {
      const main = b.chain(x, [
        ['QuantConv2D', { filters: f, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...BINARY }],
        bn(),
      ]);
      const short = b.chain(x, [['Conv2D', { filters: f, kernel_size: [1, 1], use_bias: false }], bn()]);
      x = b.add('Add', {}, short, main);
      c = f;
    } else if (kind === 'separable') {
      x = b.chain(x, [
        [
          'QuantSeparableConv2D',
          {
            filters: f,
            kernel_size: [3, 3],
            padding: 'same',
            input_quantizer: STE,
            depthwise_quantizer: STE,
            pointwise_quantizer: STE,
            use_bias: false,
          },
        ],
        bn(),
      ]);
      c = f;
    } else {
      const left = b.chain(x, [['QuantConv2D', { filters: f, kernel_size: [1, 1], ...BINARY }], bn()]);
      x = b.add('Concatenate', {}, left, x);
      c += f;
    }
  }
  if (rnd() < 0.5) x = b.add('Flatten', {}, x);
  else x = b.add('GlobalAveragePooling2D', {}, x);
  if (rnd() < 0.5) x = b.chain(x, [['QuantDense', { units: pick(rnd, [8, 16]), ...BINARY }], bn()]);
  const classes = 3;
  x = b.chain(x, [
    rnd() < 0.5 ? ['QuantDense', { units: classes, ...BINARY }] : ['Dense', { units: classes }],
    bn(),
    ['Softmax'],
  ]);
  return b.build();
}

describe('pruneModel', () => {
  it('with fraction 0 returns the graph and weights unchanged', () => {
    for (const info of listPresets()) {
      const g = getPreset(info.id);
      const w = randomWeights(g, 3);
      const r = pruneModel(g, w, { fraction: 0 });
      expect(r.graph).toEqual(g);
      expect(r.weights).toEqual(w);
      expect(r.report.binaryMacsRemoved).toBe(0);
    }
  });

  it('prunes every preset to a valid, smaller graph whose weights match it and that lowers', () => {
    for (const info of listPresets()) {
      if (info.inputShape[0]! > 28) continue; // 96×96 lowering is slow; the 28×28 presets cover every pattern
      const g = getPreset(info.id);
      const w = randomWeights(g, 5);
      for (const scope of PRUNE_SCOPES) {
        const r = pruneModel(g, w, { fraction: 0.3, method: 'bn-weight', scope, blocks: 0.5 });
        expectConsistent(r.graph, r.weights, `${info.id} ${scope}`);
        expect(r.report.after.binaryMacs, info.id).toBeLessThanOrEqual(r.report.before.binaryMacs);
        if (r.report.layers.length) {
          expect(r.report.binaryMacsRemoved, info.id).toBeGreaterThan(0);
          expect(r.graph.meta?.pruned).toBeDefined();
        }
      }
    }
  });

  it('removes 30 % of the channels of both binary convolutions of mnist-tiny but never its classifier', () => {
    const g = getPreset('mnist-tiny');
    const r = pruneModel(g, randomWeights(g, 1), { fraction: 0.3 });
    expect(r.report.layers.map((l) => [l.before, l.after])).toEqual([
      [64, 45],
      [64, 45],
    ]);
    expect(r.report.binaryMacsRemoved).toBeGreaterThan(0.3);
    expect(r.report.skipped.some((s) => s.reason.includes('Softmax'))).toBe(true);
    expect(r.report.after.packedBytes).toBeLessThan(r.report.before.packedBytes);
  });

  it('prunes channels tied by an identity Add identically in every producer (quicknet-28)', () => {
    const g = getPreset('quicknet-28');
    const r = pruneModel(g, randomWeights(g, 2), { fraction: 0.25 });
    const tied = r.report.layers.filter((l) => l.producers.length > 1);
    expect(tied.length).toBeGreaterThan(0);
    const a = inferGraph(r.graph);
    for (const l of tied) {
      for (const p of l.producers) expect(a.nodes[p]!.outputShape!.at(-1)).toBe(l.after);
    }
  });

  it('leaves outputs identical when the pruned channels contribute exactly zero', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = seededRandom(seed);
      const b = new GraphBuilder(`zero-${seed}`);
      const flatten = seed % 2 === 0;
      let x = b.input([7, 7, 2]);
      x = b.chain(x, [
        ['QuantConv2D', { filters: 8, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...BINARY }],
        ['MaxPool2D', { pool_size: [2, 2] }],
        ['BatchNormalization', {}],
      ]);
      // The residual branch reads the tied channels too: a float convolution, so its reads can be weighted 0.
      const main = b.chain(x, [
        ['Conv2D', { filters: 8, kernel_size: [3, 3], padding: 'same', use_bias: false }],
        ['BatchNormalization', {}],
      ]);
      x = b.add('Add', {}, main, x);
      const reader = b.chain(x, flatten ? [['Flatten']] : [['ReLU']]);
      const head = flatten
        ? b.add('Dense', { units: 3, use_bias: true }, reader)
        : b.chain(reader, [['Conv2D', { filters: 3, kernel_size: [1, 1] }], ['GlobalAveragePooling2D']]);
      b.chain(head, [['Softmax']]);
      const g = b.build();
      const w = randomWeights(g, seed);
      const a = inferGraph(g);
      const cg = channelSpaces(g, a);
      const space = cg.spaces.find((s) => s.producers.length === 2)!;
      expect(space.fixedReason).toBeNull();
      // Channels to remove: their every read by the float head is weighted 0, and their BatchNorms scale them by 0
      // so that the `bn` score also picks them.
      const drop = [1 + Math.floor(rnd() * 3), 5 + Math.floor(rnd() * 3)];
      const readers = g.nodes.filter((n) => n.type === 'Dense' || n.type === 'Conv2D');
      expect(readers.length).toBe(2);
      for (const reader of readers) {
        const kernel = w[reader.id]!.kernel!;
        const cout = kernel.shape.at(-1)!;
        for (let i = 0; i < kernel.data.length; i++) {
          if (drop.includes(Math.floor(i / cout) % 8)) kernel.data[i] = 0;
        }
      }
      const x0 = randomInput(g, 2, seed + 100);
      const before = forwardGraphFloat(g, w, x0, 2);
      const keep = Array.from({ length: 8 }, (_, i) => i).filter((i) => !drop.includes(i));
      const p = applyChannelPlan(g, w, new Map([[space.id, keep]]), cg);
      expectConsistent(p.graph, p.weights, `seed ${seed}`);
      expect(maxAbsDiff(forwardGraphFloat(p.graph, p.weights, x0, 2), before), `seed ${seed}`).toBe(0);
      // The same through pruneModel, whose `bn` score ranks channels by |γ|/σ of both tied BatchNorms.
      for (const bnId of space.nodes.filter((n) => n.startsWith('batch_normalization'))) {
        for (const c of drop) w[bnId]!.gamma!.data[c] = 0;
      }
      const before2 = forwardGraphFloat(g, w, x0, 2);
      const r = pruneModel(g, w, { fraction: 0.25, method: 'bn' });
      const layer = r.report.layers.find((l) => l.space === space.id)!;
      expect(layer.after).toBe(6);
      expect(maxAbsDiff(forwardGraphFloat(r.graph, r.weights, x0, 2), before2), `seed ${seed}`).toBe(0);
      // And the lowered pruned graph computes what the pruned graph does.
      const lowered = evaluateDeployGraphFloat(lower(r.graph, r.weights), x0, 2);
      expect(maxAbsDiff(lowered, before2), `seed ${seed}`).toBeLessThan(1e-3);
    }
  });

  it('removes whole residual blocks whose output is exactly zero without changing the outputs', () => {
    for (const id of ['quicknet-28', 'birealnet-small']) {
      const g = getPreset(id);
      const w = randomWeights(g, 9);
      const cg = channelSpaces(g, inferGraph(g));
      const blocks = residualBlocks(cg, inferGraph(g));
      expect(blocks.length, id).toBeGreaterThan(1);
      const victim = blocks[1]!;
      const lastBn = [...victim.chain].reverse().find((n) => n.startsWith('batch_normalization'))!;
      w[lastBn]!.gamma!.data.fill(0);
      w[lastBn]!.beta!.data.fill(0);
      const x0 = randomInput(g, 1, 4);
      const before = forwardGraphFloat(g, w, x0, 1);
      const r = pruneModel(g, w, { fraction: 0, blocks: 1 / blocks.length });
      expect(r.report.removedBlocks).toEqual([victim.add]);
      expectConsistent(r.graph, r.weights, id);
      expect(r.graph.nodes.length).toBe(g.nodes.length - victim.chain.length - 1);
      expect(maxAbsDiff(forwardGraphFloat(r.graph, r.weights, x0, 1), before), id).toBe(0);
    }
  });

  it('fuzz: random architectures prune to consistent graphs that lower (seeded)', () => {
    const seen = { layers: 0, tied: 0, blocks: 0, barriers: 0, flattened: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomArchitecture(seed);
      const errs = inferGraph(g).issues.filter((i) => i.severity === 'error');
      expect(errs, `seed ${seed}`).toEqual([]);
      const w = randomWeights(g, seed);
      const rnd = seededRandom(seed);
      const opts = {
        fraction: pick(rnd, [0.1, 0.3, 0.5, 0.9]),
        method: pick(rnd, PRUNE_METHODS),
        scope: pick(rnd, PRUNE_SCOPES),
        blocks: pick(rnd, [0, 0, 0.5, 1]),
      };
      const r = pruneModel(g, w, opts);
      const label = `seed ${seed} ${JSON.stringify(opts)}`;
      expectConsistent(r.graph, r.weights, label);
      expect(r.report.after.binaryMacs, label).toBeLessThanOrEqual(r.report.before.binaryMacs);
      for (const l of r.report.layers) expect(l.after, label).toBeGreaterThanOrEqual(1);
      // Every output stays the same size (the classifier is never pruned).
      const x0 = randomInput(g, 1, seed);
      const out = forwardGraphFloat(r.graph, r.weights, x0, 1);
      expect(out.map((o) => o.length)).toEqual([3]);
      // A plan is all or nothing across a tied space: producers of one space end with one width.
      const a = inferGraph(r.graph);
      for (const l of r.report.layers) {
        for (const p of l.producers) expect(a.nodes[p]!.outputShape!.at(-1), label).toBe(l.after);
      }
      seen.layers += r.report.layers.length;
      seen.tied += r.report.layers.filter((l) => l.producers.length > 1).length;
      seen.blocks += r.report.removedBlocks.length;
      seen.barriers += r.report.skipped.filter((s) => s.reason.includes('Concatenate')).length;
      if (r.report.layers.length && r.graph.nodes.some((n) => n.type === 'Flatten')) seen.flattened++;
    }
    // The seeds exercise every kind of surgery.
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
  });

  it('refuses bad options and plans with a coded error naming the fix', () => {
    const g = getPreset('mnist-tiny');
    const w = randomWeights(g, 1);
    expect(() => parsePruneOptions({ fraction: 0.95 })).toThrow(/fraction.*Fix: Give/);
    expect(() => parsePruneOptions({ fraction: 0.3, method: 'random' })).toThrow(PruneError);
    const cg = channelSpaces(g, inferGraph(g));
    const head = cg.spaces.find((s) => s.fixedReason?.includes('Softmax'))!;
    expect(() => applyChannelPlan(g, w, new Map([[head.id, [0, 1]]]), cg)).toThrow(/cannot be pruned.*Fix:/);
    const conv = cg.spaces.find((s) => s.fixedReason === null)!;
    expect(() => applyChannelPlan(g, w, new Map([[conv.id, [3, 1]]]), cg)).toThrow(/ascending/);
    const rest = { ...w };
    delete rest[g.nodes.find((n) => n.type === 'QuantConv2D')!.id];
    expect(() => pruneModel(g, rest, { fraction: 0.3 })).toThrow(PruneError);
  });
});
