import {
  checkClassCount,
  type GraphIssue,
  type GraphSpec,
  inferGraph,
  outputHead,
} from '@bnn-studio/bnn-core';
import { FLOAT_TWIN } from '../../contract/distillation.js';
import { loadCoreTf } from '../../lib/core-tf.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { RunCreate } from '../../schemas.js';
import { createArchitecture } from '../architectures/create-architecture.js';
import { prepareGraph } from '../architectures/prepare-graph.js';
import type { ServiceCtx } from '../context.js';
import { checkBatchMemory, type TrainingSummary } from './batch-memory.js';
import { runDto } from './dto.js';
import { resolvePrune } from './prune-config.js';
import {
  checkTeacherRun,
  findFloatTeacherRun,
  floatTeacherGraph,
  teacherConfig,
  teacherRunIdOf,
} from './teacher-run.js';

/**
 * The full config snapshot (defaults applied) from bnn-core's TrainConfig schema; 422 naming every bad field.
 * bnn-core/tf is loaded on first use (it pulls in tfjs).
 */
async function normalizeTrainConfig(config: unknown): Promise<unknown> {
  const tf = await loadCoreTf();
  try {
    return tf.parseTrainConfig(config);
  } catch (err) {
    const lines = (err as Error).message.split('\n').slice(1);
    throw new ApiError(
      422,
      'invalid_config',
      `The training config is not valid: ${lines.join('; ') || (err as Error).message}`,
      'Correct the listed config fields.',
      { issues: lines },
    );
  }
}

/**
 * The class-count check run before training (bnn-core's `outputHead` / `checkClassCount`): the model's output width
 * and the issue (with its fix) when it differs from the dataset's class count; null when they agree or the graph has
 * no readable output head (an unreadable graph is reported by the graph checks, not here).
 */
function classCountIssue(
  graph: GraphSpec,
  datasetClasses: number,
): { modelClasses: number; issue: GraphIssue } | null {
  try {
    const analysis = inferGraph(graph);
    const head = outputHead(graph, analysis);
    const issue = head ? checkClassCount(graph, datasetClasses, analysis) : null;
    return head && issue ? { modelClasses: head.classes, issue } : null;
  } catch {
    return null;
  }
}

/**
 * Records a run. Server runs are queued for a worker; browser runs start at once and post their metrics and final
 * weights through the API. A graph given inline is stored as an architecture version first (reused when an
 * identical graph already has one).
 */
export async function createRun(ctx: ServiceCtx, input: RunCreate) {
  let versionId = input.architectureVersionId;
  if (!versionId) {
    const g = prepareGraph(input.graph);
    const existing = await ctx.db.architectureVersion.findFirst({ where: { graphSha256: g.graphSha256 } });
    versionId =
      existing?.id ??
      (
        await createArchitecture(ctx, {
          name: g.graph.name || 'Untitled architecture',
          projectId: input.projectId,
          graph: input.graph,
        })
      ).version.id;
  }
  const version = await ctx.db.architectureVersion.findUnique({ where: { id: versionId } });
  if (!version) throw notFound('Architecture version', versionId);
  const dataset = await ctx.db.dataset.findUnique({ where: { id: input.datasetId } });
  if (!dataset) throw notFound('Dataset', input.datasetId);
  if (dataset.status !== 'ready')
    throw new ApiError(
      422,
      'dataset_not_ready',
      `Dataset '${dataset.id}' is ${dataset.status}.`,
      'Upload a valid dataset.',
    );
  if (dataset.numClasses) {
    const mismatch = classCountIssue(JSON.parse(version.graphJson) as GraphSpec, dataset.numClasses);
    if (mismatch)
      throw new ApiError(
        422,
        'class_mismatch',
        `The model outputs ${mismatch.modelClasses} class scores but dataset '${dataset.name}' has ${dataset.numClasses} classes, so training would fail.`,
        mismatch.issue.fix,
        {
          nodeId: mismatch.issue.nodeId ?? null,
          field: mismatch.issue.field ?? null,
          modelClasses: mismatch.modelClasses,
          datasetClasses: dataset.numClasses,
        },
      );
  }
  if (input.projectId && !(await ctx.db.project.findUnique({ where: { id: input.projectId } })))
    throw notFound('Project', input.projectId);

  const prune = resolvePrune(input, JSON.parse(version.graphJson) as GraphSpec);
  // bnn-core's TrainConfig does not know `prune` (the job applies it after training): keep it in the snapshot.
  const config = { ...((await normalizeTrainConfig(input.config)) as object), ...(prune ? { prune } : {}) };
  const summary = version.summaryJson
    ? (JSON.parse(version.summaryJson) as TrainingSummary & { totals?: { modelSizeBytes?: number } })
    : null;
  checkBatchMemory(summary, input.config.batchSize, ctx.config.maxTrainMemoryBytes);
  const teacherOptions = await resolveTeacher(ctx, input, JSON.parse(version.graphJson) as GraphSpec);
  const now = new Date();
  const isServer = input.location === 'server';
  const run = await ctx.runs.create({
    id: newId('run'),
    name: input.name ?? `${dataset.name.split(' ')[0]} · ${now.toISOString().slice(0, 16).replace('T', ' ')}`,
    projectId: input.projectId ?? null,
    architectureVersionId: version.id,
    datasetId: dataset.id,
    location: input.location,
    status: isServer ? 'queued' : 'running',
    startedAt: isServer ? null : now,
    // Browser runs hold a lease renewed by their metrics and heartbeats (see reap-abandoned-runs.ts).
    heartbeatAt: isServer ? null : now,
    configJson: JSON.stringify(config),
    optionsJson: JSON.stringify({ limits: input.limits ?? {}, ...teacherOptions }),
    seed: input.config.seed,
    epochs: input.config.epochs,
    packedBytes: summary?.totals?.modelSizeBytes != null ? Math.round(summary.totals.modelSizeBytes) : null,
  });
  if (isServer) {
    try {
      await ctx.jobs.enqueue(run.id);
    } catch (err) {
      // Nothing half-written: a run that could not be queued is not kept.
      await ctx.runs.delete(run.id).catch(() => {});
      throw new ApiError(
        503,
        'queue_unavailable',
        'The job queue did not accept the run.',
        'Retry shortly; if it persists, check the server log.',
        undefined,
        err,
      );
    }
  }
  return runDto(run, true);
}

/**
 * The teacher of a distilled run, as the run's options record it: a completed run given by id (checked: exists,
 * completed, same input shape and class count), or for `float-twin` the student's float twin (bnn-core
 * `floatTeacher`) — the best completed run of it on this dataset, a server one already queued or training, or else
 * a new run of it created now (server: queued before the student, whose job waits for it; browser: the page
 * trains it first).
 */
async function resolveTeacher(
  ctx: ServiceCtx,
  input: RunCreate,
  student: GraphSpec,
): Promise<{ teacherRunId?: string; teacherKind?: string }> {
  const teacherRunId = teacherRunIdOf(input.config);
  if (!teacherRunId) return {};
  if (teacherRunId !== FLOAT_TWIN) {
    await checkTeacherRun(ctx, teacherRunId, student);
    return { teacherRunId };
  }
  const graph = floatTeacherGraph(student);
  const g = prepareGraph(graph);
  const version = await ctx.db.architectureVersion.findFirst({ where: { graphSha256: g.graphSha256 } });
  const found = version
    ? await findFloatTeacherRun(ctx, version.id, input.datasetId, {
        pendingServer: input.location === 'server',
      })
    : null;
  if (found) return { teacherRunId: found.id, teacherKind: FLOAT_TWIN };
  const teacher = await createRun(ctx, {
    ...(version
      ? { architectureVersionId: version.id }
      : { graph: graph as unknown as Record<string, unknown> }),
    datasetId: input.datasetId,
    config: teacherConfig(input.config) as RunCreate['config'],
    location: input.location,
    name: `${input.name ?? student.name} · float twin (teacher)`,
    ...(input.projectId ? { projectId: input.projectId } : {}),
    ...(input.limits ? { limits: input.limits } : {}),
  });
  return { teacherRunId: teacher.id, teacherKind: FLOAT_TWIN };
}
