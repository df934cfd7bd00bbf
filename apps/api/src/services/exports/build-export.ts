// One export of a deployable graph to one target, through packages/exporters. Refusals become 422 with the
// exporter's explanation (node, rule, fix).
import type { DeployGraph } from '@bnn-studio/bnn-core';
import {
  type BnnMeta,
  buildStm32Bundle,
  buildXcoreBundle,
  type CalibrationRanges,
  ExportRefusedError,
  listTfliteRefusals,
  type TfliteExport,
  writeBnn,
  writeTfliteWithReport,
} from '@bnn-studio/exporters';
import { ApiError } from '../../lib/errors.js';
import type { ExportTarget } from '../../schemas.js';

/** What a `.tflite` export reports: everything of the exporter's TfliteExport but the bytes, and their count. */
export type TfliteReport = Omit<TfliteExport, 'bytes'> & { bytes: number };

export interface BuiltExport {
  bytes: Uint8Array;
  filename: string;
  mediaType: string;
  report: unknown;
}

export const TARGET_FILES: Record<ExportTarget, { ext: string; mediaType: string }> = {
  bnn: { ext: '.bnn', mediaType: 'application/octet-stream' },
  'tflite-arm': { ext: '.arm.tflite', mediaType: 'application/octet-stream' },
  'tflite-xcore': { ext: '.xcore.tflite', mediaType: 'application/octet-stream' },
  stm32l4: { ext: '.stm32l4.zip', mediaType: 'application/zip' },
  xcore: { ext: '.xcore.zip', mediaType: 'application/zip' },
};

export async function buildExport(
  deploy: DeployGraph,
  target: ExportTarget,
  meta: {
    baseName: string;
    runId?: string;
    dataset?: string;
    accuracy?: number;
    /**
     * int8 calibration for the xcore targets from representative data (the run's training samples). Without it
     * tflite-xcore is refused (xcore.calibration_data_required) and the xcore bundle calibrates on its synthetic
     * golden inputs.
     */
    calibrate?: () => Promise<CalibrationRanges>;
  },
): Promise<BuiltExport> {
  const baseName = meta.baseName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'model';
  const { ext, mediaType } = TARGET_FILES[target];
  try {
    let bytes: Uint8Array;
    let report: unknown = null;
    switch (target) {
      case 'bnn': {
        const m: BnnMeta = {};
        if (meta.runId) m.runId = meta.runId;
        if (meta.dataset) m.dataset = meta.dataset;
        if (meta.accuracy != null) m.accuracy = meta.accuracy;
        bytes = writeBnn(deploy, m);
        report = { bytes: bytes.byteLength, ops: deploy.ops.length };
        break;
      }
      case 'tflite-arm':
      case 'tflite-xcore': {
        const xcore = target === 'tflite-xcore';
        // Refusals (node + fix) come before calibration: no dataset decode for a model xcore cannot express.
        const expressible = xcore && listTfliteRefusals(deploy, 'xcore').length === 0;
        const calibration = expressible && meta.calibrate ? await meta.calibrate() : undefined;
        const { bytes: b, ...rest }: TfliteExport = writeTfliteWithReport(deploy, {
          profile: xcore ? 'xcore' : 'arm',
          ...(calibration ? { calibration } : {}),
        });
        bytes = b;
        report = { ...rest, bytes: b.byteLength } satisfies TfliteReport;
        break;
      }
      case 'stm32l4':
      case 'xcore': {
        const options = {
          modelName: baseName,
          provenance: {
            runId: meta.runId ?? null,
            dataset: meta.dataset ?? null,
            accuracy: meta.accuracy ?? null,
          },
        };
        const bundle =
          target === 'stm32l4'
            ? await buildStm32Bundle(deploy, options)
            : await buildXcoreBundle(deploy, {
                ...options,
                ...(meta.calibrate ? { calibration: await meta.calibrate() } : {}),
              });
        bytes = bundle.zip;
        report = bundle.manifest;
        break;
      }
    }
    return { bytes, filename: `${baseName}${ext}`, mediaType, report };
  } catch (err) {
    if (err instanceof ExportRefusedError)
      throw new ApiError(422, 'export_refused', err.message, err.fix, { nodeId: err.nodeId, rule: err.rule });
    throw err;
  }
}
