import { describe, expect, it } from 'vitest';
import { tensorsUrl } from './dataset-tensors';

describe('tensorsUrl', () => {
  it('carries the browser run limits (0 = all)', () => {
    expect(tensorsUrl('ds_a b', { maxTrainSamples: 0, maxTestSamples: 1000 })).toBe(
      '/api/datasets/ds_a%20b/tensors?maxTestSamples=1000',
    );
    expect(tensorsUrl('ds_1', { maxTrainSamples: 500, maxTestSamples: 0 })).toBe(
      '/api/datasets/ds_1/tensors?maxTrainSamples=500',
    );
  });
});
