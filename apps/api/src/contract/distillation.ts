// Knowledge distillation on the wire: the train config's `distillation` (request) (request; the run detail's
// `distillation` is RunDistillation in runs.ts). zod only.
import { z } from 'zod';

/** `distillation.teacherRunId` value that asks for the architecture's float twin as teacher (trained or reused). */
export const FLOAT_TWIN = 'float-twin';

/**
 * `config.distillation` of POST /api/runs. `teacherRunId` is a completed run's id (same input shape and class
 * count as the student) or `float-twin`: a completed float-twin run of the same architecture and dataset is
 * reused, otherwise one is created and trained before the student. Missing settings take bnn-core's
 * DISTILL_DEFAULTS; `teacherEpochs` (float twin only) defaults to the student's epochs.
 */
export const DistillationRequest = z.object({
  teacherRunId: z.string().trim().min(1).max(100),
  temperature: z.number().positive().max(100).optional(),
  alpha: z.number().min(0).max(1).optional(),
  warmupEpochs: z.number().min(0).max(1000).optional(),
  /** Weight of attention matching between teacher and student feature maps (Real-to-Binary Net); 0 = off. */
  attention: z.number().min(0).max(1e6).optional(),
  teacherEpochs: z.number().int().min(1).max(1000).optional(),
});
export type DistillationRequest = z.infer<typeof DistillationRequest>;
