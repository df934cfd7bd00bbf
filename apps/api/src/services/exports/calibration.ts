// int8 calibration for xcore exports from the run's own dataset: 50–500 training samples (what the exporter
// asks for), decoded in the dataset thread with the loaders training used and run through the kernels' reference
// engine to measure every tensor's range (calibrateTflite).
import { join } from 'node:path';
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { type CalibrationRanges, calibrateTflite } from '@bnn-studio/exporters';
import { ApiError } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import {
  decodeInThread,
  isStoredKind,
  stridedIndices,
  takeSamples,
  uploadSplit,
} from '../datasets/stored-dataset.js';

/** Training samples used for calibration (evenly strided over the training split). */
export const CALIBRATION_SAMPLES = 200;

/** Ranges measured on CALIBRATION_SAMPLES training samples of the dataset `datasetId`. */
export async function calibrateFromDataset(
  ctx: Pick<ServiceCtx, 'db' | 'config'>,
  datasetId: string,
  deploy: DeployGraph,
): Promise<CalibrationRanges> {
  const unavailable = (why: string) =>
    new ApiError(
      409,
      'calibration_data_unavailable',
      `The xcore export calibrates int8 ranges on the run's dataset '${datasetId}', which ${why}.`,
      'Upload the dataset again, or export to a float target (tflite-arm, stm32l4, bnn).',
    );
  const row = await ctx.db.dataset.findUnique({ where: { id: datasetId } });
  if (!row) throw unavailable('no longer exists');
  let train: { data: Parameters<typeof takeSamples>[0]; idx: number[] };
  try {
    if (row.kind === 'builtin' && row.id === 'mnist') {
      const { all } = await decodeInThread({ source: 'builtin-mnist' });
      train = { data: all, idx: stridedIndices(all.y.length) };
    } else {
      if (!row.storagePath || !isStoredKind(row.kind)) throw unavailable('has no stored files');
      const { all } = await decodeInThread({
        source: 'upload',
        kind: row.kind,
        dir: join(ctx.config.dataDir, row.storagePath),
        options: JSON.parse(row.optionsJson) as Record<string, unknown>,
      });
      train = { data: all, idx: uploadSplit(all.y).train };
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw unavailable(`could not be decoded (${(err as Error).message})`);
  }
  const pick = stridedIndices(train.idx.length, CALIBRATION_SAMPLES).map((i) => train.idx[i]!);
  const samples = takeSamples(train.data, pick);
  return calibrateTflite(deploy, { data: samples.x, batch: pick.length });
}
