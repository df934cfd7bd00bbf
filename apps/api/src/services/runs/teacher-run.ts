import { floatTeacher, type GraphSpec, inferGraph, outputHead } from '@bnn-studio/bnn-core';
import { FLOAT_TWIN } from '../../contract/distillation.js';
import type { RunDistillation } from '../../contract/runs.js';
import { ApiError } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

/**
 * Knowledge distillation from a teacher run: the config names it as `distillation.teacherRunId` — a completed
 * run's id or `float-twin` (contract/distillation.ts). bnn-core's TrainConfig knows only teacher weights and
 * graph, so the id is kept in the run's options (`teacherRunId`, `teacherKind`) and resolved to the teacher's
 * graph and weights when the training starts (server job or browser worker).
 */
export function teacherRunIdOf(config: unknown): string | null {
  const d = (config as { distillation?: { teacherRunId?: unknown } } | null)?.distillation;
  if (d?.teacherRunId === undefined || d.teacherRunId === null || d.teacherRunId === '') return null;
  if (typeof d.teacherRunId !== 'string')
    throw new ApiError(
      400,
      'invalid_config',
      'config.distillation.teacherRunId must be a run id or "float-twin".',
      'Pick the teacher run by its id, or "float-twin" for the architecture\'s float twin.',
    );
  return d.teacherRunId;
}

/** Input shape and class count of a graph (null where unreadable). */
function io(graph: GraphSpec): { input: number[] | null; classes: number | null } {
  const shape = graph.nodes.find((n) => n.type === 'Input')?.params.shape;
  let classes: number | null = null;
  try {
    classes = outputHead(graph, inferGraph(graph))?.classes ?? null;
  } catch {
    classes = null;
  }
  return { input: Array.isArray(shape) ? shape.map(Number) : null, classes };
}

/**
 * Refuses (422, naming the fix) a teacher run that does not exist, has not completed with weights, or whose input
 * shape or class count differs from the student's. `allowPending` accepts a queued/running teacher (a float-twin
 * teacher created for this student, trained before it).
 */
export async function checkTeacherRun(
  ctx: ServiceCtx,
  teacherRunId: string,
  student: GraphSpec,
  opts: { allowPending?: boolean } = {},
) {
  const teacher = await ctx.db.run.findUnique({
    where: { id: teacherRunId },
    include: { architectureVersion: true },
  });
  if (!teacher)
    throw new ApiError(
      422,
      'teacher_not_found',
      `Teacher run '${teacherRunId}' does not exist.`,
      'Pick a completed run as teacher (`bnn-studio runs list`), or use "float-twin" to train the float twin first.',
    );
  const pending = teacher.status === 'queued' || teacher.status === 'running';
  if (!teacher.weightsSha256 && !(opts.allowPending && pending))
    throw new ApiError(
      422,
      'teacher_not_ready',
      `Teacher run '${teacherRunId}' has not completed (status ${teacher.status}), so it has no trained weights.`,
      teacher.status === 'queued' || teacher.status === 'running'
        ? 'Wait until the teacher run completes, or use "float-twin" to train the float twin before this run.'
        : 'Pick a completed run as teacher, or use "float-twin".',
    );
  const s = io(student);
  const t = io(JSON.parse(teacher.architectureVersion.graphJson) as GraphSpec);
  const same = (a: number[] | null, b: number[] | null) =>
    !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(s.input, t.input) || s.classes !== t.classes)
    throw new ApiError(
      422,
      'teacher_shape_mismatch',
      `Teacher run '${teacherRunId}' takes input [${t.input?.join(', ') ?? '?'}] and outputs ${t.classes ?? '?'} classes, but this model takes [${s.input?.join(', ') ?? '?'}] and outputs ${s.classes ?? '?'}.`,
      'Pick a teacher trained on the same data (same input shape and class count), or use "float-twin".',
      { teacher: t, student: s },
    );
  return teacher;
}

/** The float-twin teacher graph of a student graph (bnn-core `floatTeacher`). */
export function floatTeacherGraph(student: GraphSpec): GraphSpec {
  return floatTeacher(student);
}

/** A reusable float-twin teacher: the best completed run of that architecture version on that dataset. */
export async function findFloatTeacherRun(
  ctx: ServiceCtx,
  teacherVersionId: string,
  datasetId: string,
  opts: { pendingServer?: boolean } = {},
) {
  const completed = await ctx.db.run.findFirst({
    where: {
      architectureVersionId: teacherVersionId,
      datasetId,
      status: 'completed',
      weightsSha256: { not: null },
    },
    orderBy: [{ finalAccuracy: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
  });
  if (completed || !opts.pendingServer) return completed;
  // A server teacher already queued or training (e.g. for another student) is awaited rather than trained twice.
  return ctx.db.run.findFirst({
    where: {
      architectureVersionId: teacherVersionId,
      datasetId,
      location: 'server',
      status: { in: ['queued', 'running'] },
    },
    orderBy: { createdAt: 'desc' },
  });
}

/** The training config of a float-twin teacher: the student's recipe without distillation, its own epochs. */
export function teacherConfig(studentConfig: Record<string, unknown>): Record<string, unknown> {
  // The teacher is trained as it is: never distilled, never pruned.
  const {
    distillation,
    prune: _prune,
    ...rest
  } = studentConfig as {
    distillation?: { teacherEpochs?: number };
    prune?: unknown;
    epochs?: number;
  };
  return { ...rest, epochs: distillation?.teacherEpochs ?? rest.epochs };
}

const withoutDistillation = (configJson: string): string => {
  const {
    distillation: _d,
    checkpointEvery: _c,
    ...rest
  } = JSON.parse(configJson) as Record<string, unknown>;
  // Both configs are bnn-core normalised snapshots, so equal recipes serialise alike.
  return JSON.stringify(rest);
};

/**
 * What a run's detail says about distillation: its teacher (with accuracy) and, when a completed run of the same
 * architecture version, dataset, seed and recipe without a teacher exists, that run's accuracy and the gain.
 * Null for a run trained without a teacher.
 */
export async function distillationSummary(
  ctx: Pick<ServiceCtx, 'db'>,
  run: {
    id: string;
    optionsJson: string;
    configJson: string;
    architectureVersionId: string;
    datasetId: string;
    seed: number;
    finalAccuracy: number | null;
  },
): Promise<RunDistillation | null> {
  const options = JSON.parse(run.optionsJson) as {
    teacherRunId?: string;
    teacherKind?: string;
    limits?: unknown;
  };
  const limits = JSON.stringify(options.limits ?? {});
  if (!options.teacherRunId) return null;
  const teacher = await ctx.db.run.findUnique({
    where: { id: options.teacherRunId },
    select: { id: true, name: true, status: true, finalAccuracy: true },
  });
  const config = JSON.parse(run.configJson) as {
    distillation?: { temperature?: number; alpha?: number; warmupEpochs?: number };
  };
  const recipe = withoutDistillation(run.configJson);
  const candidates = await ctx.db.run.findMany({
    where: {
      architectureVersionId: run.architectureVersionId,
      datasetId: run.datasetId,
      seed: run.seed,
      status: 'completed',
      id: { not: run.id },
    },
    select: { id: true, finalAccuracy: true, optionsJson: true, configJson: true },
    orderBy: { createdAt: 'desc' },
    take: 50,
  });
  const alone =
    candidates.find(
      (c) =>
        !(JSON.parse(c.optionsJson) as { teacherRunId?: string }).teacherRunId &&
        JSON.stringify((JSON.parse(c.optionsJson) as { limits?: unknown }).limits ?? {}) === limits &&
        !(JSON.parse(c.configJson) as { distillation?: unknown }).distillation &&
        withoutDistillation(c.configJson) === recipe,
    ) ?? null;
  const result: RunDistillation = {
    teacher: {
      id: options.teacherRunId,
      name: teacher?.name ?? '(deleted run)',
      status: (teacher?.status ?? 'failed') as RunDistillation['teacher']['status'],
      finalAccuracy: teacher?.finalAccuracy ?? null,
      floatTwin: options.teacherKind === FLOAT_TWIN,
    },
    temperature: config.distillation?.temperature ?? null,
    alpha: config.distillation?.alpha ?? null,
    warmupEpochs: config.distillation?.warmupEpochs ?? null,
    withoutDistillation: alone ? { runId: alone.id, finalAccuracy: alone.finalAccuracy } : null,
    gainPoints:
      alone && alone.finalAccuracy !== null && run.finalAccuracy !== null
        ? 100 * (run.finalAccuracy - alone.finalAccuracy)
        : null,
  };
  return result;
}
