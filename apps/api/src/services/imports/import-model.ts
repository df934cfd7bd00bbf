import { createHash } from 'node:crypto';
import { type DeployGraph, deployStats } from '@bnn-studio/bnn-core';
import {
  formatRefusal,
  type ImportedIo,
  importTflite,
  readBnn,
  TfliteImportError,
  writeBnn,
} from '@bnn-studio/exporters';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';

/** The dataset row imported runs point at: they were trained elsewhere, on data the studio has not seen. */
export const IMPORTED_DATASET_ID = 'imported';

/** What an imported run keeps in its options (`run.optionsJson.imported`). */
export interface ImportedRunInfo {
  source: 'tflite';
  filename: string;
  operators: number;
  /** The file's own input and outputs: types, shapes and int8 parameters (what `predict` takes and returns). */
  io: { input: ImportedIo; outputs: ImportedIo[] };
  approximations: { operatorIndex: number; op: string; message: string }[];
  /** Whether the deploy graph maps onto studio layers (it opens in the composer); why not when it does not. */
  composer: { maps: false; reason: string };
}

export interface ImportModelInput {
  bytes: Uint8Array;
  filename?: string;
  name?: string;
  projectId?: string;
  int8Softmax?: 'refuse' | 'float';
}

/**
 * Imports an LCE-converted `.tflite` as a completed run of location `imported`: its deploy graph is stored as a
 * `.bnn` artifact (kind `deploy`), beside an architecture whose graph holds only the input (the layers are not
 * studio layers). Everything is checked before anything is written; nothing is stored on failure.
 */
export async function importModel(ctx: ServiceCtx, input: ImportModelInput) {
  const { bytes } = input;
  const max = ctx.config.maxImportBytes;
  if (bytes.length > max) {
    throw new ApiError(
      413,
      'payload_too_large',
      `The .tflite file is ${bytes.length} bytes; the studio imports files up to ${max} bytes (BNN_STUDIO_MAX_IMPORT_BYTES).`,
      'Import a smaller model (LCE BNNs are usually well under 10 MB).',
    );
  }
  if (bytes.length === 0)
    throw new ApiError(
      422,
      'tflite_invalid',
      'The uploaded file is empty.',
      'Upload the .tflite file itself.',
    );
  if (input.projectId && !(await ctx.db.project.findUnique({ where: { id: input.projectId } })))
    throw notFound('Project', input.projectId);
  let result: ReturnType<typeof importTflite>;
  try {
    result = importTflite(bytes, input.int8Softmax ? { int8Softmax: input.int8Softmax } : {});
  } catch (err) {
    if (err instanceof TfliteImportError) {
      // The error's message ends with its fix; the API sends the fix in its own field.
      const message = err.message.endsWith(err.fix)
        ? err.message.slice(0, -err.fix.length).trim()
        : err.message;
      throw new ApiError(422, 'tflite_invalid', message, err.fix, {
        reason: err.code,
        ...(err.operatorIndex !== undefined ? { operatorIndex: err.operatorIndex } : {}),
      });
    }
    throw err;
  }
  if (!result.graph || !result.io) {
    const first = result.refused[0];
    throw new ApiError(
      422,
      'tflite_refused',
      `The model has ${result.refused.length} operator(s) the studio cannot run exactly${first ? `; first: ${formatRefusal(first)}` : '.'}`,
      'Convert the model without these operators (see details.refused for each one and what is supported).',
      { refused: result.refused, operators: result.operators },
    );
  }
  const filename = input.filename ?? 'model.tflite';
  const name = (input.name ?? filename.replace(/\.tflite$/i, '')).slice(0, 200) || 'imported model';
  const graph: DeployGraph = { ...result.graph, name };
  const runId = newId('run');
  const bnn = writeBnn(graph, { runId, extra: { source: 'tflite', filename } });
  readBnn(bnn); // The stored file must read back (CRC, contract); a throw here is a bug, not the user's.
  const stats = deployStats(graph);
  const info: ImportedRunInfo = {
    source: 'tflite',
    filename,
    operators: result.operators.length,
    io: result.io,
    approximations: result.approximations,
    composer: {
      maps: false,
      reason:
        'The imported deploy graph (folded BatchNorms, thresholds, int8 parameters) is not expressed as studio layers; it runs, exports and predicts as imported, but cannot be edited or retrained in the composer.',
    },
  };
  const inputShape = result.graph.tensors.find((t) => t.id === result.graph!.input)!.shape;
  const graphSpec = {
    format: 'bnn-studio.graph',
    version: 1,
    name,
    description: `Imported from ${filename}: ${result.operators.length} TFLite operators, ${graph.ops.length} deploy ops.`,
    nodes: [{ id: graph.input, type: 'Input', params: { shape: inputShape } }],
    edges: [],
    meta: { imported: 'tflite', composer: 'unmapped' },
  };
  const graphJson = JSON.stringify(graphSpec);
  const graphSha256 = createHash('sha256').update(graphJson).digest('hex');
  const { sha256, bytes: size } = await ctx.store.put(bnn);
  await ensureImportedDataset(ctx);
  const archId = newId('arc');
  const versionId = newId('arv');
  const now = new Date();
  // One transaction through the runs repository (it drops the run read cache after the write).
  await ctx.runs.transaction(async (tx) => {
    await tx.architecture.create({ data: { id: archId, name, projectId: input.projectId ?? null } });
    await tx.architectureVersion.create({
      data: { id: versionId, architectureId: archId, version: 1, graphJson, graphSha256, summaryJson: null },
    });
    await tx.run.create({
      data: {
        id: runId,
        name,
        projectId: input.projectId ?? null,
        architectureVersionId: versionId,
        datasetId: IMPORTED_DATASET_ID,
        location: 'imported',
        status: 'completed',
        configJson: '{}',
        optionsJson: JSON.stringify({ imported: info }),
        seed: 0,
        epochs: 0,
        createdAt: now,
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
        packedBytes: stats.weightBytes,
      },
    });
    await tx.artifact.create({
      data: {
        id: newId('art'),
        sha256,
        bytes: size,
        kind: 'deploy',
        target: 'bnn',
        filename: `${name.replace(/[^\w.-]+/g, '_')}.bnn`,
        mediaType: 'application/octet-stream',
        runId,
      },
    });
  });
  return {
    runId,
    architectureVersionId: versionId,
    operators: result.operators.length,
    refused: [] as never[],
    approximations: result.approximations,
    io: result.io,
  };
}

async function ensureImportedDataset(ctx: ServiceCtx): Promise<void> {
  await ctx.db.dataset.upsert({
    where: { id: IMPORTED_DATASET_ID },
    update: {},
    create: {
      id: IMPORTED_DATASET_ID,
      name: 'Imported models (trained outside the studio)',
      kind: 'imported',
      status: 'ready',
    },
  });
}

/** The deploy graph of an imported run (its stored `.bnn`). */
export async function loadImportedDeploy(ctx: ServiceCtx, runId: string): Promise<DeployGraph> {
  const art = await ctx.db.artifact.findFirst({ where: { runId, kind: 'deploy' } });
  if (!art)
    throw new ApiError(
      409,
      'imported_model_missing',
      `Imported run '${runId}' has no stored model.`,
      'Import the .tflite again.',
    );
  return readBnn(ctx.store.read(art.sha256)).graph;
}
