import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  documentedAccuracyNote,
  firstLastLayers,
  getPreset,
  inferGraph,
  listPresets,
  lower,
  parseGraph,
  presetRecipe,
  randomWeights,
  recipeTrainConfig,
} from '../index.js';
import { PRESET_FIRST_LAST_PRECISION } from './builders.js';
import { PRESETS_DIR, presetJson } from './write-presets.js';

describe('presets', () => {
  it('lists the presets the issue names plus a < 16 KiB one', () => {
    const ids = listPresets().map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'larq-mnist',
        'binarynet-mlp',
        'binarynet-cnn',
        'xnornet-small',
        'birealnet-small',
        'quicknet-28',
        'quicknet-96',
        'mnist-tiny',
      ]),
    );
    expect(inferGraph(getPreset('mnist-tiny')).totals.packedBytes).toBeLessThan(16 * 1024);
    expect(inferGraph(getPreset('mnist-8k')).totals.packedBytes).toBeLessThanOrEqual(8 * 1024);
    const fashion = listPresets().find((p) => p.id === 'fashion-mnist-bnn')!;
    expect(fashion.recipe.dataset).toBe('fashion-mnist');
    expect(inferGraph(getPreset('fashion-mnist-bnn')).totals.packedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(listPresets().find((p) => p.id === 'quicknet-96')!.inputShape).toEqual([96, 96, 1]);
  });

  it('presets/*.json are the generated builders (run `npm run presets` after editing builders.ts)', () => {
    for (const p of listPresets()) {
      const text = readFileSync(join(PRESETS_DIR, `${p.id}.json`), 'utf8');
      // Same content and key order (whitespace is the formatter's business).
      expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(JSON.parse(presetJson(p.id))));
      const r = parseGraph(JSON.parse(text));
      expect(r.ok).toBe(true);
    }
  });

  it('QuickNet presets have residual adds, one-padded binary 3×3 convs, ReLU before BN', () => {
    for (const id of ['quicknet-28', 'quicknet-96']) {
      const g = getPreset(id);
      expect(g.nodes.filter((n) => n.type === 'Add').length).toBeGreaterThanOrEqual(4);
      const convs = g.nodes.filter((n) => n.type === 'QuantConv2D');
      for (const c of convs)
        expect(c.params).toMatchObject({ pad_values: 1, padding: 'same', kernel_size: [3, 3] });
      expect(g.nodes[1]!.type).toBe('Conv2D');
    }
  });

  it('the visual-wake-words-class preset: 96×96×3, 2 classes, int8 first and last layers, QuickNet body', () => {
    const info = listPresets().find((p) => p.id === 'vww-quicknet')!;
    expect(info.inputShape).toEqual([96, 96, 3]);
    expect(info.documentedAccuracy).toBeUndefined();
    expect(info.description).toMatch(/no accuracy is measured/i);
    const g = getPreset('vww-quicknet');
    const a = inferGraph(g);
    expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const order = a.order.map((id) => g.nodes.find((n) => n.id === id)!);
    const weighted = order.filter((n) =>
      ['Conv2D', 'DepthwiseConv2D', 'Dense', 'QuantConv2D'].includes(n.type),
    );
    expect(weighted[0]).toMatchObject({ type: 'Conv2D', params: { precision: 'int8' } });
    expect(weighted.at(-1)).toMatchObject({ type: 'Dense', params: { precision: 'int8', units: 2 } });
    expect(g.nodes.filter((n) => n.type === 'Add').length).toBeGreaterThanOrEqual(4);
    for (const c of g.nodes.filter((n) => n.type === 'QuantConv2D'))
      expect(c.params).toMatchObject({ pad_values: 1, padding: 'same', kernel_size: [3, 3] });
    const last = order.at(-1)!;
    expect(a.nodes[last.id]!.outputShape).toEqual([2]);
  });

  it('every preset deploys its first float conv and last float dense in int8 (PRESET_FIRST_LAST_PRECISION)', () => {
    expect(PRESET_FIRST_LAST_PRECISION).toBe('int8');
    const withFirstLast: string[] = [];
    for (const p of listPresets()) {
      const g = getPreset(p.id);
      const { firstConv, lastDense } = firstLastLayers(g);
      if (firstConv !== undefined || lastDense !== undefined) withFirstLast.push(p.id);
      // Only those two layers carry a precision; every other float layer stays float32.
      const int8 = g.nodes.filter((n) => n.params.precision !== undefined).map((n) => n.id);
      expect(int8.sort(), p.id).toEqual([firstConv, lastDense].filter((id) => id !== undefined).sort());
      for (const id of int8) expect(g.nodes.find((n) => n.id === id)!.params.precision, p.id).toBe('int8');
      // …and the lowered graph runs them as int8 ops.
      const deploy = lower(g, randomWeights(g, 1));
      const kindsOf = (id: string) => deploy.ops.filter((o) => o.sourceNode === id).map((o) => o.op);
      if (firstConv !== undefined)
        expect(kindsOf(firstConv), `${p.id} ${firstConv}`).toContain('int8_conv2d');
      if (lastDense !== undefined) expect(kindsOf(lastDense), `${p.id} ${lastDense}`).toContain('int8_dense');
    }
    // The presets without a float first conv or float classifier (binary-kernel first conv, binary classifier) are
    // the same graph in either precision.
    expect(
      listPresets()
        .filter((p) => !withFirstLast.includes(p.id))
        .map((p) => p.id),
    ).toEqual(['larq-mnist', 'binarynet-mlp', 'binarynet-cnn']);
  });

  it('every documented accuracy says which first/last precision it was measured with, and the note shows it', () => {
    for (const p of listPresets()) {
      const acc = p.documentedAccuracy;
      if (!acc) continue;
      const { firstConv, lastDense } = firstLastLayers(getPreset(p.id));
      const hasFirstLast = firstConv !== undefined || lastDense !== undefined;
      // 'none' exactly for the graphs without a float first conv or classifier (both versions are one graph).
      expect(acc.firstLast === 'none', p.id).toBe(!hasFirstLast);
      // A float comparison figure belongs to an int8 measurement only.
      if (acc.floatFirstLast) expect(acc.firstLast, p.id).toBe('int8');
      const note = documentedAccuracyNote(acc);
      if (acc.firstLast === 'float32') expect(note, p.id).toMatch(/float32 first\/last layers, not the int8/);
      if (acc.firstLast === 'int8') expect(note, p.id).toMatch(/^measured with the int8 first\/last layers/);
    }
    const base = { accuracy: 0.98, seeds: [1], dataset: 'd', epochs: 1, measuredAt: 'x' };
    expect(
      documentedAccuracyNote({
        ...base,
        firstLast: 'int8',
        floatFirstLast: { accuracy: 0.9825, seeds: [1], measuredAt: 'y' },
      }),
    ).toBe(
      'measured with the int8 first/last layers it ships with; float32 first/last version 98.25% (−0.25 points)',
    );
    expect(documentedAccuracyNote({ ...base, firstLast: 'none' })).toMatch(/same graph/);
    // quicknet-96 was measured as shipped (issue 14: within 0.5 points of its float first/last version).
    const q = listPresets().find((p) => p.id === 'quicknet-96')!.documentedAccuracy!;
    expect(q.firstLast).toBe('int8');
    expect(Math.abs(q.accuracy - q.floatFirstLast!.accuracy)).toBeLessThanOrEqual(0.005);
  });

  it('getPreset names an unknown id and returns fresh copies', () => {
    expect(() => getPreset('resnet')).toThrow(/unknown preset 'resnet'.*larq-mnist/);
    const a = getPreset('larq-mnist');
    a.nodes.length = 0;
    expect(getPreset('larq-mnist').nodes.length).toBeGreaterThan(0);
  });
});

describe('preset recipes', () => {
  it('every preset carries its training recipe, found from a graph built from it', () => {
    for (const p of listPresets()) {
      expect(p.recipe.epochs).toBeGreaterThan(0);
      expect(p.recipe.schedule.id).toBe('cosine');
      const graph = getPreset(p.id);
      expect(presetRecipe(String(graph.meta?.preset))).toEqual(p.recipe);
      const cfg = recipeTrainConfig(p.recipe, 2);
      expect(cfg).toMatchObject({ seed: 2, epochs: p.recipe.epochs, augmentation: p.recipe.augmentation });
    }
    expect(presetRecipe('nope')).toBeNull();
    expect(presetRecipe(undefined)).toBeNull();
    // larq-mnist's documented figure was measured with cosine warm-up, ±1-pixel shifts and BatchNorm re-estimation.
    expect(presetRecipe('larq-mnist')).toMatchObject({
      dataset: 'mnist',
      epochs: 30,
      optimizer: { id: 'adam', learningRate: 2e-3 },
      schedule: { id: 'cosine', warmupEpochs: 1, minLearningRate: 1e-5 },
      augmentation: { shift: 1 },
      recalibrateBatchNorm: 100,
    });
    expect(recipeTrainConfig(presetRecipe('larq-mnist')!, 1).recalibrateBatchNorm).toBe(100);
    // A recipe without re-estimation passes none to the trainer (Keras' moving averages are kept).
    expect('recalibrateBatchNorm' in recipeTrainConfig(presetRecipe('mnist-8k')!, 1)).toBe(false);
  });
});
