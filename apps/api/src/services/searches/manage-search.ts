// Read, list, cancel and resume searches.
import { ApiError, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { createRun } from '../runs/create-run.js';
import { advanceSearch, cancelActive, remainingMs, trialConfig } from './advance-search.js';
import { candidateGraph } from './cost-model.js';
import { elapsedMs, loadSearchState, searchDetail, searchSummary } from './search-state.js';

export async function getSearch(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const s = await loadSearchState(ctx, id);
  if (!s) throw notFound('Search', id);
  return searchDetail(s);
}

/** The newest searches first (at most 200). */
export async function listSearches(ctx: Pick<ServiceCtx, 'db'>) {
  const rows = await ctx.db.search.findMany({
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { id: true },
  });
  const out = [];
  for (const r of rows) {
    const s = await loadSearchState(ctx, r.id);
    if (s) out.push(searchSummary(s));
  }
  return out;
}

/** Stops a running search: its queued and running candidates are cancelled, finished ones stay. */
export async function cancelSearch(ctx: ServiceCtx, id: string) {
  const s = await loadSearchState(ctx, id);
  if (!s) throw notFound('Search', id);
  if (s.row.status !== 'running')
    throw new ApiError(409, 'search_not_running', `Search '${id}' is ${s.row.status}.`, 'Nothing to cancel.');
  const now = new Date();
  const done = await ctx.db.search.updateMany({
    where: { id, status: 'running' },
    data: {
      status: 'cancelled',
      reason: 'cancelled',
      finishedAt: now,
      usedMs: elapsedMs(s.row, now.getTime()),
      activeSince: null,
    },
  });
  if (done.count === 0)
    throw new ApiError(409, 'search_not_running', `Search '${id}' just ended.`, 'Reload it to see how.');
  await cancelActive(ctx, s);
  return getSearch(ctx, id);
}

/**
 * Continues a cancelled search: the candidates its cancel stopped are queued again as fresh runs, and the time
 * limit counts on from what was used before the cancel.
 */
export async function resumeSearch(ctx: ServiceCtx, id: string) {
  const s = await loadSearchState(ctx, id);
  if (!s) throw notFound('Search', id);
  if (s.row.status !== 'cancelled')
    throw new ApiError(
      409,
      'search_not_cancelled',
      `Search '${id}' is ${s.row.status}; only a cancelled search resumes.`,
      s.row.status === 'running'
        ? 'It is already running.'
        : 'Start a new search (POST /api/searches) for more trials or time.',
    );
  if (remainingMs(s) <= 0)
    throw new ApiError(
      409,
      'search_out_of_time',
      `Search '${id}' has used its ${s.limits.minutes} minutes.`,
      'Start a new search with a longer time limit.',
    );
  const now = new Date();
  const ok = await ctx.db.search.updateMany({
    where: { id, status: 'cancelled' },
    data: { status: 'running', reason: null, finishedAt: null, activeSince: now },
  });
  if (ok.count === 0)
    throw new ApiError(409, 'search_not_cancelled', `Search '${id}' changed meanwhile.`, 'Reload it.');
  // The trials the cancel stopped train again from the start (a fresh run each; the cancelled run stays).
  for (const t of s.trials) {
    if (t.status !== 'cancelled') continue;
    const c = s.candidates.find((x) => x.id === t.candidateId)!;
    const params = c.params as unknown as Parameters<typeof trialConfig>[0];
    const graph = candidateGraph(params, s.limits.io);
    const run = await createRun(ctx, {
      graph: graph as unknown as Record<string, unknown>,
      datasetId: s.row.datasetId,
      config: trialConfig(params, t.epochs, s.limits, s.row.seed),
      location: 'server',
      name: `${s.row.name} · ${graph.name.replace(/^Auto-size /, '')} · rung ${t.rung} (${t.epochs} ep, resumed)`,
      ...(s.limits.limits.trainSamples || s.limits.limits.testSamples ? { limits: s.limits.limits } : {}),
    });
    await ctx.db.searchTrial.update({ where: { id: t.id }, data: { runId: run.id } });
  }
  await advanceSearch(ctx, id, now);
  return getSearch(ctx, id);
}
