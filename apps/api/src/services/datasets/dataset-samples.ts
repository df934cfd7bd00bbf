import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { datasetDto } from './dto.js';
import { loadSplits } from './load-splits.js';
import { type SplitOptions, splitOf, uploadSplit } from './stored-dataset.js';

export interface SampleView {
  label: number;
  split: 'train' | 'test';
  /** Index in the decoded dataset. */
  index: number;
  /** The sample as 8-bit values (value × 255, clamped), HWC order, base64: for drawing, not for training. */
  pixels: string;
}

/**
 * What the dataset page shows: per-class sample counts, the train/test split per class (for a proposed split when
 * `split` is given, else the dataset's own), and up to `perClass` samples of each class (images only).
 */
export async function datasetSamples(
  ctx: Pick<AppContext, 'db' | 'config'>,
  id: string,
  opts: { perClass: number; split?: SplitOptions },
) {
  const row = await ctx.db.dataset.findUnique({ where: { id } });
  if (!row) throw notFound('Dataset', id);
  if (row.status !== 'ready')
    throw new ApiError(409, 'dataset_not_ready', `Dataset '${id}' is ${row.status}.`, 'Upload it again.');
  const dto = datasetDto(row);
  const { train, test, split: splittable } = await loadSplits(ctx, row);
  const classes = Math.max(dto.numClasses ?? 0, dto.labels.length);
  const own = splitOf(dto.options);
  const chosen = opts.split ?? own;
  // Uploads are split by class with a seeded shuffle; the built-in MNIST comes with its fixed split.
  const halves = splittable
    ? uploadSplit(train.y, chosen)
    : { train: [...train.y.keys()], test: [...test.y.keys()] };
  const trainCounts = new Array<number>(classes).fill(0);
  const testCounts = new Array<number>(classes).fill(0);
  for (const i of halves.train) trainCounts[train.y[i]!]!++;
  for (const i of halves.test) testCounts[test.y[i]!]!++;
  const image = train.shape.length === 3;
  const per = train.shape.reduce((a, b) => a * b, 1);
  const samples: SampleView[] = [];
  if (image) {
    const isTest = new Set(splittable ? halves.test : []);
    const taken = new Array<number>(classes).fill(0);
    for (let i = 0; i < train.y.length; i++) {
      const c = train.y[i]!;
      if (taken[c]! >= opts.perClass) continue;
      taken[c]!++;
      const bytes = new Uint8Array(per);
      const x = train.x.subarray(i * per, (i + 1) * per);
      for (let k = 0; k < per; k++) bytes[k] = Math.max(0, Math.min(255, Math.round(x[k]! * 255)));
      samples.push({
        label: c,
        split: isTest.has(i) ? 'test' : 'train',
        index: i,
        pixels: Buffer.from(bytes).toString('base64'),
      });
    }
  }
  return {
    dataset: dto,
    shape: train.shape,
    counts: trainCounts.map((n, c) => n + testCounts[c]!),
    split: {
      fixed: !splittable,
      testFraction: splittable
        ? chosen.testFraction
        : halves.test.length / (halves.train.length + halves.test.length),
      seed: splittable ? chosen.seed : null,
      saved: splittable ? own : null,
      train: trainCounts,
      test: testCounts,
    },
    samples,
  };
}

/** Records a dataset's train/test split; runs started afterwards train and test on it. */
export async function setDatasetSplit(ctx: Pick<AppContext, 'db'>, id: string, split: SplitOptions) {
  const row = await ctx.db.dataset.findUnique({ where: { id } });
  if (!row) throw notFound('Dataset', id);
  if (row.kind === 'builtin')
    throw new ApiError(
      409,
      'builtin_split',
      `Dataset '${id}' is built in and keeps its own train/test split.`,
      'Upload your own dataset to choose its split.',
    );
  const options = { ...(JSON.parse(row.optionsJson) as Record<string, unknown>), split };
  const updated = await ctx.db.dataset.update({
    where: { id },
    data: { optionsJson: JSON.stringify(options) },
  });
  return datasetDto(updated);
}
