import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../lib/studio-api';
import { baseRunName, seedGroups } from './seed-groups';

const run = (id: string, name: string, seed: number, acc: number | null, extra: Partial<RunSummary> = {}) =>
  ({
    id,
    name,
    seed,
    status: 'completed',
    architectureVersionId: 'v1',
    datasetId: 'mnist',
    epochs: 30,
    finalAccuracy: acc,
    ...extra,
  }) as RunSummary;

describe('seed groups', () => {
  it('strips a trailing seed from run names', () => {
    expect(baseRunName('larq-mnist · seed 2')).toBe('larq-mnist');
    expect(baseRunName('larq-mnist (seed 12)')).toBe('larq-mnist');
    expect(baseRunName('larq-mnist, seed 3')).toBe('larq-mnist');
    expect(baseRunName('seedless')).toBe('seedless');
  });

  it('groups runs differing only by seed; mean and sample sd; single seeds and unfinished runs stay out', () => {
    const groups = seedGroups([
      run('a', 'larq-mnist · seed 1', 1, 0.9755),
      run('b', 'larq-mnist · seed 2', 2, 0.9636),
      run('c', 'larq-mnist · seed 3', 3, 0.97),
      run('d', 'larq-mnist · seed 4', 4, null, { status: 'running' }),
      run('e', 'larq-mnist · seed 1', 1, 0.5, { datasetId: 'fashion-mnist' }),
      run('f', 'other', 7, 0.9),
    ]);
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect(g).toMatchObject({
      name: 'larq-mnist',
      datasetId: 'mnist',
      seeds: [1, 2, 3],
      runIds: ['a', 'b', 'c'],
    });
    expect(g.mean).toBeCloseTo((0.9755 + 0.9636 + 0.97) / 3, 10);
    const m = g.mean;
    const sd = Math.sqrt(((0.9755 - m) ** 2 + (0.9636 - m) ** 2 + (0.97 - m) ** 2) / 2);
    expect(g.sd).toBeCloseTo(sd, 10);
  });
});
