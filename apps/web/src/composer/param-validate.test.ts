import { getQuantizerDef, type ParamDef } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { checkParam, parseNumberList } from './param-validate';

const filters: ParamDef = { name: 'filters', kind: 'int', default: 32, min: 1, max: 4096, help: '' };
const kernel: ParamDef = { name: 'kernel_size', kind: 'intPair', default: [3, 3], min: 1, max: 64, help: '' };

describe('checkParam', () => {
  it('accepts values in range and the default', () => {
    expect(checkParam(filters, 64)).toBeNull();
    expect(checkParam(filters, undefined)).toBeNull();
    expect(checkParam(kernel, [3, 5])).toBeNull();
    expect(checkParam(kernel, 3)).toBeNull();
  });
  it("names the problem and the fix, in bnn-core's words (validateGraph's)", () => {
    expect(checkParam(filters, 0)).toMatch(/'filters' = 0 is out of range \(must be between 1 and 4096\)/);
    expect(checkParam(filters, 2.5)).toMatch(/'filters' must be an integer between 1 and 4096, got 2\.5/);
    expect(checkParam(kernel, [3, 0])).toMatch(
      /'kernel_size' = \[3,0\] is out of range \(must be between 1 and 64\)/,
    );
    expect(checkParam(filters, null)).toMatch(/'filters' must be an integer between 1 and 4096, got null/);
    expect(checkParam(filters, 0)).toMatch(/Set 'filters' between 1 and 4096 \(default 32\)/);
  });
  it("accepts null for the quantizers' clip_value (Larq's None)", () => {
    const clip = getQuantizerDef('ste_sign').config.find((c) => c.name === 'clip_value')!;
    expect(clip.nullable).toBe(true);
    expect(checkParam(clip, null)).toBeNull();
    expect(checkParam(clip, 0.5)).toBeNull();
    expect(checkParam(clip, -1)).toMatch(
      /'clip_value' = -1 is out of range \(must be between 0 and 1000000\)/,
    );
  });
});

describe('parseNumberList', () => {
  it('reads commas, spaces and ×', () => {
    expect(parseNumberList('28, 28, 1')).toEqual([28, 28, 1]);
    expect(parseNumberList('28x28x1')).toEqual([28, 28, 1]);
    expect(parseNumberList('a, 2')).toBeNull();
    expect(parseNumberList('')).toBeNull();
  });
});
