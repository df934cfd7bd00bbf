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
