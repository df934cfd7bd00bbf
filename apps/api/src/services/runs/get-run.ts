import type { RunDetailResponse } from '../../contract/runs.js';
import { notFound } from '../../lib/errors.js';
import { type JsonText, jsonText } from '../../lib/route.js';
import type { ServiceCtx } from '../context.js';
import { runDto } from './dto.js';
import { distillationSummary } from './teacher-run.js';

/** A run with its config snapshot and the latest value of each metric. */
export function getRun(ctx: ServiceCtx, id: string) {
  return ctx.cache.get(`run:${id}`, () => loadRun(ctx, id));
}

/** The same, serialised once per cache entry (the hot dashboard route sends these bytes). */
export function getRunJson(ctx: ServiceCtx, id: string): Promise<JsonText<RunDetailResponse>> {
  return ctx.cache.get(`run-json:${id}`, async () =>
    jsonText<RunDetailResponse>({ run: await loadRun(ctx, id) }),
  );
}

// Indexed point reads through the driver (one round trip on Postgres) (db/hot-reads.ts), not Prisma: this is the hottest dashboard read.
async function loadRun(ctx: ServiceCtx, id: string) {
  const detail = await ctx.dbHandle.reads.runDetail(id);
  if (!detail) throw notFound('Run', id);
  const { run, latest } = detail;
  const metrics: Record<string, number> = {};
  const lastEpoch = latest[0]?.epoch;
  for (const p of latest) if (p.epoch === lastEpoch && !(p.name in metrics)) metrics[p.name] = p.value;
  // Only a distilled run (its options name a teacher) costs the extra reads, and has the field: its teacher and
  // the run without distillation.
  const distillation = run.optionsJson.includes('"teacherRunId"')
    ? await distillationSummary(ctx, run)
    : null;
  return { ...runDto(run, true), metrics, ...(distillation ? { distillation } : {}) };
}
