import { readTensorsBody } from '@bnn-studio/bnn-core';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png, postDataset } from '../test/dataset-files.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

describe.each(testProviders())('dataset samples and split (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());
  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: t.auth });
    return { status: res.statusCode, body: res.json() };
  };

  it('shows counts, the split per class and samples per class; a saved split is used by later reads', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const [k, cls] of ['a', 'b', 'c'].entries())
      for (let i = 0; i < 10; i++) files[`${cls}/${i}.png`] = png(4, 4, 40 * k + i);
    const up = await postDataset(t, [{ name: 'abc.zip', data: Buffer.from(zipSync(files)) }], {
      name: 'abc',
    });
    expect(up.statusCode).toBe(201);
    const id = up.json().dataset.id as string;

    const view = await get(`/api/datasets/${id}/samples?perClass=3`);
    expect(view.status).toBe(200);
    expect(view.body.counts).toEqual([10, 10, 10]);
    expect(view.body.split).toMatchObject({
      fixed: false,
      testFraction: 0.2,
      train: [8, 8, 8],
      test: [2, 2, 2],
    });
    expect(view.body.samples).toHaveLength(9);
    expect(view.body.samples.map((s: { label: number }) => s.label)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(Buffer.from(view.body.samples[0].pixels, 'base64')).toHaveLength(
      view.body.shape.reduce((a: number, b: number) => a * b, 1),
    );

    // A proposed split is only previewed; the same seed gives the same split.
    const half = await get(`/api/datasets/${id}/samples?perClass=0&testFraction=0.5&seed=7`);
    expect(half.body.split).toMatchObject({ testFraction: 0.5, seed: 7, train: [5, 5, 5], test: [5, 5, 5] });
    expect((await get(`/api/datasets/${id}/samples?perClass=0&testFraction=0.5`)).status).toBe(400);

    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/datasets/${id}/split`,
      headers: t.auth,
      payload: { testFraction: 0.3, seed: 11 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().dataset.options.split).toEqual({ testFraction: 0.3, seed: 11 });
    const saved = await get(`/api/datasets/${id}/samples?perClass=0`);
    expect(saved.body.split).toMatchObject({
      testFraction: 0.3,
      seed: 11,
      train: [7, 7, 7],
      test: [3, 3, 3],
    });
    // Browser training reads the saved split too (server runs use the same splitOf/uploadSplit).
    const tensors = await t.app.inject({
      method: 'GET',
      url: `/api/datasets/${id}/tensors`,
      headers: t.auth,
    });
    const { header } = readTensorsBody(new Uint8Array(tensors.rawPayload));
    expect([header.trainTotal, header.testTotal]).toEqual([21, 9]);

    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/datasets/${id}/split`,
      headers: t.auth,
      payload: { testFraction: 1, seed: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const builtin = await t.app.inject({
      method: 'PUT',
      url: '/api/datasets/mnist/split',
      headers: t.auth,
      payload: { testFraction: 0.5, seed: 1 },
    });
    expect(builtin.statusCode).toBe(409);
  });
});
