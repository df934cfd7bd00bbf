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

/** A worker that answers a start message with one epoch and a finished training; records what it was given. */
class ScriptedWorker {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  started: Record<string, unknown> | null = null;
  postMessage(msg: Record<string, unknown>): void {
    if (msg.type !== 'start') return;
    this.started = msg;
    const reply = (data: unknown) => this.onmessage?.({ data } as MessageEvent);
    setTimeout(() => {
      reply({ type: 'epoch', metrics: { epoch: 1, loss: 0.5, accuracy: 0.8 } });
      reply({
        type: 'done',
        stopped: false,
        weights: new Uint8Array([1, 2, 3]).buffer,
        testAccuracy: msg.teacher ? 0.7 : 0.9,
        confusion: [[1]],
        labels: ['0'],
        history: [{ epoch: 1, loss: 0.5, accuracy: 0.8 }],
      });
    }, 10);
  }
  terminate(): void {}
}

describe('browser distillation from a float twin created for the run', () => {
  let calls: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    const teacher = RunDetail.parse({
      ...run,
      id: 't1',
      name: 'tiny · float twin (teacher)',
      architectureVersionId: 'arv_t',
      config: { epochs: 1, batchSize: 8, seed: 1 },
    });
    const student = RunDetail.parse({ ...run, options: { teacherRunId: 't1', teacherKind: 'float-twin' } });
    const version = {
      id: 'arv_t',
      architectureId: 'arc_t',
      architectureName: 'teacher',
      version: 1,
      graphSha256: 'x',
      createdAt: '2026-01-01T00:00:00.000Z',
      summary: null,
      graph: { format: 'bnn-studio.graph', version: 1, name: 'teacher graph', nodes: [], edges: [] },
    };
    vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
      calls.push(`${init.method} ${path}`);
      if (path === '/api/runs') return json(201, { run: student });
      if (path === '/api/runs/t1') return json(200, { run: { ...teacher, metrics: {} } });
      if (path === '/api/architecture-versions/arv_t') return json(200, { version });
      if (path.endsWith('/metrics')) return json(202, { accepted: 1 });
      if (path.endsWith('/complete')) return json(200, { run: path.includes('t1') ? teacher : student });
      if (path.endsWith('/heartbeat')) return json(200, { run, leaseMs: 120_000 });
      return json(404, { error: { code: 'not_found', message: path } });
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('trains and completes the teacher run first, then the student with the teacher beside it', async () => {
    const store = createTrainingStore();
    const workers: ScriptedWorker[] = [];
    startBrowserTraining(
      store,
      {
        graph: { name: 'student' } as GraphSpec,
        datasetId: 'mnist',
        config: toTrainConfig({ ...DEFAULT_FORM, teacherRunId: 'float-twin' }),
      },
      { kind: 'builtin' } as never,
      {
        createWorker: () => {
          const w = new ScriptedWorker();
          workers.push(w);
          return w as unknown as Worker;
        },
      },
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(workers).toHaveLength(2);
    // The teacher trained first on its own graph and config, without a teacher of its own.
    expect(workers[0]!.started).toMatchObject({ graph: { name: 'teacher graph' }, config: { epochs: 1 } });
    expect(workers[0]!.started!.teacher).toBeUndefined();
    // The student got the teacher's graph and the weights the teacher run finished with.
    const t = workers[1]!.started!.teacher as { graph: { name: string }; weights: ArrayBuffer };
    expect(t.graph.name).toBe('teacher graph');
    expect([...new Uint8Array(t.weights)]).toEqual([1, 2, 3]);
    expect(calls.indexOf('POST /api/runs/t1/complete')).toBeGreaterThan(-1);
    expect(calls.indexOf('POST /api/runs/t1/complete')).toBeLessThan(
      calls.indexOf('POST /api/runs/r1/complete'),
    );
    expect(calls).toContain('POST /api/runs/t1/metrics');
    expect(store.getState().teacher).toEqual({
      runId: 't1',
      name: 'tiny · float twin (teacher)',
      accuracy: 0.9,
    });
    expect(store.getState()).toMatchObject({ phase: 'done', testAccuracy: 0.7 });
  });
});
