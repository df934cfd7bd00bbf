import { z } from 'zod';
import { IsoDate } from './common.js';

export const EXPORT_TARGETS = ['bnn', 'tflite-arm', 'tflite-xcore', 'stm32l4', 'xcore'] as const;
export const ExportTarget = z.enum(EXPORT_TARGETS);
export type ExportTarget = z.infer<typeof ExportTarget>;

export const Artifact = z.object({
  id: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  filename: z.string(),
  /** 'weights' or 'export'. */
  kind: z.string(),
  target: z.string().nullable(),
  mediaType: z.string(),
  runId: z.string().nullable(),
  createdAt: IsoDate,
  downloadUrl: z.string(),
});
export type Artifact = z.infer<typeof Artifact>;

/** POST /api/runs/:id/exports: the artifact and the exporter's report (per target; null when it has none). */
export const ExportResponse = z.object({
  artifact: Artifact,
  report: z.record(z.string(), z.unknown()).nullable(),
  cached: z.boolean(),
});
export type ExportResponse = z.infer<typeof ExportResponse>;

/** GET /api/artifacts/:id */
export const ArtifactResponse = z.object({ artifact: Artifact });
