// Request shapes shared by routes, services and the CLI (zod; also the OpenAPI source). Response shapes live in
// contract/ (imported by the web as @bnn-studio/api/contract).
import { z } from 'zod';
import { UPLOAD_KINDS } from './contract/dataset-kinds.js';
import { DistillationRequest } from './contract/distillation.js';
import { EXPORT_TARGETS, ExportTarget } from './contract/exports.js';
import { PruneRequest } from './contract/pruning.js';
import { RUN_STATUSES, RunLocation, RunStatus, TrainLocation } from './contract/runs.js';

export { EXPORT_TARGETS, ExportTarget, RUN_STATUSES, RunStatus };

export const IdParam = z.object({ id: z.string().min(1).max(100) });

export const ProjectCreate = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
});

/** The editor graph document; deep validation is bnn-core's parseGraph (issues returned as 422). */
export const GraphJson = z.record(z.string(), z.unknown());

export const ArchitectureCreate = z.object({
  name: z.string().trim().min(1).max(200),
  projectId: z.string().min(1).max(100).optional(),
  graph: GraphJson,
});
export const VersionCreate = z.object({ graph: GraphJson });

export const OptimizerConfig = z.looseObject({ id: z.enum(['adam', 'sgd', 'bop', 'case']) });
/** TrainConfig of notes/contracts.md (unknown keys are kept for bnn-core's trainer). */
export const TrainConfig = z.looseObject({
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(4096),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  optimizer: OptimizerConfig,
  schedule: z.looseObject({ id: z.enum(['constant', 'cosine', 'step']) }).optional(),
  /** On-the-fly augmentation of training images (bnn-core/tf checks the full shape). */
  augmentation: z
    .looseObject({
      shift: z.number().int().min(0).max(64).optional(),
      flip: z.boolean().optional(),
      noise: z.number().min(0).max(10).optional(),
    })
    .optional(),
  validationSplit: z.number().min(0).max(0.9).optional(),
  /** Knowledge distillation from a teacher run or the float twin (contract/distillation.ts). */
  distillation: DistillationRequest.optional(),
  /** Prune after training, then fine-tune (contract/pruning.ts; server runs only). */
  prune: PruneRequest.optional(),
});
export type TrainConfig = z.infer<typeof TrainConfig>;

export const RunCreate = z
  .object({
    architectureVersionId: z.string().min(1).max(100).optional(),
    graph: GraphJson.optional(),
    datasetId: z.string().min(1).max(100),
    config: TrainConfig,
    location: TrainLocation,
    name: z.string().trim().min(1).max(200).optional(),
    projectId: z.string().min(1).max(100).optional(),
    /** Train/test on the first N samples only (quick experiments). */
    limits: z
      .object({
        trainSamples: z.number().int().min(1).optional(),
        testSamples: z.number().int().min(1).optional(),
      })
      .optional(),
  })
  .refine((b) => !!b.architectureVersionId !== !!b.graph, {
    message: 'Give exactly one of architectureVersionId or graph.',
    path: ['architectureVersionId'],
  });
export type RunCreate = z.infer<typeof RunCreate>;

export const RUN_SORTS = [
  'createdAt',
  'name',
  'status',
  'finalAccuracy',
  'packedBytes',
  'durationMs',
] as const;

export const RunListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s, c) => {
      if (!s) return undefined;
      const parts = s.split(',').filter(Boolean);
      for (const p of parts)
        if (!(RUN_STATUSES as readonly string[]).includes(p)) {
          c.addIssue({
            code: 'custom',
            message: `unknown status '${p}' (one of ${RUN_STATUSES.join(', ')})`,
          });
          return z.NEVER;
        }
      return parts as (typeof RUN_STATUSES)[number][];
    }),
  q: z.string().max(200).optional(),
  location: RunLocation.optional(),
  architectureVersionId: z.string().max(100).optional(),
  projectId: z.string().max(100).optional(),
  sort: z.enum(RUN_SORTS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  /** Keyset pagination: the `nextCursor` of the previous page (same filter, sort and order); excludes `page`. */
  cursor: z.string().min(1).max(1000).optional(),
});
export type RunListQuery = z.infer<typeof RunListQuery>;

export const MetricPointIn = z.object({
  epoch: z.number().int().min(0).max(1_000_000),
  step: z.number().int().min(-1).max(100_000_000).nullish(),
  name: z.string().min(1).max(100),
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
});
export const MetricsPost = z.object({ points: z.array(MetricPointIn).min(1).max(10_000) });
export type MetricPointIn = z.infer<typeof MetricPointIn>;

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
    .transform(Number),
]);
export const CompleteQuery = z.looseObject({
  finalAccuracy: numeric.pipe(z.number().min(0).max(1)).optional(),
  finalLoss: numeric.pipe(z.number()).optional(),
  epochs: numeric.pipe(z.number().int().min(0)).optional(),
});
/** PUT /api/datasets/:id/split: the test share of each class (exclusive 0‥1) and the shuffle's seed. */
export const DatasetSplitPut = z.object({
  testFraction: z.coerce.number().gt(0).lt(1),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});

/** Browser runs: why training failed in the page. */
export const FailPost = z.object({
  message: z.string().min(1).max(5000),
  fix: z.string().max(2000).optional(),
});

export const CompleteJson = z.looseObject({
  weights: z.string().min(1).max(400_000_000),
  finalAccuracy: z.number().min(0).max(1).optional(),
  finalLoss: z.number().optional(),
  epochs: z.number().int().min(0).optional(),
  confusionMatrix: z.array(z.array(z.number())).max(1000).optional(),
  labels: z.array(z.string()).max(1000).optional(),
});

/** The JSON form parsed off the event loop (complete-json.ts): its base64 `weights` already decoded. */
export const CompleteJsonDecoded = CompleteJson.extend({ weights: z.instanceof(Uint8Array) });

export const ExportCreate = z.object({ target: ExportTarget });

export const DatasetUploadFields = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(UPLOAD_KINDS).optional(),
  labelColumn: z.string().max(100).optional(),
});
