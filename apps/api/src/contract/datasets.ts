import { z } from 'zod';
import { IsoDate } from './common.js';

export const Dataset = z.object({
  id: z.string(),
  name: z.string(),
  /** 'builtin' (MNIST) or the uploaded kind (idx, zip, csv). */
  kind: z.string(),
  builtin: z.boolean(),
  status: z.string(),
  bytes: z.number().int(),
  samples: z.number().int(),
  numClasses: z.number().int(),
  /** Per-sample shape, e.g. [28, 28, 1]. */
  shape: z.array(z.number().int()),
  labels: z.array(z.string()),
  /** Loader options recorded at upload (CSV labelColumn, image size/channels). */
  options: z.record(z.string(), z.unknown()),
  createdAt: IsoDate,
});
export type Dataset = z.infer<typeof Dataset>;

/** GET /api/datasets */
export const DatasetListResponse = z.object({ datasets: z.array(Dataset) });
/** POST /api/datasets, GET /api/datasets/:id */
export const DatasetResponse = z.object({ dataset: Dataset });

/** An uploaded dataset's train/test split: the share of each class held out for testing and the shuffle's seed. */
export const DatasetSplit = z.object({ testFraction: z.number(), seed: z.number().int() });
export type DatasetSplit = z.infer<typeof DatasetSplit>;

/** One sample as the dataset page draws it. */
export const DatasetSampleView = z.object({
  label: z.number().int(),
  split: z.enum(['train', 'test']),
  /** Index in the decoded dataset. */
  index: z.number().int(),
  /** 8-bit values (value × 255, clamped), HWC order, base64: for drawing, not for training. */
  pixels: z.string(),
});
export type DatasetSampleView = z.infer<typeof DatasetSampleView>;

/** GET /api/datasets/:id/samples */
export const DatasetSamplesResponse = z.object({
  dataset: Dataset,
  /** Per-sample shape. */
  shape: z.array(z.number().int()),
  /** Samples per class. */
  counts: z.array(z.number().int()),
  split: z.object({
    /** Built-in datasets keep their own split (testFraction is then the measured share, seed null). */
    fixed: z.boolean(),
    testFraction: z.number(),
    seed: z.number().int().nullable(),
    /** The dataset's saved split (uploads), which runs use. */
    saved: DatasetSplit.nullable(),
    /** Training / test samples per class under this split. */
    train: z.array(z.number().int()),
    test: z.array(z.number().int()),
  }),
  /** Up to perClass samples of each class (images only). */
  samples: z.array(DatasetSampleView),
});
export type DatasetSamplesResponse = z.infer<typeof DatasetSamplesResponse>;
