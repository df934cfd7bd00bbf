/**
 * Resampling and relabelling of in-memory image datasets, e.g. to train a 96×96 preset on the built-in MNIST
 * digits: `resizeDataset(loadMnist().test, [96, 96])`.
 *
 * Bilinear interpolation with half-pixel centres (the convention of `tf.image.resizeBilinear` with
 * `halfPixelCenters: true`, PIL and OpenCV): output pixel (y, x) samples the source at
 * `((y + ½)·H_in/H_out − ½, (x + ½)·W_in/W_out − ½)`, clamped to the image, and mixes its four neighbours with
 * weights `(1 − wy)(1 − wx)`, `(1 − wy)wx`, `wy(1 − wx)`, `wy·wx`. Channels are resampled independently, so the
 * value range is kept (a convex combination never leaves [min, max] of the source).
 */
import { type Dataset, sampleSize } from './dataset.js';

/** Largest resized dataset built in memory at once (floats): 1 GiB of Float32. */
export const MAX_RESIZED_FLOATS = 2 ** 28;

/**
 * Resizes one `[H, W, C]` image (row-major, channels last) read from `src` at `srcAt` into `dst` at `dstAt` as
 * `[outH, outW, C]`.
 */
export function resizeBilinearInto(
  src: Float32Array,
  srcAt: number,
  [H, W, C]: readonly [number, number, number],
  dst: Float32Array,
  dstAt: number,
  [outH, outW]: readonly [number, number],
): void {
  const sy = H / outH;
  const sx = W / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(H - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(H - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(W - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(W - 1, x0 + 1);
      const wx = fx - x0;
      const r0 = srcAt + y0 * W * C;
      const r1 = srcAt + y1 * W * C;
      const o = dstAt + (y * outW + x) * C;
      for (let c = 0; c < C; c++) {
        const top = src[r0 + x0 * C + c]! * (1 - wx) + src[r0 + x1 * C + c]! * wx;
        const bottom = src[r1 + x0 * C + c]! * (1 - wx) + src[r1 + x1 * C + c]! * wx;
        dst[o + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
}

/** Every image of an `[H, W, C]` dataset resized (bilinear, half-pixel centres) to `[outH, outW, C]`. */
export function resizeDataset(d: Dataset, [outH, outW]: readonly [number, number], name?: string): Dataset {
  if (d.shape.length !== 3) {
    throw new Error(
      `bnn-core/data resizeDataset: dataset '${d.name}' has samples of shape [${d.shape}], not images [H, W, C]; only image datasets can be resized`,
    );
  }
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1) {
    throw new Error(
      `bnn-core/data resizeDataset: target size [${outH}, ${outW}] is not two positive integers; pass e.g. [96, 96]`,
    );
  }
  const [H, W, C] = d.shape as [number, number, number];
  const n = d.y.length;
  const per = outH * outW * C;
  if (n * per > MAX_RESIZED_FLOATS) {
    throw new Error(
      `bnn-core/data resizeDataset: ${n} images of ${outH}×${outW}×${C} need ${n * per} floats, over the ${MAX_RESIZED_FLOATS} limit; resize a subset (subset()) or pick a smaller size`,
    );
  }
  const x = new Float32Array(n * per);
  const inPer = sampleSize(d);
  for (let i = 0; i < n; i++) resizeBilinearInto(d.x, i * inPer, [H, W, C], x, i * per, [outH, outW]);
  return {
    name: name ?? `${d.name} (${outH}×${outW})`,
    x,
    y: d.y.slice(),
    shape: [outH, outW, C],
    numClasses: d.numClasses,
    labels: d.labels.slice(),
  };
}

/**
 * The same samples with new classes: `classOf[oldClass]` is the new class index, `labels` the new class names
 * (e.g. MNIST digits → even / odd).
 */
export function relabelDataset(
  d: Dataset,
  classOf: readonly number[],
  labels: readonly string[],
  name?: string,
): Dataset {
  if (classOf.length !== d.numClasses) {
    throw new Error(
      `bnn-core/data relabelDataset: the mapping has ${classOf.length} entries but dataset '${d.name}' has ${d.numClasses} classes; give one new class per old class`,
    );
  }
  const bad = classOf.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= labels.length);
  if (bad >= 0) {
    throw new Error(
      `bnn-core/data relabelDataset: class '${d.labels[bad]}' maps to ${classOf[bad]}, outside 0..${labels.length - 1}; map every class to an index of labels`,
    );
  }
  return {
    name: name ?? d.name,
    x: d.x.slice(),
    y: d.y.map((c) => classOf[c]!),
    shape: d.shape.slice(),
    numClasses: labels.length,
    labels: labels.slice(),
  };
}
