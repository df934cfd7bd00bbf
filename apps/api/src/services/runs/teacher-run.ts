import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';

/**
 * Knowledge distillation from an earlier run: the config names it as `distillation.teacherRunId` (bnn-core's
 * TrainConfig knows only teacher weights and graph, so the id is kept in the run's options and resolved to the
 * teacher's graph and weights when the job starts).
 */
export function teacherRunIdOf(config: unknown): string | null {
  const d = (config as { distillation?: { teacherRunId?: unknown } } | null)?.distillation;
  if (d?.teacherRunId === undefined || d.teacherRunId === null || d.teacherRunId === '') return null;
  if (typeof d.teacherRunId !== 'string')
    throw new ApiError(
      400,
      'invalid_config',
      'config.distillation.teacherRunId must be a run id (string).',
      'Pick the teacher run by its id.',
    );
  return d.teacherRunId;
}

/** Refuses a teacher that does not exist or has no trained weights yet, or a browser run asking for one. */
export async function checkTeacherRun(ctx: ServiceCtx, teacherRunId: string, location: 'server' | 'browser') {
  if (location === 'browser')
    throw new ApiError(
      422,
      'teacher_needs_server',
      'Distilling from an earlier run is done on the server.',
      'Create the run with location "server", or use the float twin as teacher in the browser.',
    );
  const teacher = await ctx.db.run.findUnique({
    where: { id: teacherRunId },
    select: { id: true, status: true, weightsSha256: true },
  });
  if (!teacher) throw notFound('Teacher run', teacherRunId);
  if (!teacher.weightsSha256)
    throw new ApiError(
      422,
      'teacher_not_ready',
      `Teacher run '${teacherRunId}' has no trained weights (status ${teacher.status}).`,
      'Pick a completed run as teacher.',
    );
}
