import { describe, expect, it } from 'vitest';
import { DISTILL_DEFAULTS } from '../index.js';
import { distilledCacheName, parseTeacherSeed, parseVariants } from './distill.js';

describe('distillation bench settings', () => {
  it('parses T:α:warmup[:attention] variants and defaults to DISTILL_DEFAULTS', () => {
    expect(parseVariants(undefined)).toEqual([{ ...DISTILL_DEFAULTS }]);
    expect(parseVariants('4:0.5:0;2:0.9:1:3')).toEqual([
      { temperature: 4, alpha: 0.5, warmupEpochs: 0, attention: 0 },
      { temperature: 2, alpha: 0.9, warmupEpochs: 1, attention: 3 },
    ]);
  });

  it('names a bad variant and the expected form', () => {
    expect(() => parseVariants('4:1.5:0')).toThrow(/'4:1\.5:0' is not T:α:warmup/);
    expect(() => parseVariants('0:0.5:0')).toThrow(/T > 0/);
  });

  it('reads one teacher seed for all students, or none (a teacher per seed)', () => {
    expect(parseTeacherSeed(undefined)).toBeNull();
    expect(parseTeacherSeed('')).toBeNull();
    expect(parseTeacherSeed('1')).toBe(1);
    expect(() => parseTeacherSeed('x')).toThrow(/BNN_DISTILL_TEACHER_SEED 'x' is not a seed.*unset it/);
    expect(() => parseTeacherSeed('-2')).toThrow(/integer ≥ 0/);
  });

  it('keys a distilled run by student seed, teacher seed and every setting of the variant', () => {
    const v = { temperature: 4, alpha: 0.5, warmupEpochs: 0, attention: 0 };
    expect(distilledCacheName('mnist-tiny-e25-s2', 1, v)).toBe(
      'mnist-tiny-e25-s2-distilled-t1-T4-a0.5-w0-b0.json',
    );
    const names = new Set([
      distilledCacheName('k', 1, v),
      distilledCacheName('k', 2, v),
      distilledCacheName('k', 1, { ...v, temperature: 2 }),
      distilledCacheName('k', 1, { ...v, alpha: 0.9 }),
      distilledCacheName('k', 1, { ...v, warmupEpochs: 1 }),
      distilledCacheName('k', 1, { ...v, attention: 1 }),
    ]);
    expect(names.size).toBe(6);
  });
});
