import { createHash } from 'node:crypto';
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { type ImportedIo, readBnn } from '@bnn-studio/exporters';
import type { ImportedComposer } from '../../contract/imports.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { prepareGraph } from '../architectures/prepare-graph.js';
import type { ServiceCtx } from '../context.js';
import { INLINE_IMPORT_BYTES, prepareImport, prepareImportInThread } from './prepare-import.js';

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
  /**
   * Whether the deploy graph maps onto studio layers (bnn-core `raiseDeployGraph`): then the run's architecture
   * version holds the studio graph and the run its initial weights, and it opens in the composer; else why not.
   */
  composer: ImportedComposer;
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
 * `.bnn` artifact (kind `deploy`), beside an architecture whose graph is the studio graph when the deploy graph
 * maps onto studio layers (with the run's weights: it opens in the composer), else only the input. The size limit is checked first, then the file is parsed and converted in a worker thread
 * (`prepare-import.ts`); everything is checked before anything is written; nothing is stored on failure.
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
  const filename = input.filename ?? 'model.tflite';
  const name = (input.name ?? filename.replace(/\.tflite$/i, '')).slice(0, 200) || 'imported model';
  const runId = newId('run');
  // The parse, the .bnn, the statistics and the composer mapping: in a worker thread above INLINE_IMPORT_BYTES, so
  // the event loop keeps answering meanwhile.
  const job = {
    bytes,
    runId,
    name,
    filename,
    ...(input.int8Softmax ? { int8Softmax: input.int8Softmax } : {}),
  };
  const prepared =
    bytes.length <= INLINE_IMPORT_BYTES ? prepareImport(job) : await prepareImportInThread(job);
  if (!prepared.ok) throw new ApiError(422, prepared.code, prepared.message, prepared.fix, prepared.details);
  const info: ImportedRunInfo = {
    source: 'tflite',
    filename,
    operators: prepared.operators,
    io: prepared.io,
    approximations: prepared.approximations,
    composer: prepared.composer.maps
      ? { maps: true }
      : { maps: false, reason: prepared.composer.reason, refused: prepared.composer.refused },
  };
  const description = `Imported from ${filename}: ${prepared.operators} TFLite operators, ${prepared.deployOps} deploy ops.`;
  // A graph that maps is the studio graph of the model (it opens in the composer); otherwise only its input.
  const graphSpec = prepared.composer.maps
    ? {
        ...prepared.composer.graph,
        name,
        description,
        meta: { imported: 'tflite', composer: 'mapped' },
      }
    : {
        format: 'bnn-studio.graph',
        version: 1,
        name,
        description,
        nodes: [{ id: prepared.input.id, type: 'Input', params: { shape: prepared.input.shape } }],
        edges: [],
        meta: { imported: 'tflite', composer: 'unmapped' },
      };
  // The mapped graph is checked and summarised as any saved version is (prepareGraph: a 422 here would be a bug).
  const { graphJson, graphSha256, summaryJson } = prepared.composer.maps
    ? prepareGraph(graphSpec)
    : { graphJson: JSON.stringify(graphSpec), graphSha256: '', summaryJson: null };
  const sha = graphSha256 || createHash('sha256').update(graphJson).digest('hex');
  const { sha256, bytes: size } = await ctx.store.put(prepared.bnn);
  // The mapped layers' initial weights are the run's weights (GET /api/runs/:id/weights), as a trained run's are.
  const weights = prepared.composer.maps
    ? await ctx.store.putShared(
        prepared.composer.weights,
        ctx.config.provider === 'postgresql' ? ctx.db.blob : undefined,
      )
    : null;
  await ensureImportedDataset(ctx);
  const archId = newId('arc');
  const versionId = newId('arv');
  const now = new Date();
  // One transaction through the runs repository (it drops the run read cache after the write).
  await ctx.runs.transaction(async (tx) => {
    await tx.architecture.create({ data: { id: archId, name, projectId: input.projectId ?? null } });
    await tx.architectureVersion.create({
      data: {
        id: versionId,
        architectureId: archId,
        version: 1,
        graphJson,
        graphSha256: sha,
        summaryJson,
      },
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
        packedBytes: prepared.weightBytes,
        weightsSha256: weights?.sha256 ?? null,
      },
    });
    if (weights)
      await tx.artifact.create({
        data: {
          id: newId('art'),
          sha256: weights.sha256,
          bytes: weights.bytes,
          kind: 'weights',
          filename: `${runId}.weights`,
          mediaType: 'application/octet-stream',
          runId,
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
    operators: prepared.operators,
    refused: [] as never[],
    approximations: prepared.approximations,
    io: prepared.io,
    composer: info.composer,
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
