// Auto-size searches (issue 17, docs/auto-size-search.md): the request and every response shape. zod only (the
// web bundles it). The search space itself is bnn-core's SearchSpace, checked by the service (422 naming fields).
import { z } from 'zod';
import { IsoDate } from './common.js';
import { RunStatus } from './runs.js';

export const SEARCH_TARGETS = ['stm32l4r9', 'xcore'] as const;
export const SearchTarget = z.enum(SEARCH_TARGETS);
export type SearchTarget = z.infer<typeof SearchTarget>;
export const SEARCH_STATUSES = ['running', 'completed', 'cancelled', 'failed'] as const;
export const SearchStatus = z.enum(SEARCH_STATUSES);
export type SearchStatus = z.infer<typeof SearchStatus>;

/** Limits a candidate must respect; at least one. Bytes and milliseconds. */
export const SearchBudget = z
  .strictObject({
    /** Packed weight bytes ("flash for weights"). */
    packedBytes: z
      .number()
      .int()
      .min(64)
      .max(256 * 1024 * 1024)
      .optional(),
    /** Device image flash (constants + code; exporters' firmware estimate). */
    flashBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    /** Device image RAM (arena + runtime + stack). */
    ramBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    /** Estimated latency on the target (exporters' latency model). */
    latencyMs: z.number().positive().max(3_600_000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'give at least one limit (packedBytes, flashBytes, ramBytes or latencyMs)',
  });
export type SearchBudget = z.infer<typeof SearchBudget>;

export const SearchCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    datasetId: z.string().min(1).max(100),
    target: SearchTarget,
    budget: SearchBudget,
    /** Most candidates trained (rung 0 starts); with `minutes`, whichever ends first. */
    trials: z.number().int().min(1).max(500).optional(),
    /** Wall-clock limit of the search in minutes (running candidates are cancelled at the limit). */
    minutes: z.number().min(0.1).max(10_080).optional(),
    /** Candidates trained at once (several workers share a search on Postgres). */
    parallel: z.number().int().min(1).max(32).default(1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    /** bnn-core SearchSpace fields (defaults for the rest). */
    space: z.record(z.string(), z.unknown()).optional(),
    /**
     * A preset a search family rebuilds (mnist-tiny, mnist-8k: mnist-trunk; quicknet-28: quicknet): the space's
     * family, the first candidate and the default max epochs.
     */
    from: z.string().min(1).max(100).optional(),
    /** Per-run sample limits (small searches, tests). */
    limits: z
      .strictObject({
        trainSamples: z.number().int().min(1).max(10_000_000).optional(),
        testSamples: z.number().int().min(1).max(10_000_000).optional(),
      })
      .optional(),
    /** Share of the training split held out to select candidates (the test split never selects). */
    validationSplit: z.number().min(0.02).max(0.5).default(0.1),
    batchSize: z.number().int().min(1).max(4096).default(64),
  })
  .refine((b) => b.trials !== undefined || b.minutes !== undefined, {
    message: 'give a trial count (trials) or a time limit (minutes)',
    path: ['trials'],
  });
export type SearchCreate = z.infer<typeof SearchCreate>;
export type SearchCreateBody = z.input<typeof SearchCreate>;

export const SearchCost = z.object({
  packedBytes: z.number(),
  flashBytes: z.number().optional(),
  ramBytes: z.number().optional(),
  latencyMs: z.number().optional(),
  binaryMacs: z.number().optional(),
});

export const SearchTrial = z.object({
  rung: z.number().int(),
  /** The refit: the best candidate trained again on all the training data (rung = the number of rungs). */
  refit: z.boolean(),
  epochs: z.number().int(),
  runId: z.string(),
  /** The run's status (`failed` when the run was deleted). */
  status: RunStatus,
  /** Validation accuracy after its last epoch (what selects). */
  valAccuracy: z.number().nullable(),
  /** Test accuracy of the finished run (reported, never used to select). */
  accuracy: z.number().nullable(),
});

export const SearchCandidate = z.object({
  id: z.string(),
  seq: z.number().int(),
  key: z.string(),
  params: z.record(z.string(), z.unknown()),
  cost: SearchCost,
  status: z.enum(['accepted', 'rejected']),
  /** Why a rejected candidate is over budget. */
  reason: z.string().nullable(),
  trials: z.array(SearchTrial),
});

/** A candidate's best finished trial on the accuracy/cost plane. */
export const SearchPoint = z.object({
  candidateId: z.string(),
  runId: z.string(),
  rung: z.number().int(),
  /** The point is the search's refit (trained on all the training data: no validation accuracy). */
  refit: z.boolean(),
  epochs: z.number().int(),
  accuracy: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  packedBytes: z.number(),
  flashBytes: z.number().nullable(),
  ramBytes: z.number().nullable(),
  latencyMs: z.number().nullable(),
});

export const SearchSummary = z.object({
  id: z.string(),
  name: z.string(),
  datasetId: z.string(),
  target: SearchTarget,
  status: SearchStatus,
  reason: z.string().nullable(),
  budget: z.record(z.string(), z.number()),
  trials: z.number().int().nullable(),
  minutes: z.number().nullable(),
  parallel: z.number().int(),
  seed: z.number().int(),
  createdAt: IsoDate,
  finishedAt: IsoDate.nullable(),
  /** Search time used so far (running periods only). */
  elapsedMs: z.number(),
  /** Candidates started (rung 0) and rejected before training. */
  started: z.number().int(),
  rejected: z.number().int(),
  best: SearchPoint.nullable(),
});

export const SearchDetail = SearchSummary.extend({
  space: z.record(z.string(), z.unknown()),
  /** Epochs per successive-halving rung. */
  rungs: z.array(z.number().int()),
  candidates: z.array(SearchCandidate),
  /** Accuracy vs cost (flash when estimated, else packed bytes): the non-dominated candidates, cheapest first. */
  front: z.array(SearchPoint),
});

export const SearchResponse = z.object({ search: SearchDetail });
export const SearchListResponse = z.object({ searches: z.array(SearchSummary) });
export type SearchDetail = z.infer<typeof SearchDetail>;
export type SearchSummary = z.infer<typeof SearchSummary>;
export type SearchPoint = z.infer<typeof SearchPoint>;

/**
 * Events of GET /api/searches/:id/events: `search` carries the whole detail when anything but the clock changed
 * (a candidate drawn or rejected, a trial queued, started or finished, the end); the stream ends after the event
 * of a finished, cancelled or failed search.
 */
export const SearchEvents = {
  search: SearchDetail,
};
export type SearchEventName = keyof typeof SearchEvents;
