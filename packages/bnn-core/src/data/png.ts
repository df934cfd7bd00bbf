/**
 * A small PNG decoder (no Node Buffer, so it runs in browsers and workers): 8- and 16-bit grey, grey+alpha,
 * RGB, RGBA and 1/2/4/8-bit palette images, non-interlaced. Output is RGBA, 8 bits per channel.
 * Spec facts used: chunks are length · type · data · CRC; IDAT data concatenated is one zlib stream; each
 * scanline starts with a filter byte (0 none, 1 sub, 2 up, 3 average, 4 Paeth) applied per byte with
 * bpp = bytes per complete pixel (at least 1).
 */
import { unzlibSync } from 'fflate';

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function decodePng(bytes: Uint8Array, maxPixels: number): RgbaImage {
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== SIGNATURE[i]) throw new Error('not a PNG file (bad signature)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= bytes.length) {
    const len = dv.getUint32(pos, false);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw new Error(`truncated PNG (chunk ${type})`);
    if (type === 'IHDR') {
      width = dv.getUint32(pos + 8, false);
      height = dv.getUint32(pos + 12, false);
      depth = data[8]!;
      colorType = data[9]!;
      if (data[12] !== 0) throw new Error('interlaced PNGs are not supported; re-save without interlacing');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height) throw new Error('PNG has no IHDR chunk');
  if (width * height > maxPixels)
    throw new Error(`PNG is ${width}×${height}, over the ${maxPixels}-pixel limit`);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (!channels) throw new Error(`PNG colour type ${colorType} is not valid`);
  if (![1, 2, 4, 8, 16].includes(depth)) throw new Error(`PNG bit depth ${depth} is not valid`);
  if (colorType === 3 && !palette) throw new Error('palette PNG without a PLTE chunk');
  const total = idat.reduce((a, c) => a + c.length, 0);
  const z = new Uint8Array(total);
  let o = 0;
  for (const c of idat) {
    z.set(c, o);
    o += c.length;
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(z);
  } catch (err) {
    throw new Error(`corrupt PNG image data (${(err as Error).message})`);
  }
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < height * (stride + 1)) throw new Error('truncated PNG image data');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0;
      const b = prev ? prev[i]! : 0;
      const c = prev && i >= bpp ? prev[i - bpp]! : 0;
      let v = line[i]!;
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`PNG scanline ${y} has unknown filter ${filter}`);
      }
      out[i] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  const sample = (y: number, idx: number): number => {
    // Sample `idx` (in units of `depth` bits) of row y, scaled to 8 bits (palette indices unscaled).
    const row = y * stride;
    if (depth === 8) return pixels[row + idx]!;
    if (depth === 16) return pixels[row + 2 * idx]!;
    const bit = idx * depth;
    const v = (pixels[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return colorType === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = (y * width + x) * 4;
      const s = x * channels;
      if (colorType === 3) {
        const i = sample(y, s);
        rgba[d] = palette![3 * i] ?? 0;
        rgba[d + 1] = palette![3 * i + 1] ?? 0;
        rgba[d + 2] = palette![3 * i + 2] ?? 0;
        rgba[d + 3] = trns && i < trns.length ? trns[i]! : 255;
      } else if (colorType === 0 || colorType === 4) {
        const g = sample(y, s);
        rgba[d] = g;
        rgba[d + 1] = g;
        rgba[d + 2] = g;
        rgba[d + 3] = colorType === 4 ? sample(y, s + 1) : 255;
      } else {
        rgba[d] = sample(y, s);
        rgba[d + 1] = sample(y, s + 1);
        rgba[d + 2] = sample(y, s + 2);
        rgba[d + 3] = colorType === 6 ? sample(y, s + 3) : 255;
      }
    }
  }
  return { width, height, data: rgba };
}
