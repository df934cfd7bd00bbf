import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idx, png, postDataset } from '../test/dataset-files.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

describe.each(testProviders())('dataset uploads (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { env: { BNN_STUDIO_MAX_UPLOAD_BYTES: '200000' } });
  });
  afterAll(async () => t?.close());

  const upload = async (files: { name: string; data: Buffer }[], fields?: Record<string, string>) => {
    const res = await postDataset(t, files, fields);
    return { status: res.statusCode, body: res.json() };
  };
  const datasetCount = () => t.ctx.db.dataset.count();

  it('accepts MNIST-style IDX images + labels', async () => {
    const res = await upload(
      [
        { name: 'labels-idx1-ubyte', data: idx([20], (i) => i % 3) },
        { name: 'images-idx3-ubyte', data: idx([20, 8, 8], (i) => i % 251) },
      ],
      { name: 'tiny idx' },
    );
    expect(res.status).toBe(201);
    expect(res.body.dataset).toMatchObject({
      name: 'tiny idx',
      kind: 'idx',
      samples: 20,
      shape: [8, 8, 1],
      numClasses: 3,
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/datasets', headers: t.auth });
    expect(list.json().datasets.map((d: { id: string }) => d.id)).toContain(res.body.dataset.id);
  });

  it('rejects truncated or mismatched IDX files without leaving a row', async () => {
    const before = await datasetCount();
    const truncated = idx([20, 8, 8], () => 1).subarray(0, 100);
    const r1 = await upload([
      { name: 'a-idx3-ubyte', data: truncated },
      { name: 'b-idx1-ubyte', data: idx([20], () => 0) },
    ]);
    expect(r1.status).toBe(422);
    expect(r1.body.error.code).toBe('idx_truncated');
    const r2 = await upload([
      { name: 'a-idx3-ubyte', data: idx([20, 8, 8], () => 1) },
      { name: 'b-idx1-ubyte', data: idx([19], () => 0) },
    ]);
    expect(r2.body.error.code).toBe('idx_count_mismatch');
    const r3 = await upload([{ name: 'a-idx3-ubyte', data: idx([20, 8, 8], () => 1) }]);
    expect(r3.body.error.code).toBe('idx_needs_two_files');
    expect(await datasetCount()).toBe(before);
  });

  it('accepts CSV and names the bad cell otherwise', async () => {
    const good = await upload([{ name: 'iris.csv', data: Buffer.from('a,b,label\n1,2,x\n3,4,y\n5,6,x\n') }]);
    expect(good.status).toBe(201);
    expect(good.body.dataset).toMatchObject({
      kind: 'csv',
      samples: 3,
      shape: [2],
      numClasses: 2,
      labels: ['x', 'y'],
    });
    const bad = await upload([{ name: 'bad.csv', data: Buffer.from('a,b,label\n1,oops,x\n') }]);
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/Line 2, column 'b'/);
  });

  it('accepts an image-folder zip and refuses zip-slip paths', async () => {
    const img = png(8, 8, 200);
    const ok = zipSync({ 'cats/1.png': img, 'cats/2.png': png(8, 8, 10), 'dogs/1.png': img });
    const good = await upload([{ name: 'pets.zip', data: Buffer.from(ok) }]);
    expect(good.status).toBe(201);
    expect(good.body.dataset).toMatchObject({
      kind: 'zip',
      samples: 3,
      labels: ['cats', 'dogs'],
      numClasses: 2,
    });
    expect(good.body.dataset.shape).toHaveLength(3);
    const fake = await upload([
      { name: 'fake.zip', data: Buffer.from(zipSync({ 'a/1.png': new Uint8Array([1, 2]), 'b/1.png': img })) },
    ]);
    expect(fake.status).toBe(422);
    expect(fake.body.error.code).toBe('dataset_invalid');
    const evil = zipSync({ '../../evil/1.png': img, 'cats/1.png': img, 'dogs/1.png': img });
    const res = await upload([{ name: 'evil.zip', data: Buffer.from(evil) }]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('zip_unsafe_path');
  });

  it('enforces the upload size limit', async () => {
    const before = await datasetCount();
    const res = await upload([{ name: 'big.csv', data: Buffer.alloc(300_000, 0x31) }]);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('upload_too_large');
    expect(await datasetCount()).toBe(before);
  });

  it('refuses non-multipart uploads', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/datasets',
      headers: t.auth,
      payload: { a: 1 },
    });
    expect(res.statusCode).toBe(415);
  });
});
