import { createHash } from 'node:crypto';
import { type DeployGraph, deserializeWeights, type GraphSpec, lower } from '@bnn-studio/bnn-core';
import { EXPORTERS_VERSION, withFloatOutputs } from '@bnn-studio/exporters';
import { Prisma } from '../../db/client.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ExportTarget } from '../../schemas.js';
import { artifactDto } from '../artifacts/dto.js';
import type { ServiceCtx } from '../context.js';
import { loadImportedDeploy } from '../imports/import-model.js';
import { loadWeightBytes } from '../runs/get-run-weights.js';
import { buildExport } from './build-export.js';
import { CALIBRATION_SAMPLES, calibrateFromDataset } from './calibration.js';

/**
 * Exports a trained run. Cached by content: the same weights, graph, target and exporter version give the same
 * artifact without rebuilding.
 */
export async function exportRun(ctx: ServiceCtx, runId: string, target: ExportTarget) {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, include: { architectureVersion: true } });
  if (!run) throw notFound('Run', runId);
  if (run.location === 'imported') return exportImportedRun(ctx, run, target);
  const { bytes: weightBytes } = await loadWeightBytes(ctx, run);
  // xcore targets are calibrated on the run's dataset: the calibration recipe is part of what the bytes depend on.
  const calibrated = target === 'tflite-xcore' || target === 'xcore';
  const cacheKey = createHash('sha256')
    .update(
      [
        run.weightsSha256,
        run.architectureVersion.graphSha256,
        target,
        EXPORTERS_VERSION,
        ...(calibrated ? [`calibration:${run.datasetId}:${CALIBRATION_SAMPLES}`] : []),
      ].join('|'),
    )
    .digest('hex');
  const cached = await findCachedExport(ctx, cacheKey);
  if (cached) return cached;

  const graph = JSON.parse(run.architectureVersion.graphJson) as GraphSpec;
  const weights = deserializeWeights(weightBytes);
  let deploy: DeployGraph;
  try {
    deploy = lower(graph, weights);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(
      422,
      'lower_failed',
      `The trained model could not be lowered: ${(err as Error).message}`,
      'Check the architecture for errors.',
    );
  }
  const built = await buildExport(deploy, target, {
    baseName: `${graph.name || 'model'}-${runId.slice(-6)}`,
    runId,
    dataset: run.datasetId,
    accuracy: run.finalAccuracy ?? undefined,
    ...(calibrated ? { calibrate: () => calibrateFromDataset(ctx, run.datasetId, deploy) } : {}),
  });
  return storeExport(ctx, runId, target, cacheKey, built);
}

/**
 * An imported run's export: its stored deploy graph (no lowering, no training data). An imported int8 model (its
 * only float tensor the input, quantised straight to int8) writes tflite-xcore without calibration (the file's
 * input takes that quantization); one with float tensors inside needs calibration data the studio does not have
 * for it, so tflite-xcore is refused with the exporter's calibration rule.
 */
async function exportImportedRun(
  ctx: ServiceCtx,
  run: { id: string; name: string; finalAccuracy: number | null },
  target: ExportTarget,
) {
  const art = await ctx.db.artifact.findFirst({ where: { runId: run.id, kind: 'deploy' } });
  const cacheKey = createHash('sha256')
    .update(['imported', art?.sha256 ?? '', target, EXPORTERS_VERSION].join('|'))
    .digest('hex');
  const cached = await findCachedExport(ctx, cacheKey);
  if (cached) return cached;
  const stored = await loadImportedDeploy(ctx, run.id);
  // Firmware returns float outputs: int8 logits leave it exactly dequantized.
  const deploy = target === 'stm32l4' || target === 'xcore' ? withFloatOutputs(stored) : stored;
  const built = await buildExport(deploy, target, {
    baseName: `${run.name.replace(/[^\w.-]+/g, '_') || 'model'}-${run.id.slice(-6)}`,
    runId: run.id,
  });
  return storeExport(ctx, run.id, target, cacheKey, built);
}

/** The export already built under `cacheKey`, when its row exists and its bytes are still in the store. */
async function findCachedExport(ctx: ServiceCtx, cacheKey: string) {
  const cached = await ctx.db.artifact.findUnique({ where: { cacheKey } });
  if (!cached || !ctx.store.has(cached.sha256)) return null;
  return {
    artifact: artifactDto(cached),
    report: cached.reportJson ? JSON.parse(cached.reportJson) : null,
    cached: true,
  };
}

async function storeExport(
  ctx: ServiceCtx,
  runId: string,
  target: ExportTarget,
  cacheKey: string,
  built: Awaited<ReturnType<typeof buildExport>>,
) {
  const { sha256, bytes } = await ctx.store.put(built.bytes);
  try {
    const row = await ctx.db.artifact.create({
      data: {
        id: newId('art'),
        sha256,
        bytes,
        kind: 'export',
        target,
        filename: built.filename,
        mediaType: built.mediaType,
        cacheKey,
        reportJson: built.report == null ? null : JSON.stringify(built.report),
        runId,
      },
    });
    return { artifact: artifactDto(row), report: built.report, cached: false };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const row = await ctx.db.artifact.findUniqueOrThrow({ where: { cacheKey } });
      return { artifact: artifactDto(row), report: built.report, cached: true };
    }
    throw err;
  }
}
