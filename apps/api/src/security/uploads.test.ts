// Hostile: image decompression bombs. Uploads decode in the dataset worker thread, after a pixel budget read from
// the images' headers; /api/health keeps answering meanwhile. Issue #12 item 3.
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImageZipBudget, imageSize } from '../services/datasets/image-budget.js';
import { multipart, png } from '../test/dataset-files.js';
import { createTestApp, TEST_TOKEN, type TestApp } from '../test/helpers.js';
import { httpRequest, probeHealth, streamedRequest } from '../test/raw-http.js';

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
}

/** A zip of class folders a/ and b/, `perClass` copies of `image` in each. */
function imageZip(image: Uint8Array, perClass: number): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < perClass; i++) {
    files[`a/${i}.png`] = image;
    files[`b/${i}.png`] = image;
  }
  return Buffer.from(zipSync(files, { level: 9 }));
}

describe('image headers', () => {
  it('reads PNG and JPEG (baseline and progressive) dimensions', () => {
    expect(imageSize(png(7, 5, 0))).toEqual({ width: 7, height: 5 });
    const jpeg = (sof: number) =>
      Uint8Array.from([
        0xff,
        0xd8,
        0xff,
        0xe0,
        0x00,
        0x06,
        0x4a,
        0x46,
        0x49,
        0x46,
        0xff,
        0xff,
        sof,
        0x00,
        0x0b,
        0x08,
        0x01,
        0x2c,
        0x02,
        0x58,
        0x01,
        0x01,
        0x11,
        0x00,
      ]);
    expect(imageSize(jpeg(0xc0))).toEqual({ width: 600, height: 300 });
    expect(imageSize(jpeg(0xc2))).toEqual({ width: 600, height: 300 });
    expect(imageSize(Uint8Array.from([0xff, 0xd8, 0xff]))).toBeNull();
  });

  it('sums pixels from the headers without decoding and refuses over the budget', () => {
    const zip = new Uint8Array(imageZip(png(4000, 4000, 0), 2));
    const t0 = performance.now();
    expect(checkImageZipBudget(zip, { totalPixels: 1e9, imagePixels: 2e7 })).toBe(4 * 16_000_000);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(() => checkImageZipBudget(zip, { totalPixels: 3e7, imagePixels: 2e7 })).toThrow(
      /more than 30000000/,
    );
    expect(() => checkImageZipBudget(zip, { totalPixels: 1e9, imagePixels: 1e6 })).toThrow(/4000×4000/);
  });
});

describe('dataset uploads off the event loop (hostile)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  const upload = (zip: Buffer) => {
    const mp = multipart([{ name: 'bomb.zip', data: zip }]);
    return httpRequest(port, {
      method: 'POST',
      path: '/api/datasets',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, ...mp.headers },
      body: mp.payload,
    });
  };

  it('refuses a zip of 30 PNGs of 4000×4000 (480 M pixels) with 413 before decoding; health answers', async () => {
    const zip = imageZip(png(4000, 4000, 0), 15);
    expect(zip.length).toBeLessThan(2 * 1024 * 1024);
    const probe = probeHealth(port, 50);
    const t0 = performance.now();
    const res = await upload(zip);
    const ms = performance.now() - t0;
    const lat = await probe.stop();
    expect(res.status).toBe(413);
    const err = JSON.parse(res.body).error;
    expect(err.code).toBe('upload_pixel_budget');
    expect(err.fix).toMatch(/Resize the images/);
    expect(err.fix).toMatch(/BNN_STUDIO_MAX_UPLOAD_PIXELS/);
    expect(ms).toBeLessThan(10_000);
    expect(p99(lat)).toBeLessThan(1_000);
    expect(await t.ctx.db.dataset.count({ where: { kind: 'zip' } })).toBe(0);
  });

  it('refuses one oversized image with 413 image_too_large', async () => {
    const res = await upload(imageZip(png(5000, 4000, 0), 1));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('image_too_large');
  });

  it('decodes an accepted upload in the worker thread while health keeps answering within 1 s', async () => {
    const zip = imageZip(png(2500, 2500, 0), 2); // 25 M pixels: seconds of decoding
    const probe = probeHealth(port, 50);
    const res = await upload(zip);
    const lat = await probe.stop();
    expect(res.status, res.body).toBe(201);
    expect(JSON.parse(res.body).dataset.samples).toBe(4);
    expect(lat.length).toBeGreaterThan(3);
    expect(p99(lat)).toBeLessThan(1_000);
  });

  it('refuses a 200 MB IDX upload (over the decoded limit) with 413 from its header, before storing or decoding it', async () => {
    // Generated while sent: the multipart head, an IDX images header of [n, 28, 28] (~200 MB of pixels), zeros in
    // 1 MiB chunks (one shared buffer), the labels part and the closing boundary. Nothing of 200 MB is allocated.
    const n = Math.floor((t.ctx.config.maxUploadBytes - 16) / 784);
    const boundary = '----bnnbomb';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nidx\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bomb-images-idx3-ubyte"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const idxHead = Buffer.alloc(16);
    idxHead.writeUInt32BE(0x00000803, 0);
    idxHead.writeUInt32BE(n, 4);
    idxHead.writeUInt32BE(28, 8);
    idxHead.writeUInt32BE(28, 12);
    const pixels = n * 784;
    const labelsHead = Buffer.alloc(8);
    labelsHead.writeUInt32BE(0x00000801, 0);
    labelsHead.writeUInt32BE(n, 4);
    const labelsPart = Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bomb-labels-idx1-ubyte"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const MiB = 1024 * 1024;
    const zeros = Buffer.alloc(MiB);
    function* body() {
      yield head;
      yield idxHead;
      for (let left = pixels; left > 0; left -= MiB) yield left >= MiB ? zeros : zeros.subarray(0, left);
      yield labelsPart;
      yield labelsHead;
      for (let left = n; left > 0; left -= MiB) yield left >= MiB ? zeros : zeros.subarray(0, left);
      yield tail;
    }
    const length = head.length + 16 + pixels + labelsPart.length + 8 + n + tail.length;
    expect(length).toBeGreaterThan(200 * 1e6);
    const probe = probeHealth(port, 50);
    const t0 = performance.now();
    const res = await streamedRequest(port, {
      path: '/api/datasets',
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      length,
      chunks: body,
    });
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
    const lat = await probe.stop();
    expect(res.status, res.body.slice(0, 300)).toBe(413);
    const err = JSON.parse(res.body).error;
    expect(err.code).toBe('dataset_too_large');
    expect(err.message).toMatch(/bomb-images-idx3-ubyte/);
    expect(err.message).toMatch(/over the 512 MiB decoded-dataset limit/);
    expect(err.fix).toMatch(/fewer or smaller samples/);
    // Refused from the header: the answer came long before the 200 MB were sent, and quickly.
    expect(res.sent).toBeLessThan(64 * MiB);
    expect(ms).toBeLessThan(5_000);
    expect(lat.length).toBeGreaterThan(0);
    expect(p99(lat), JSON.stringify(lat.map(Math.round))).toBeLessThan(1_000);
    expect(await t.ctx.db.dataset.count({ where: { kind: 'idx' } })).toBe(0);
    // The server still serves this connection's successors (the refused body did not wedge it).
    const health = await httpRequest(port, { path: '/api/health' });
    expect(health.status).toBe(200);
  });
});
