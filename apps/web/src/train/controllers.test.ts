import { RunDetail } from '@bnn-studio/api/contract';
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBrowserTraining } from './controllers';
import { DEFAULT_FORM, toTrainConfig } from './train-config';
import { createTrainingStore } from './training-store';

/** A worker that accepts the start message and then trains "forever" (never answers). */
class SilentWorker {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  postMessage(): void {}
  terminate(): void {
    this.terminated = true;
  }
}

/** A browser run as the API answers it (the client parses answers with the API contract). */
const run = RunDetail.parse({
  id: 'r1',
  name: 'test run',
  status: 'running',
  location: 'browser',
  projectId: null,
  architectureVersionId: 'arv_1',
  datasetId: 'mnist',
  seed: 1,
  epochs: 1,
  epochsDone: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  durationMs: null,
  finalAccuracy: null,
  finalLoss: null,
  packedBytes: null,
  error: null,
  attempts: 0,
  hasWeights: false,
  config: {},
  options: {},
  results: null,
  cancelRequested: false,
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('browser training keeps its run lease alive', () => {
  let calls: string[];
  let heartbeatStatus: number;
  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    heartbeatStatus = 200;
    vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
      calls.push(`${init.method} ${path}`);
      if (path === '/api/runs') return json(201, { run });
      if (path === '/api/runs/r1/heartbeat')
        return heartbeatStatus === 200
          ? json(200, { run, leaseMs: 120_000 })
          : json(409, {
              error: {
                code: 'run_not_running',
                message: 'The run is failed (abandoned).',
                fix: 'Start a new run.',
              },
            });
      return json(404, { error: { code: 'not_found', message: path } });
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const start = () => {
    const store = createTrainingStore();
    const worker = new SilentWorker();
    const handle = startBrowserTraining(
      store,
      { graph: {} as GraphSpec, datasetId: 'mnist', config: toTrainConfig(DEFAULT_FORM) },
      { kind: 'builtin' } as never,
      { createWorker: () => worker as unknown as Worker },
    );
    return { store, worker, handle };
  };

  it('sends a heartbeat every 30 s while the worker trains, and stops when disposed', async () => {
    const { handle } = start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['POST /api/runs']);
    await vi.advanceTimersByTimeAsync(95_000);
    expect(calls.filter((c) => c === 'POST /api/runs/r1/heartbeat')).toHaveLength(3);
    handle.dispose();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls.filter((c) => c === 'POST /api/runs/r1/heartbeat')).toHaveLength(3);
  });

  it('stops training and says why when the server has given the run up', async () => {
    const { store, worker } = start();
    await vi.advanceTimersByTimeAsync(0);
    heartbeatStatus = 409;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(worker.terminated).toBe(true);
    expect(store.getState().phase).toBe('failed');
    expect(JSON.stringify(store.getState())).toContain('abandoned');
  });
});
