/**
 * A zip of class-named folders of PNG/JPEG images (`cats/001.png`, `dogs/x.jpg`, optionally under one common
 * top folder). Each image is decoded, resized (bilinear) to `size`, converted to grey (ITU-R BT.601 luma) or RGB,
 * scaled to [0, 1]. Classes are the folder names, sorted. Entries are decompressed one at a time, so at most one
 * image plus the decoded dataset are in memory; the decoded dataset is limited to MAX_DATASET_BYTES.
 */
import { unzipSync } from 'fflate';
import * as jpeg from 'jpeg-js';
import type { Dataset } from './dataset.js';
import { checkDecodedSize, DatasetError, MAX_FILE_BYTES, MAX_IMAGE_BYTES } from './limits.js';
import { decodePng, type RgbaImage } from './png.js';

export interface ImageZipOptions {
  name?: string;
  /** Zip file name used in error messages. */
  file?: string;
  /** Output size [height, width]; default [28, 28]. */
  size?: [number, number];
  /** 1 = grey, 3 = RGB; default 1. */
  channels?: 1 | 3;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;

function ignored(path: string): boolean {
  return path.endsWith('/') || path.split('/').some((p) => p.startsWith('.') || p === '__MACOSX');
}

function resizeBilinear(
  img: RgbaImage,
  H: number,
  W: number,
  channels: 1 | 3,
  out: Float32Array,
  at: number,
) {
  const sy = img.height / H;
  const sx = img.width / W;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const px = (yy: number, xx: number, c: number) => img.data[(yy * img.width + xx) * 4 + c]!;
      const rgb = [0, 1, 2].map(
        (c) =>
          (px(y0, x0, c) * (1 - wx) + px(y0, x1, c) * wx) * (1 - wy) +
          (px(y1, x0, c) * (1 - wx) + px(y1, x1, c) * wx) * wy,
      );
      const o = at + (y * W + x) * channels;
      if (channels === 1) out[o] = (0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!) / 255;
      else for (let c = 0; c < 3; c++) out[o + c] = rgb[c]! / 255;
    }
  }
}

export function loadImageFolderZip(bytes: Uint8Array, opts: ImageZipOptions = {}): Dataset {
  const file = opts.file ?? 'images.zip';
  const [H, W] = opts.size ?? [28, 28];
  const channels = opts.channels ?? 1;
  if (bytes.length > MAX_FILE_BYTES)
    throw new DatasetError(file, `is larger than the ${MAX_FILE_BYTES / 2 ** 20} MiB limit`);
  // Pass 1: list entries without decompressing anything.
  const entries: { name: string; size: number }[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (err) {
    throw new DatasetError(file, `is not a valid zip file (${(err as Error).message})`);
  }
  const files = entries.filter((e) => !ignored(e.name));
  if (files.length === 0)
    throw new DatasetError(file, 'contains no images; put PNG/JPEG files in one folder per class');
  for (const f of files) {
    if (!IMAGE_EXT.test(f.name)) {
      throw new DatasetError(
        `${file}/${f.name}`,
        'is not a PNG or JPEG image (only .png, .jpg, .jpeg are accepted)',
      );
    }
    if (f.size > MAX_IMAGE_BYTES) {
      throw new DatasetError(
        `${file}/${f.name}`,
        `is ${Math.ceil(f.size / 2 ** 20)} MiB, over the per-image limit`,
      );
    }
  }
  // The class is the image's parent folder; a common top folder is allowed.
  const classOf = (name: string) => {
    const parts = name.split('/');
    return parts.length >= 2 ? parts[parts.length - 2]! : '';
  };
  const missing = files.find((f) => classOf(f.name) === '');
  if (missing)
    throw new DatasetError(`${file}/${missing.name}`, 'is not inside a class folder (e.g. cats/001.png)');
  const labels = [...new Set(files.map((f) => classOf(f.name)))].sort();
  if (labels.length < 2)
    throw new DatasetError(
      file,
      `has only one class folder ('${labels[0]}'); a classifier needs at least two`,
    );
  const per = H * W * channels;
  checkDecodedSize(file, files.length * per);
  const x = new Float32Array(files.length * per);
  const y = new Int32Array(files.length);
  const index = new Map(labels.map((l, i) => [l, i]));
  files.forEach((f, i) => {
    // Pass 2: decompress one entry at a time.
    const one = unzipSync(bytes, { filter: (e) => e.name === f.name })[f.name];
    const where = `${file}/${f.name}`;
    if (!one) throw new DatasetError(where, 'could not be read from the zip');
    let img: RgbaImage;
    try {
      if (/\.png$/i.test(f.name)) img = decodePng(one, MAX_IMAGE_BYTES / 4);
      else {
        const j = jpeg.decode(one, {
          useTArray: true,
          formatAsRGBA: true,
          maxMemoryUsageInMB: MAX_IMAGE_BYTES / 2 ** 20,
        });
        img = { width: j.width, height: j.height, data: j.data as Uint8Array };
      }
    } catch (err) {
      throw new DatasetError(where, `cannot be decoded: ${(err as Error).message}`);
    }
    resizeBilinear(img, H, W, channels, x, i * per);
    y[i] = index.get(classOf(f.name))!;
  });
  return { name: opts.name ?? file, x, y, shape: [H, W, channels], numClasses: labels.length, labels };
}
