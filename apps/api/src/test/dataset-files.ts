// Dataset files for upload tests: IDX, real PNGs and multipart bodies, built in memory.
import { crc32, deflateSync } from 'node:zlib';
import type { TestApp } from './helpers.js';

/** An IDX file (unsigned bytes) of the given dims, element i = fill(i). */
export function idx(dims: number[], fill: (i: number) => number): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  const n = dims.reduce((a, b) => a * b, 1);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = fill(i);
  return Buffer.concat([header, body]);
}

/** A real w×h 8-bit greyscale PNG filled with `value`. */
export function png(w: number, h: number, value: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y++) raw.fill(value, y * (w + 1) + 1, (y + 1) * (w + 1));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

export function multipart(
  files: { field?: string; name: string; data: Buffer }[],
  fields: Record<string, string> = {},
) {
  const boundary = `----bnn${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** POSTs `files` (and form `fields`) to /api/datasets as one multipart body, authenticated. */
export function postDataset(
  t: TestApp,
  files: { field?: string; name: string; data: Buffer }[],
  fields?: Record<string, string>,
) {
  const { payload, headers } = multipart(files, fields);
  return t.app.inject({ method: 'POST', url: '/api/datasets', headers: { ...t.auth, ...headers }, payload });
}
