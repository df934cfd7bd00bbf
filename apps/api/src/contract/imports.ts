import { z } from 'zod';

/** The file's own input or output (what `predict` takes and returns). */
export const ImportedIo = z.object({
  tensor: z.string(),
  shape: z.array(z.number().int()),
  type: z.enum(['float32', 'int8']),
  scale: z.number().optional(),
  zeroPoint: z.number().int().optional(),
});
export type ImportedIo = z.infer<typeof ImportedIo>;

/** One operator the studio cannot run exactly (POST /api/imports answers 422 `tflite_refused` with a list). */
export const ImportRefusal = z.object({
  operatorIndex: z.number().int(),
  op: z.string(),
  message: z.string(),
  supported: z.string(),
});
export type ImportRefusal = z.infer<typeof ImportRefusal>;

/** One deploy op that does not map onto studio layers (bnn-core `RaiseRefusal`). */
export const ComposerRefusal = z.object({
  opIndex: z.number().int(),
  op: z.string(),
  sourceNode: z.string().optional(),
  message: z.string(),
});

/**
 * Whether an imported model opens in the composer (its deploy graph maps onto studio layers, bnn-core
 * `raiseDeployGraph`); when it does not, `reason` names the first op(s) that do not map and why. Also kept in
 * the run's `options.imported.composer`.
 */
export const ImportedComposer = z.discriminatedUnion('maps', [
  z.object({ maps: z.literal(true) }),
  z.object({ maps: z.literal(false), reason: z.string(), refused: z.array(ComposerRefusal) }),
]);
export type ImportedComposer = z.infer<typeof ImportedComposer>;

/** POST /api/imports (201): the completed run of location `imported`. */
export const ImportResponse = z.object({
  runId: z.string(),
  architectureVersionId: z.string(),
  /** Number of TFLite operators in the file. */
  operators: z.number().int(),
  /** Always empty on success (a refusal is a 422). */
  refused: z.array(ImportRefusal),
  /** Opt-in inexact imports (int8Softmax=float). */
  approximations: z.array(z.object({ operatorIndex: z.number().int(), op: z.string(), message: z.string() })),
  io: z.object({ input: ImportedIo, outputs: z.array(ImportedIo) }),
  /** Whether it opens in the composer (architecture version = studio graph, run weights = its weights). */
  composer: ImportedComposer,
});
export type ImportResponse = z.infer<typeof ImportResponse>;
