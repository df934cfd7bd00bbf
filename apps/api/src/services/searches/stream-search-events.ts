// SSE for one search: its detail, read from the database (workers elsewhere finish its runs too), sent whenever
// anything but the clock changed; the stream ends after a finished, cancelled or failed search's last event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceCtx } from '../context.js';
import { loadSearchState, searchDetail } from './search-state.js';

const POLL_MS = 1000;

export async function streamSearchEvents(
  ctx: Pick<ServiceCtx, 'db'>,
  searchId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  let last = '';
  const heartbeat = setInterval(() => !closed && res.write(': keep-alive\n\n'), 15_000);
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      res.end();
      resolve();
    };
    req.on('close', finish);
    const tick = async () => {
      if (closed) return;
      try {
        const s = await loadSearchState(ctx, searchId);
        if (!s) return finish();
        const detail = searchDetail(s);
        const { elapsedMs: _clock, ...rest } = detail;
        const key = JSON.stringify(rest);
        if (key !== last) {
          last = key;
          res.write(`event: search\ndata: ${JSON.stringify(detail)}\n\n`);
        }
        if (s.row.status !== 'running') return finish();
      } catch {
        return finish();
      }
      setTimeout(tick, POLL_MS);
    };
    void tick();
  });
}
