// The decoding budget of an image-folder zip, read from the images' headers before anything is decoded: each
// entry's first bytes are inflated (at most HEADER_BYTES_MAX) to read the PNG IHDR or the JPEG SOF dimensions.
// Decoding cost grows with the source pixels (a 4000×4000 PNG of zeros compresses to kilobytes but takes about a
// second to decode), so an upload whose images hold more than the budget is refused up front.
import { Inflate } from 'fflate';

/** Images the loader decodes (bnn-core/data/image-zip.ts): .png/.jpg/.jpeg outside dot folders and __MACOSX. */
const IMAGE_EXT = /\.(png|jpe?g)$/i;
const ignored = (path: string) =>
  path.endsWith('/') || path.split('/').some((p) => p.startsWith('.') || p === '__MACOSX');

/** JPEG headers (EXIF, ICC profiles) may precede the frame header; beyond this the image is refused. */
const HEADER_BYTES_MAX = 512 * 1024;

export interface PixelBudget {
  /** Source pixels (width × height) summed over the upload's images. */
  totalPixels: number;
  /** Source pixels of one image. */
  imagePixels: number;
}

export class ImageBudgetError extends Error {
  constructor(
    readonly code: 'pixel_budget' | 'image_too_large' | 'image_header',
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** Entries of the zip's central directory (zip64 archives are refused: uploads are far below 4 GiB). */
function centralDirectory(zip: Uint8Array): Entry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new ImageBudgetError('image_header', 'The zip has no central directory.', 'Upload a valid .zip.');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (count === 0xffff || p === 0xffffffff)
    throw new ImageBudgetError(
      'image_header',
      'The zip uses zip64 records.',
      'Upload a plain (non-zip64) .zip.',
    );
  const entries: Entry[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || view.getUint32(p, true) !== 0x02014b50)
      throw new ImageBudgetError(
        'image_header',
        'The zip central directory is corrupt.',
        'Upload a valid .zip.',
      );
    const nameLen = view.getUint16(p + 28, true);
    entries.push({
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      localOffset: view.getUint32(p + 42, true),
      name: decoder.decode(zip.subarray(p + 46, p + 46 + nameLen)),
    });
    p += 46 + nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return entries;
}

/** Calls `enough(bytesSoFar)` as the entry inflates, until it answers non-null or the data ends. */
function readHead<T>(
  zip: Uint8Array,
  e: Entry,
  enough: (head: Uint8Array, done: boolean) => T | null,
): T | null {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const lh = e.localOffset;
  if (lh + 30 > zip.length || view.getUint32(lh, true) !== 0x04034b50) return null;
  const start = lh + 30 + view.getUint16(lh + 26, true) + view.getUint16(lh + 28, true);
  const data = zip.subarray(start, Math.min(zip.length, start + e.compressedSize));
  if (e.method === 0) return enough(data.subarray(0, HEADER_BYTES_MAX), true);
  if (e.method !== 8) return null;
  let head = new Uint8Array(0);
  let result: T | null = null;
  let stop = false;
  const inflate = new Inflate((chunk) => {
    if (stop) return;
    const grown = new Uint8Array(head.length + chunk.length);
    grown.set(head);
    grown.set(chunk, head.length);
    head = grown.subarray(0, Math.min(grown.length, HEADER_BYTES_MAX));
    result = enough(head, false);
    if (result !== null || head.length >= HEADER_BYTES_MAX) stop = true;
  });
  try {
    for (let o = 0; o < data.length && !stop; o += 4096)
      inflate.push(data.subarray(o, o + 4096), o + 4096 >= data.length);
  } catch {
    return null;
  }
  return result ?? (stop ? null : enough(head, true));
}

/** Width and height from a PNG IHDR or a JPEG SOFn header; null until enough bytes are there. */
export function imageSize(head: Uint8Array): { width: number; height: number } | null {
  const u32 = (i: number) =>
    ((head[i]! << 24) | (head[i + 1]! << 16) | (head[i + 2]! << 8) | head[i + 3]!) >>> 0;
  const u16 = (i: number) => (head[i]! << 8) | head[i + 1]!;
  if (head.length >= 24 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47)
    return { width: u32(16), height: u32(20) };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= head.length) {
      if (head[i] !== 0xff) return null;
      const marker = head[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) {
        if (i + 9 > head.length) return null;
        return { width: u16(i + 7), height: u16(i + 5) };
      }
      if (marker === 0xda || marker === 0xd9) return { width: 0, height: 0 };
      i += 2 + u16(i + 2);
    }
  }
  return null;
}

/**
 * Sums the source pixels of the zip's images from their headers and refuses, before any decoding, an image over
 * `budget.imagePixels` or a total over `budget.totalPixels`. Returns the total.
 */
export function checkImageZipBudget(zip: Uint8Array, budget: PixelBudget): number {
  let total = 0;
  let images = 0;
  for (const e of centralDirectory(zip)) {
    if (ignored(e.name) || !IMAGE_EXT.test(e.name)) continue;
    const size = readHead(
      zip,
      e,
      (head, done) => imageSize(head) ?? (done ? { width: -1, height: -1 } : null),
    );
    if (!size || size.width <= 0 || size.height <= 0)
      throw new ImageBudgetError(
        'image_header',
        `The image '${e.name.slice(0, 100)}' has no readable PNG/JPEG header.`,
        'Re-save the image as PNG or baseline JPEG.',
      );
    const px = size.width * size.height;
    if (px > budget.imagePixels)
      throw new ImageBudgetError(
        'image_too_large',
        `The image '${e.name.slice(0, 100)}' is ${size.width}×${size.height} (${px} pixels); one image may have at most ${budget.imagePixels}.`,
        'Resize the images (training uses small inputs, e.g. 28×28 or 96×96) and upload again.',
      );
    total += px;
    images++;
    if (total > budget.totalPixels)
      throw new ImageBudgetError(
        'pixel_budget',
        `The zip's images hold more than ${budget.totalPixels} pixels (over the budget after ${images} images); decoding them would take minutes of CPU.`,
        'Resize the images before zipping them (training resizes to small inputs, e.g. 28×28 or 96×96), upload fewer images, or raise BNN_STUDIO_MAX_UPLOAD_PIXELS.',
      );
  }
  return total;
}
