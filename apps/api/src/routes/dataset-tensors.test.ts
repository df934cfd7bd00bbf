import type { TensorsHeader } from '@bnn-studio/bnn-core';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadSplit } from '../services/datasets/stored-dataset.js';
import { idx, png, postDataset } from '../test/dataset-files.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';
import { MAX_BROWSER_TENSOR_BYTES } from './dataset-tensors.js';

/** An independent reader of the BNNT body (the format API.md documents). */
function readTensors(body: Buffer): { header: TensorsHeader; x: Float32Array; y: number[] } {
  expect(body.subarray(0, 4).toString('latin1')).toBe('BNNT');
  expect(body.readUInt32LE(4)).toBe(1);
  const len = body.readUInt32LE(8);
  const header = JSON.parse(body.subarray(12, 12 + len).toString('utf8')) as TensorsHeader;
  expect(header.x.offset % 8).toBe(0);
  expect(header.x.offset).toBeGreaterThanOrEqual(12 + len);
  expect(header.y.offset).toBeGreaterThanOrEqual(header.x.offset + header.x.byteLength);
  expect(body.length).toBe(header.y.offset + header.y.byteLength);
  const n = header.train + header.test;
  const per = header.shape.reduce((a, b) => a * b, 1);
  const raw = body.subarray(header.x.offset, header.x.offset + header.x.byteLength);
  const x = new Float32Array(n * per);
  if (header.x.dtype === 'uint8') for (let i = 0; i < x.length; i++) x[i] = raw[i]! * header.x.scale;
  else x.set(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
  const yRaw = body.subarray(header.y.offset, header.y.offset + header.y.byteLength);
  const y =
    header.y.dtype === 'uint8'
      ? Array.from(yRaw)
      : Array.from({ length: n }, (_, i) => yRaw.readUInt16LE(2 * i));
  return { header, x, y };
}

describe.each(testProviders())('GET /api/datasets/:id/tensors (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(async () => t?.close());

  const upload = async (files: { name: string; data: Buffer }[], fields?: Record<string, string>) => {
    const res = await postDataset(t, files, fields);
    expect(res.statusCode).toBe(201);
    return res.json().dataset as { id: string };
  };
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth });

  it('serves an uploaded IDX dataset as uint8 pixels, the training split then the stratified test split', async () => {
    const pixel = (s: number, p: number) => (s * 37 + p * 11) % 256;
    const ds = await upload(
      [
        { name: 'images-idx3-ubyte', data: idx([23, 6, 5], (i) => pixel(Math.floor(i / 30), i % 30)) },
        { name: 'labels-idx1-ubyte', data: idx([23], (i) => (i * 7) % 4) },
      ],
      { name: 'tiny' },
    );
    const res = await get(`/api/datasets/${ds.id}/tensors`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const { header, x, y } = readTensors(res.rawPayload);
    expect(header).toMatchObject({
      format: 'bnn-studio.tensors',
      dataset: { id: ds.id, name: 'tiny', kind: 'idx' },
      shape: [6, 5, 1],
      numClasses: 4,
      labels: ['0', '1', '2', '3'],
      train: 19,
      test: 4,
      trainTotal: 19,
      testTotal: 4,
      x: { dtype: 'uint8', scale: 1 / 255, byteLength: 23 * 30 },
      y: { dtype: 'uint8', byteLength: 23 },
    });
    const labels = Array.from({ length: 23 }, (_, i) => (i * 7) % 4);
    const split = uploadSplit(labels);
    expect(new Set(split.test.map((i) => labels[i]))).toEqual(new Set([0, 1, 2, 3]));
    const order = [...split.train, ...split.test];
    expect(y).toEqual(order.map((s) => (s * 7) % 4));
    // Exactly the float32 values the loader gives training: pixel / 255.
    order.forEach((s, k) => {
      for (let p = 0; p < 30; p++) expect(x[k * 30 + p]).toBe(Math.fround(pixel(s, p) / 255));
    });
  });

  it('takes evenly strided subsets with maxTrainSamples / maxTestSamples', async () => {
    const ds = await upload([
      { name: 'images-idx3-ubyte', data: idx([50, 2, 2], (i) => Math.floor(i / 4)) },
      { name: 'labels-idx1-ubyte', data: idx([50], (i) => i % 2) },
    ]);
    const res = await get(`/api/datasets/${ds.id}/tensors?maxTrainSamples=4&maxTestSamples=3`);
    expect(res.statusCode).toBe(200);
    const { header, x } = readTensors(res.rawPayload);
    expect(header).toMatchObject({ train: 4, test: 3, trainTotal: 40, testTotal: 10 });
    const { train: trainSplit, test: testSplit } = uploadSplit(Array.from({ length: 50 }, (_, i) => i % 2));
    const expected = [...[0, 10, 20, 30].map((i) => trainSplit[i]!), ...[0, 3, 6].map((i) => testSplit[i]!)];
    // Every pixel of sample s is s (so the first pixel names the sample).
    expect(Array.from({ length: 7 }, (_, k) => Math.round(x[k * 4]! * 255))).toEqual(expected);
  });

  it('serves CSV features as exact float32 and class names as labels', async () => {
    const csv = 'f1,f2,label\n0.5,-1.25,cat\n3.1,2,dog\n-7,0.001,cat\n1,1,bird\n2,2,dog\n';
    const ds = await upload([{ name: 'pets.csv', data: Buffer.from(csv) }]);
    const res = await get(`/api/datasets/${ds.id}/tensors`);
    expect(res.statusCode).toBe(200);
    const { header, x, y } = readTensors(res.rawPayload);
    expect(header).toMatchObject({ shape: [2], numClasses: 3, train: 4, test: 1, x: { dtype: 'float32' } });
    const names = header.labels;
    expect([...names].sort()).toEqual(['bird', 'cat', 'dog']);
    // 5 rows → 1 test row, drawn from the class with the largest share (cat and dog tie: the lower class id).
    const rows = [
      [0.5, -1.25],
      [3.1, 2],
      [-7, 0.001],
      [1, 1],
      [2, 2],
    ];
    const rowLabels = ['cat', 'dog', 'cat', 'bird', 'dog'];
    const { train, test } = uploadSplit(rowLabels.map((l) => names.indexOf(l)));
    expect(test).toHaveLength(1);
    expect(Array.from(x)).toEqual([...train, ...test].flatMap((r) => rows[r]!).map(Math.fround));
    expect(y.map((c) => names[c])).toEqual([...train, ...test].map((r) => rowLabels[r]));
  });

  it('serves an image-folder zip decoded by the same loader as server training', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) {
      files[`cats/${i}.png`] = png(8, 8, 20 + i);
      files[`dogs/${i}.png`] = png(8, 8, 200 + i);
    }
    const upload1 = await upload([{ name: 'pets.zip', data: Buffer.from(zipSync(files)) }]);
    const row = (await get(`/api/datasets/${upload1.id}`)).json().dataset;
    const res = await get(`/api/datasets/${upload1.id}/tensors`);
    expect(res.statusCode).toBe(200);
    const { header, x, y } = readTensors(res.rawPayload);
    expect(header).toMatchObject({
      shape: row.shape,
      labels: ['cats', 'dogs'],
      train: 8,
      test: 2,
      x: { dtype: 'uint8' },
    });
    const per = header.shape.reduce((a, b) => a * b, 1);
    // Every pixel of a sample has its image's grey level (cats are dark, dogs bright).
    y.forEach((c, k) => {
      const v = x[k * per]!;
      expect(c === 0 ? v < 0.2 : v > 0.7).toBe(true);
      expect(new Set(x.subarray(k * per, (k + 1) * per)).size).toBe(1);
    });
  });

  it('answers unknown ids, bad queries, oversized and missing datasets with coded errors', async () => {
    const unknown = await get('/api/datasets/ds_nope/tensors');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'not_found',
      message: "Dataset 'ds_nope' does not exist.",
    });

    const ds = await upload([
      { name: 'images-idx3-ubyte', data: idx([10, 2, 2], () => 1) },
      { name: 'labels-idx1-ubyte', data: idx([10], (i) => i % 2) },
    ]);
    const bad = await get(`/api/datasets/${ds.id}/tensors?maxTrainSamples=0`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');

    // A dataset whose recorded size is over the limit is refused before anything is decoded; the answer says how
    // many samples would fit.
    await t.ctx.db.dataset.create({
      data: {
        id: 'ds_huge',
        name: 'huge',
        kind: 'idx',
        storagePath: 'datasets/ds_huge',
        samples: 200_000,
        numClasses: 10,
        shapeJson: JSON.stringify([28, 28, 1]),
        labelsJson: JSON.stringify([]),
      },
    });
    const huge = await get('/api/datasets/ds_huge/tensors');
    expect(huge.statusCode).toBe(413);
    const fit = Math.floor(MAX_BROWSER_TENSOR_BYTES / (784 * 4));
    expect(huge.json().error).toMatchObject({
      code: 'dataset_too_large_for_browser',
      details: { maxSamples: fit },
    });
    expect(huge.json().error.fix).toContain(`at most ${fit} samples`);
    // Within the limit, but its files are gone: a clear 409, not a 500.
    const gone = await get('/api/datasets/ds_huge/tensors?maxTrainSamples=1000&maxTestSamples=100');
    expect(gone.statusCode).toBe(409);
    expect(gone.json().error.code).toBe('dataset_files_missing');

    const anonymous = await t.app.inject({ method: 'GET', url: `/api/datasets/${ds.id}/tensors` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const op = doc.paths['/api/datasets/{id}/tensors'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'id',
      'maxTestSamples',
      'maxTrainSamples',
    ]);
  });

  it('serves the built-in MNIST split', async () => {
    const res = await get('/api/datasets/mnist/tensors?maxTrainSamples=100&maxTestSamples=50');
    expect(res.statusCode).toBe(200);
    const { header, x, y } = readTensors(res.rawPayload);
    expect(header).toMatchObject({ shape: [28, 28, 1], numClasses: 10, train: 100, test: 50 });
    expect(header.trainTotal + header.testTotal).toBe(10_000);
    expect(x.length).toBe(150 * 784);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(new Set(y).size).toBe(10);
  });
});
