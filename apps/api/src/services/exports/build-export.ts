// One export of a deployable graph to one target, through packages/exporters. Refusals become 422 with the
// exporter's explanation (node, rule, fix).
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { asExportRefusal, exporterFn } from '../../integrations/exporters.js';
import { ApiError } from '../../lib/errors.js';
import type { ExportTarget } from '../../schemas.js';

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
  meta: { baseName: string; runId?: string; dataset?: string; accuracy?: number },
): Promise<BuiltExport> {
  const baseName = meta.baseName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'model';
  const { ext, mediaType } = TARGET_FILES[target];
  try {
    let bytes: Uint8Array;
    let report: unknown = null;
    switch (target) {
      case 'bnn': {
        const m: Record<string, unknown> = {};
        if (meta.runId) m.runId = meta.runId;
        if (meta.dataset) m.dataset = meta.dataset;
        if (meta.accuracy != null) m.accuracy = meta.accuracy;
        bytes = exporterFn('writeBnn')(deploy, m);
        report = { bytes: bytes.byteLength, ops: deploy.ops.length };
        break;
      }
      case 'tflite-arm':
      case 'tflite-xcore': {
        const profile = target === 'tflite-arm' ? 'arm' : 'xcore';
        const out = exporterFn('writeTfliteWithReport')(deploy, { profile }) as unknown;
        if (out instanceof Uint8Array) bytes = out;
        else {
          // TfliteExport: { bytes, profile, operators, io } — everything but the bytes is the report.
          const {
            bytes: b,
            tflite,
            report: r,
            ...rest
          } = out as {
            bytes?: Uint8Array;
            tflite?: Uint8Array;
            report?: unknown;
          } & Record<string, unknown>;
          bytes = (b ?? tflite)!;
          report = r ?? { ...rest, bytes: bytes?.byteLength };
        }
        if (!(bytes instanceof Uint8Array)) bytes = exporterFn('writeTflite')(deploy, { profile });
        break;
      }
      case 'stm32l4':
      case 'xcore': {
        const bundle = await exporterFn(target === 'stm32l4' ? 'buildStm32Bundle' : 'buildXcoreBundle')(
          deploy,
          {
            modelName: baseName,
            provenance: {
              runId: meta.runId ?? null,
              dataset: meta.dataset ?? null,
              accuracy: meta.accuracy ?? null,
            },
          },
        );
        bytes = bundle.zip;
        report = bundle.manifest;
        break;
      }
    }
    return { bytes, filename: `${baseName}${ext}`, mediaType, report };
  } catch (err) {
    const refusal = asExportRefusal(err);
    if (refusal)
      throw new ApiError(422, 'export_refused', refusal.message, refusal.fix, {
        nodeId: refusal.nodeId,
        rule: refusal.rule,
      });
    throw err;
  }
}
