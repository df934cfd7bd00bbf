import { z } from 'zod';
import { IsoDate } from './common.js';
import { RunPruning } from './pruning.js';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
/** Where a run was trained; `imported`: trained elsewhere, imported from a `.tflite` (POST /api/imports). */
export const RunLocation = z.enum(['server', 'browser', 'imported']);
export type RunLocation = z.infer<typeof RunLocation>;
/** Where a new run trains (imported runs are created by POST /api/imports, never by POST /api/runs). */
export const TrainLocation = z.enum(['server', 'browser']);
export type TrainLocation = z.infer<typeof TrainLocation>;

/** A run as the run list shows it. */
export const RunSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus,
  location: RunLocation,
  projectId: z.string().nullable(),
  architectureVersionId: z.string(),
  datasetId: z.string(),
  seed: z.number().int(),
  epochs: z.number().int(),
  epochsDone: z.number().int(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  durationMs: z.number().nullable(),
  finalAccuracy: z.number().nullable(),
  finalLoss: z.number().nullable(),
  packedBytes: z.number().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  hasWeights: z.boolean(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** Test-set results of a completed run (server runs add accuracy and the sample count). */
export const RunResults = z.looseObject({
  accuracy: z.number().optional(),
  confusionMatrix: z.array(z.array(z.number())).optional(),
  labels: z.array(z.string()).optional(),
  testSamples: z.number().int().optional(),
  /** Set when the run was pruned after training (`config.prune`). */
  pruning: RunPruning.optional(),
});
export type RunResults = z.infer<typeof RunResults>;

/** A run with its config snapshot (bnn-core TrainConfig, defaults applied), options and results. */
export const RunDetail = RunSummary.extend({
  config: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
  results: RunResults.nullable(),
  cancelRequested: z.boolean(),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** GET /api/runs */
export const RunListResponse = z.object({
  runs: z.array(RunSummary),
  total: z.number().int(),
  /** The page number asked for; null when the page was asked for by `cursor`. */
  page: z.number().int().nullable(),
  pageSize: z.number().int(),
  /** Pass as `cursor` for the page after this one (same filter, sort and order); null on the last page. */
  nextCursor: z.string().nullable(),
});
export type RunListResponse = z.infer<typeof RunListResponse>;

/** A distilled run's teacher and, when a run without distillation of the same recipe exists, the gain. */
export const RunDistillation = z.object({
  teacher: z.object({
    id: z.string(),
    name: z.string(),
    status: RunStatus,
    finalAccuracy: z.number().nullable(),
    /** The teacher is the student architecture's float twin. */
    floatTwin: z.boolean(),
  }),
  temperature: z.number().nullable(),
  alpha: z.number().nullable(),
  warmupEpochs: z.number().nullable(),
  /**
   * The latest completed run of the same architecture version, dataset, seed and training recipe (config without
   * `distillation`) trained without a teacher; null when there is none.
   */
  withoutDistillation: z.object({ runId: z.string(), finalAccuracy: z.number().nullable() }).nullable(),
  /** Student accuracy − the run without distillation's, in percentage points (null until both exist). */
  gainPoints: z.number().nullable(),
});
export type RunDistillation = z.infer<typeof RunDistillation>;

/** A run's detail plus the latest epoch's value of each metric, and (only) for a distilled run its teacher and gain. */
export const RunWithMetrics = RunDetail.extend({
  metrics: z.record(z.string(), z.number()),
  distillation: RunDistillation.nullable().optional(),
});
export type RunWithMetrics = z.infer<typeof RunWithMetrics>;
/** GET /api/runs/:id */
export const RunDetailResponse = z.object({ run: RunWithMetrics });
export type RunDetailResponse = z.infer<typeof RunDetailResponse>;

/** POST /api/runs, /complete, /cancel, /fail */
export const RunResponse = z.object({ run: RunDetail });

export const MetricPoint = z.object({
  epoch: z.number().int(),
  step: z.number().int(),
  name: z.string(),
  value: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** GET /api/runs/:id/metrics */
export const RunMetricsResponse = z.object({ metrics: z.array(MetricPoint) });
/** POST /api/runs/:id/metrics */
export const MetricsAcceptedResponse = z.object({ accepted: z.number().int() });
/** POST /api/runs/:id/heartbeat */
export const HeartbeatResponse = z.object({ run: RunSummary, leaseMs: z.number().int() });
/** DELETE /api/runs/:id */
export const RunDeletedResponse = z.object({ deleted: z.string() });

/**
 * GET /api/runs/:id/events (Server-Sent Events): the data of each event type, JSON-encoded. `status` is sent when
 * the status or epoch count changes (`deleted` when the run is removed), `metric` with new points (the event id is
 * the last point's id, for Last-Event-ID), `log` with a training log line, `progress` with batch progress.
 */
export const RunEvents = {
  status: z.object({
    status: z.union([RunStatus, z.literal('deleted')]),
    epochsDone: z.number().int().optional(),
    epochs: z.number().int().optional(),
    error: z.string().nullable().optional(),
    finalAccuracy: z.number().nullable().optional(),
  }),
  metric: z.object({ points: z.array(MetricPoint) }),
  log: z.object({ message: z.string() }),
  /**
   * Per-batch progress of a server job training in this process (at most one a second): 1-based `epoch`, 0-based
   * `batch` of `batches`, `done` the share of all batches (0‥1), `etaSeconds` extrapolated from the time since the
   * run started (null until known). `loss` is null when it is not a finite number.
   */
  progress: z.object({
    epoch: z.number().int(),
    batch: z.number().int(),
    batches: z.number().int(),
    loss: z.number().nullable(),
    epochs: z.number().int(),
    done: z.number(),
    etaSeconds: z.number().nullable(),
  }),
};
export type RunEventName = keyof typeof RunEvents;
/** The parsed data of one event type. */
export type RunEventData<E extends RunEventName> = z.output<(typeof RunEvents)[E]>;
