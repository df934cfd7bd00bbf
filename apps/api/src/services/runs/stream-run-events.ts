// SSE for one run. Status and metric points are read from the database (so workers on other machines are seen
// too); log lines come from the in-process event bus when the job runs here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../../context.js';
import type { RunEventData, RunEventName, RunStatus } from '../../contract/runs.js';
import type { Wire } from '../../lib/route.js';
import { TERMINAL_STATUSES } from './dto.js';

const POLL_MS = 400;

/** A `progress` event's data (contract/runs.ts RunEvents.progress). */
export type ProgressEvent = RunEventData<'progress'>;

/**
 * A progress event with the share done and the time left: elapsed × (1 − done) / done, with done counted in
 * batches over all epochs (the run's start time is the clock's origin, so data loading counts as work done).
 */
export function withEta(
  p: { epoch: number; batch: number; batches: number; loss: number },
  startedAt: Date | null,
  epochs: number,
  now: number,
): ProgressEvent {
  const total = Math.max(1, epochs) * Math.max(1, p.batches);
  const doneBatches = Math.max(0, p.epoch - 1) * Math.max(1, p.batches) + p.batch + 1;
  const done = Math.min(1, doneBatches / total);
  const elapsed = startedAt ? (now - startedAt.getTime()) / 1000 : null;
  const etaSeconds = elapsed !== null && done > 0 ? Math.max(0, (elapsed * (1 - done)) / done) : null;
  return { ...p, epochs, done, etaSeconds };
}

export async function streamRunEvents(
  ctx: Pick<AppContext, 'db' | 'bus'>,
  runId: string,
  req: IncomingMessage,
  res: ServerResponse,
  opts: { lastEventId?: number; origin?: string } = {},
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  // Event data shapes: RunEvents in contract/runs.ts (the web parses each event with them).
  const send = <E extends RunEventName>(event: E, data: Wire<RunEventData<E>>, id?: number) => {
    if (closed) return;
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const onLog = (message: string) => send('log', { message });
  ctx.bus.on(`log:${runId}`, onLog);
  // Per-batch progress of a job running in this process (at most one a second), with an ETA from the elapsed time.
  const timing = { startedAt: null as Date | null, epochs: 0 };
  const onProgress = (p: { epoch: number; batch: number; batches: number; loss: number }) =>
    send('progress', withEta(p, timing.startedAt, timing.epochs, Date.now()));
  ctx.bus.on(`progress:${runId}`, onProgress);
  let lastId = opts.lastEventId;
  if (lastId === undefined) {
    const last = await ctx.db.metricPoint.findFirst({
      where: { runId },
      orderBy: { id: 'desc' },
      select: { id: true },
    });
    lastId = last?.id ?? 0;
  }
  let lastStatus = '';
  let lastEpochs = -1;
  const heartbeat = setInterval(() => !closed && res.write(': keep-alive\n\n'), 15_000);
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      ctx.bus.off(`log:${runId}`, onLog);
      ctx.bus.off(`progress:${runId}`, onProgress);
      res.end();
      resolve();
    };
    req.on('close', finish);
    const tick = async () => {
      if (closed) return;
      try {
        const points = await ctx.db.metricPoint.findMany({
          where: { runId, id: { gt: lastId } },
          orderBy: { id: 'asc' },
          take: 5000,
          select: { id: true, epoch: true, step: true, name: true, value: true },
        });
        if (points.length) {
          lastId = points[points.length - 1]!.id;
          send('metric', { points: points.map(({ id: _i, ...p }) => p) }, lastId);
        }
        const run = await ctx.db.run.findUnique({
          where: { id: runId },
          select: {
            status: true,
            epochsDone: true,
            epochs: true,
            error: true,
            finalAccuracy: true,
            startedAt: true,
          },
        });
        if (!run) {
          send('status', { status: 'deleted' });
          return finish();
        }
        timing.startedAt = run.startedAt;
        timing.epochs = run.epochs;
        if (run.status !== lastStatus || run.epochsDone !== lastEpochs) {
          lastStatus = run.status;
          lastEpochs = run.epochsDone;
          const { startedAt: _s, ...status } = run;
          send('status', { ...status, status: run.status as RunStatus });
        }
        if (TERMINAL_STATUSES.has(run.status)) return finish();
      } catch {
        return finish();
      }
      setTimeout(tick, POLL_MS);
    };
    void tick();
  });
  await done;
}
