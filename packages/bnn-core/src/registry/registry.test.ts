import { describe, expect, it } from 'vitest';
import {
  getConstraintDef,
  getLayerDef,
  getQuantizerDef,
  listConstraintDefs,
  listLayerDefs,
  listQuantizerDefs,
  quantizerPrecision,
  resolveParams,
  UnknownIdError,
} from '../index.js';
import { quantizeArray, sign } from './quantizer-math.js';

const ISSUE_LAYERS = [
  'Input',
  'QuantDense',
  'QuantConv2D',
  'QuantDepthwiseConv2D',
  'QuantSeparableConv2D',
  'BatchNormalization',
  'MaxPool2D',
  'AveragePool2D',
  'GlobalAveragePooling2D',
  'Flatten',
  'Reshape',
  'Dense',
  'Conv2D',
  'ReLU',
  'PReLU',
  'HardTanh',
  'LeakyTanh',
  'Add',
  'Concatenate',
  'Dropout',
  'Softmax',
];
const ISSUE_QUANTIZERS = [
  'ste_sign',
  'approx_sign',
  'swish_sign',
  'magnitude_aware_sign',
  'ste_heaviside',
  'ste_tern',
  'dorefa',
  'noop',
];

describe('registries', () => {
  it('registers every layer and quantizer the issue names', () => {
    const types = listLayerDefs().map((d) => d.type);
    for (const t of ISSUE_LAYERS) expect(types).toContain(t);
    const ids = listQuantizerDefs().map((d) => d.id);
    for (const q of ISSUE_QUANTIZERS) expect(ids).toContain(q);
    expect(listConstraintDefs().map((c) => c.id)).toEqual(['weight_clip']);
  });

  it('round-trips every registered id and alias through get()', () => {
    for (const d of listLayerDefs()) {
      expect(getLayerDef(d.type)).toBe(d);
      for (const a of d.aliases) expect(getLayerDef(a)).toBe(d);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
    for (const d of listQuantizerDefs()) {
      expect(getQuantizerDef(d.id)).toBe(d);
      for (const a of d.aliases) expect(getQuantizerDef(a)).toBe(d);
    }
    for (const d of listConstraintDefs()) expect(getConstraintDef(d.id)).toBe(d);
  });

  it('names the bad id and lists the known ones', () => {
    expect(() => getLayerDef('QuantConv3D')).toThrow(UnknownIdError);
    expect(() => getLayerDef('QuantConv3D')).toThrow(/unknown id 'QuantConv3D'.*QuantConv2D/);
    expect(() => getQuantizerDef('sign')).toThrow(/unknown id 'sign'.*ste_sign/);
    expect(() => getConstraintDef('clip')).toThrow(/unknown id 'clip'.*weight_clip/);
  });

  it('every param has a default inside its range', () => {
    for (const d of listLayerDefs()) {
      const names = new Set<string>();
      for (const p of d.params) {
        expect(names.has(p.name)).toBe(false);
        names.add(p.name);
        expect(p.help.length).toBeGreaterThan(5);
        if (p.default === null) {
          expect(p.nullable).toBe(true);
          continue;
        }
        if (p.kind === 'enum') expect(p.options).toContain(p.default);
        const nums = Array.isArray(p.default) ? p.default : typeof p.default === 'number' ? [p.default] : [];
        for (const n of nums) {
          if (p.min !== undefined) expect(n).toBeGreaterThanOrEqual(p.min);
          if (p.max !== undefined) expect(n).toBeLessThanOrEqual(p.max);
        }
      }
    }
  });

  it('resolveParams applies defaults and expands Keras shorthands', () => {
    const conv = resolveParams({ type: 'QuantConv2D', params: { filters: 8, kernel_size: 5 } });
    expect(conv.kernel_size).toEqual([5, 5]);
    expect(conv.strides).toEqual([1, 1]);
    expect(conv.padding).toBe('valid');
    expect(conv.input_quantizer).toBeNull();
    const pool = resolveParams({ type: 'MaxPool2D', params: { pool_size: [3, 3] } });
    expect(pool.strides).toEqual([3, 3]);
  });

  it('reports precision as larq does', () => {
    expect(quantizerPrecision(null)).toBe(32);
    expect(quantizerPrecision({ id: 'ste_sign' })).toBe(1);
    expect(quantizerPrecision({ id: 'ste_tern' })).toBe(2);
    expect(quantizerPrecision({ id: 'dorefa', config: { k_bit: 4 } })).toBe(4);
    expect(quantizerPrecision({ id: 'noop', config: { precision: 8 } })).toBe(8);
  });

  it('forward passes at the boundaries', () => {
    expect(sign(0)).toBe(1);
    expect(sign(-0)).toBe(1);
    const x = new Float32Array([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(quantizeArray({ id: 'ste_sign' }, x, 1))).toEqual([-1, -1, 1, 1, 1]);
    expect(Array.from(quantizeArray({ id: 'ste_heaviside' }, x, 1))).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(quantizeArray({ id: 'ste_tern', config: { threshold_value: 0.5 } }, x, 1))).toEqual([
      -1, -1, 0, 1, 1,
    ]);
    expect(Array.from(quantizeArray({ id: 'ste_tern', config: { threshold_value: 0 } }, x, 1))).toEqual([
      -1, -1, 0, 1, 1,
    ]);
    expect(Array.from(quantizeArray({ id: 'dorefa', config: { k_bit: 1 } }, x, 1))).toEqual([0, 0, 0, 0, 1]);
    const w = new Float32Array([1, -2, -3, 4]); // 2 × 2, channels last
    expect(Array.from(quantizeArray({ id: 'magnitude_aware_sign' }, w, 2))).toEqual([2, -3, -2, 3]);
  });
});
