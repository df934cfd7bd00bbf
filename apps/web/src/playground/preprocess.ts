/**
 * Turns a drawing or a dropped image (grayscale, 0 = background, 1 = ink) into a model input the way MNIST
 * digits were made: crop to the ink's bounding box, scale it to fit a box of 20/28 of the input, centre it by its
 * centre of mass, then map [0, 1] onto the Input's raw value range.
 */
export interface Gray {
  data: Float32Array;
  width: number;
  height: number;
}

/** Box-filter resample of a region of `src` into a `w × h` image. */
function resample(
  src: Gray,
  x0: number,
  y0: number,
  sw: number,
  sh: number,
  w: number,
  h: number,
): Float32Array {
  const out = new Float32Array(w * h);
  const fx = sw / w;
  const fy = sh / h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ax = x0 + x * fx;
      const ay = y0 + y * fy;
      let sum = 0;
      let n = 0;
      for (let yy = Math.floor(ay); yy < Math.ceil(ay + fy); yy++) {
        for (let xx = Math.floor(ax); xx < Math.ceil(ax + fx); xx++) {
          if (xx < 0 || yy < 0 || xx >= src.width || yy >= src.height) {
            n++;
            continue;
          }
          sum += src.data[yy * src.width + xx]!;
          n++;
        }
      }
      out[y * w + x] = n ? sum / n : 0;
    }
  }
  return out;
}

/** Model input `[H, W, C]` (C copies of the gray value) in the Input's value range. */
export function toModelInput(
  src: Gray,
  shape: number[],
  range: [number, number] = [0, 1],
  threshold = 0.05,
): Float32Array {
  const [H, W, C] = shape.length === 3 ? (shape as [number, number, number]) : [shape[0]!, 1, 1];
  let minX = src.width;
  let minY = src.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < src.width; x++)
      if (src.data[y * src.width + x]! > threshold) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
  const img = new Float32Array(H * W);
  if (maxX >= 0) {
    const bw = maxX - minX + 1;
    const bh = maxY - minY + 1;
    const fit = (Math.min(H, W) * 20) / 28;
    const scale = fit / Math.max(bw, bh);
    const tw = Math.max(1, Math.round(bw * scale));
    const th = Math.max(1, Math.round(bh * scale));
    const digit = resample(src, minX, minY, bw, bh, tw, th);
    let mx = 0;
    let my = 0;
    let mass = 0;
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) {
        const v = digit[y * tw + x]!;
        mx += x * v;
        my += y * v;
        mass += v;
      }
    const cx = mass ? mx / mass : tw / 2;
    const cy = mass ? my / mass : th / 2;
    const ox = Math.round(W / 2 - cx);
    const oy = Math.round(H / 2 - cy);
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) {
        const X = x + ox;
        const Y = y + oy;
        if (X >= 0 && Y >= 0 && X < W && Y < H) img[Y * W + X] = Math.min(1, digit[y * tw + x]!);
      }
  }
  const [lo, hi] = range;
  const out = new Float32Array(H * W * C);
  for (let i = 0; i < H * W; i++) for (let c = 0; c < C; c++) out[i * C + c] = lo + img[i]! * (hi - lo);
  return out;
}

/** Grayscale of RGBA pixels; light backgrounds (photos of ink on paper) are inverted so ink is 1. */
export function rgbaToGray(rgba: Uint8ClampedArray, width: number, height: number): Gray {
  const data = new Float32Array(width * height);
  let mean = 0;
  for (let i = 0; i < width * height; i++) {
    const a = rgba[i * 4 + 3]! / 255;
    const v = ((0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!) / 255) * a;
    data[i] = v;
    mean += v;
  }
  mean /= width * height;
  if (mean > 0.5) for (let i = 0; i < data.length; i++) data[i] = 1 - data[i]!;
  return { data, width, height };
}

/** Softmax over scores that are not already probabilities. */
export function toProbabilities(scores: Float32Array): Float32Array {
  let sum = 0;
  let nonNegative = true;
  for (const v of scores) {
    sum += v;
    if (v < 0) nonNegative = false;
  }
  if (nonNegative && Math.abs(sum - 1) < 1e-3) return scores;
  const max = Math.max(...scores);
  const e = scores.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
