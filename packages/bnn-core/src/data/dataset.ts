/**
 * A labelled dataset held in memory: `x` holds `count · prod(shape)` floats, sample after sample (images are
 * `[H, W, C]` row-major, channels last); `y` holds one class index per sample.
 */
export interface Dataset {
  name: string;
  x: Float32Array;
  y: Int32Array;
  /** Per-sample shape, e.g. `[28, 28, 1]` or `[N]` for feature vectors. */
  shape: number[];
  numClasses: number;
  /** Class names, index = class id. */
  labels: string[];
}

/** Number of samples of a dataset. */
export function datasetSize(d: Dataset): number {
  return d.y.length;
}

/** Floats per sample. */
export function sampleSize(d: Pick<Dataset, 'shape'>): number {
  return d.shape.reduce((a, b) => a * b, 1);
}

/** Samples `indices` of a dataset as a new dataset (copies). */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const per = sampleSize(d);
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i] as number;
    x.set(d.x.subarray(j * per, (j + 1) * per), i * per);
    y[i] = d.y[j] as number;
  }
  return { name, x, y, shape: d.shape.slice(), numClasses: d.numClasses, labels: d.labels.slice() };
}

/** Throws a message naming the problem when a dataset is inconsistent. */
export function checkDataset(d: Dataset): void {
  const per = sampleSize(d);
  if (!(per > 0)) throw new Error(`dataset '${d.name}': sample shape [${d.shape}] is empty`);
  if (d.x.length !== per * d.y.length) {
    throw new Error(
      `dataset '${d.name}': ${d.x.length} values do not hold ${d.y.length} samples of shape [${d.shape}]`,
    );
  }
  for (let i = 0; i < d.y.length; i++) {
    const c = d.y[i] as number;
    if (c < 0 || c >= d.numClasses) {
      throw new Error(`dataset '${d.name}': sample ${i} has label ${c}, outside 0..${d.numClasses - 1}`);
    }
  }
}
