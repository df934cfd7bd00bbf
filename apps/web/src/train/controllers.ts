/**
 * Drives a training session and feeds a TrainingStore: in the browser (a Web Worker, results saved to the API as
 * a run) or on the server (a queued job watched over SSE). No React here.
 */
import { type RunEventData, type RunEventName, RunEvents, type RunStatus } from '@bnn-studio/api/contract';
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { ApiError, describeError } from '../lib/api';
import {
  completeBrowserRun,
  createRun,
  failBrowserRun,
  fetchRunWeights,
  getArchitectureVersion,
  getRun,
  getRunMetrics,
  heartbeatRun,
  postRunMetrics,
  type RunWithMetrics,
} from '../lib/studio-api';
import { cacheRunWeights } from '../lib/weights-cache';
import { explainTrainingError } from './explain-error';
import type { EpochMetrics, FromWorker, ToWorker, WorkerDatasetSpec } from './protocol';
import type { TrainConfigBody } from './train-config';
import { epochToPoints, type TrainingStore } from './training-store';

export interface SessionHandle {
  stop(): void;
  dispose(): void;
}

export interface RunRequest {
  graph: GraphSpec;
  architectureVersionId?: string | null;
  datasetId: string;
  config: TrainConfigBody;
  name?: string;
  limits?: { trainSamples?: number; testSamples?: number };
  /** File the run under this project. */
  projectId?: string;
}

function runBody(req: RunRequest, location: 'browser' | 'server') {
  return {
    ...(req.architectureVersionId
      ? { architectureVersionId: req.architectureVersionId }
      : { graph: { ...req.graph } }),
    datasetId: req.datasetId,
    config: req.config,
    location,
    ...(req.name ? { name: req.name } : {}),
    ...(req.projectId ? { projectId: req.projectId } : {}),
    ...(req.limits ? { limits: req.limits } : {}),
  };
}

/** How often a browser run renews its lease (the server's default lease is 2 min). */
const HEARTBEAT_MS = 30_000;

/** The distillation teacher handed to the training worker: its graph and serializeWeights bytes. */
export interface WorkerTeacher {
  runId: string;
  graph: GraphSpec;
  weights: Uint8Array;
}

type DoneMessage = Extract<FromWorker, { type: 'done' }>;

export function startBrowserTraining(
  store: TrainingStore,
  req: RunRequest,
  dataset: WorkerDatasetSpec,
  opts: { backend?: 'auto' | 'webgl' | 'wasm' | 'cpu'; createWorker?: () => Worker } = {},
): SessionHandle {
  const s = store.getState();
  s.begin('browser');
  let worker: Worker | null = null;
  let disposed = false;
  let runId: string | null = null;
  /** A float-twin teacher run this page trains before the student (its lease is renewed too). */
  let teacherRunId: string | null = null;
  let teacherDone = false;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const stopHeartbeat = () => {
    if (heartbeat !== null) clearInterval(heartbeat);
    heartbeat = null;
  };

  let reported = false;
  const fail = (e: unknown) => {
    stopHeartbeat();
    const d = explainTrainingError(describeError(e));
    store.getState().fail(d);
    store.getState().addLog(`Error: ${d.message}`);
    worker?.terminate();
    worker = null;
    // The server hears the real reason at once (a 409 means it already knows: abandoned or cancelled).
    if (runId && !reported && !(e instanceof ApiError && e.status === 409)) {
      reported = true;
      for (const id of [runId, teacherRunId && !teacherDone ? teacherRunId : null])
        if (id)
          failBrowserRun(id, d).catch((err) =>
            store
              .getState()
              .addLog(`Could not report the failure to the server: ${describeError(err).message}`),
          );
    }
  };

  /**
   * Trains one graph in a fresh worker: batches feed the progress bar, epochs are posted as the run's metrics
   * (and shown as the session's epochs unless `quiet`). Resolves with the worker's final message.
   */
  const trainInWorker = (
    forRun: string,
    graph: GraphSpec,
    config: Record<string, unknown>,
    teacher: WorkerTeacher | null,
    quiet: boolean,
  ): Promise<DoneMessage> =>
    new Promise<DoneMessage>((resolve, reject) => {
      const pendingPosts: Promise<unknown>[] = [];
      const w = opts.createWorker
        ? opts.createWorker()
        : new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'bnn-train' });
      worker = w;
      w.onerror = (ev) => reject(new Error(`The training worker crashed: ${ev.message || 'unknown error'}.`));
      w.onmessage = (ev: MessageEvent<FromWorker>) => {
        const msg = ev.data;
        const st = store.getState();
        switch (msg.type) {
          case 'backend':
            st.setBackend(msg.backend);
            break;
          case 'log':
            st.addLog(msg.text);
            break;
          case 'batch':
            st.setProgress({ epoch: msg.epoch, batch: msg.batch, batches: msg.batches, loss: msg.loss });
            break;
          case 'epoch': {
            if (quiet)
              st.addLog(
                `Teacher epoch ${msg.metrics.epoch}: loss ${msg.metrics.loss.toFixed(4)}, accuracy ${(msg.metrics.accuracy * 100).toFixed(1)}%`,
              );
            else st.addEpoch(msg.metrics);
            pendingPosts.push(
              postRunMetrics(forRun, epochToPoints(msg.metrics)).catch((e) =>
                st.addLog(`Could not save epoch ${msg.metrics.epoch} metrics: ${describeError(e).message}`),
              ),
            );
            break;
          }
          case 'done':
            w.terminate();
            if (worker === w) worker = null;
            Promise.all(pendingPosts).then(() => resolve(msg), reject);
            break;
          case 'error':
            reject(Object.assign(new Error(msg.message), msg.fix ? { fix: msg.fix } : {}));
            break;
        }
      };
      const start: ToWorker = {
        type: 'start',
        graph,
        config,
        dataset,
        wasmPaths: '/tfjs-wasm/',
        backend: opts.backend ?? 'auto',
        ...(teacher
          ? {
              teacher: {
                graph: teacher.graph,
                weights: teacher.weights.buffer.slice(
                  teacher.weights.byteOffset,
                  teacher.weights.byteOffset + teacher.weights.byteLength,
                ) as ArrayBuffer,
              },
            }
          : {}),
      };
      w.postMessage(start);
    });

  const completeFrom = async (id: string, msg: DoneMessage) => {
    const last: EpochMetrics | undefined = msg.history.at(-1);
    await completeBrowserRun(id, new Uint8Array(msg.weights), {
      finalAccuracy: msg.testAccuracy,
      ...(typeof (last?.valLoss ?? last?.loss) === 'number'
        ? { finalLoss: (last?.valLoss ?? last?.loss) as number }
        : {}),
      epochs: msg.history.length,
      confusionMatrix: msg.confusion,
      labels: msg.labels,
    });
  };

  /**
   * The distilled run's teacher: a completed run (its graph and weights fetched from the API), or a float twin
   * created for this run (browser, still running), which this page trains first and completes as its own run.
   */
  const teacherFor = async (studentId: string, id: string): Promise<WorkerTeacher> => {
    const st = store.getState();
    const t = await getRun(id);
    const { graph } = await getArchitectureVersion(t.architectureVersionId);
    if (t.status === 'completed') {
      const weights = await fetchRunWeights(id);
      if (!weights) throw new Error(`Teacher run ${id} has no weights to download.`);
      st.addLog(
        `Teacher: run ${id} (${t.name})${t.finalAccuracy != null ? `, test accuracy ${(t.finalAccuracy * 100).toFixed(1)}%` : ''}.`,
      );
      st.setTeacher({ runId: id, name: t.name, accuracy: t.finalAccuracy });
      return { runId: id, graph, weights };
    }
    if (t.status !== 'running' || t.location !== 'browser')
      throw Object.assign(
        new Error(`Teacher run ${id} is ${t.status} on the ${t.location}; it has no weights yet.`),
        {
          fix: 'Wait until the teacher run completes, or train this run on the server (it waits for its teacher).',
        },
      );
    teacherRunId = id;
    st.setTeacher({ runId: id, name: t.name, accuracy: null });
    st.addLog(`Training the float twin first as the teacher (run ${id}), then run ${studentId} against it.`);
    const done = await trainInWorker(id, graph, t.config, null, true);
    if (done.stopped) throw new Error('Training stopped while the teacher trained.');
    await completeFrom(id, done);
    teacherDone = true;
    st.addLog(`Teacher run ${id} saved: test accuracy ${(done.testAccuracy * 100).toFixed(1)}%.`);
    st.setTeacher({ runId: id, name: t.name, accuracy: done.testAccuracy });
    return { runId: id, graph, weights: new Uint8Array(done.weights) };
  };

  (async () => {
    const run = await createRun(runBody(req, 'browser'));
    runId = run.id;
    if (disposed) return;
    store.getState().setRun(run.id);
    rememberRun(run.id);
    store.getState().addLog(`Run ${run.id} created; starting the training worker.`);
    // Keep the run's lease alive while this page trains (long epochs post no metrics). A refusal means the server
    // gave the run up (abandoned or cancelled): stop training and say why.
    heartbeat = setInterval(() => {
      for (const id of [run.id, teacherRunId && !teacherDone ? teacherRunId : null])
        if (id)
          heartbeatRun(id).catch((e) => {
            if (e instanceof ApiError && e.status === 409) fail(e);
          });
    }, HEARTBEAT_MS);
    const tId = (run.options as { teacherRunId?: string }).teacherRunId;
    const teacher = tId ? await teacherFor(run.id, tId) : null;
    if (disposed) return;
    const msg = await trainInWorker(run.id, req.graph, req.config, teacher, false);
    stopHeartbeat();
    const st = store.getState();
    st.addLog(
      `Training ${msg.stopped ? 'stopped' : 'finished'}; test accuracy ${(msg.testAccuracy * 100).toFixed(1)}%. Saving weights…`,
    );
    await completeFrom(run.id, msg);
    await cacheRunWeights(run.id, new Uint8Array(msg.weights)).catch(() => undefined);
    st.finish({ confusion: msg.confusion, labels: msg.labels, testAccuracy: msg.testAccuracy });
    st.addLog('Run saved with its weights.');
  })().catch(fail);

  return {
    stop() {
      if (!worker) return;
      store.getState().setPhase('stopping');
      store.getState().addLog('Stopping after the current batch…');
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
    },
    dispose() {
      disposed = true;
      stopHeartbeat();
      // Leaving the page while the worker trains ends the run: say so now rather than leave it to the lease.
      if (worker && runId && !reported) {
        reported = true;
        const why = {
          message: 'Training stopped: the Train page was left before the browser run finished.',
          fix: 'Keep the Train page open while a browser run trains, or train on the server.',
        };
        for (const id of [runId, teacherRunId && !teacherDone ? teacherRunId : null])
          if (id) failBrowserRun(id, why).catch(() => undefined);
      }
      worker?.terminate();
      worker = null;
    },
  };
}

/** The Train page's last run, kept for the tab's session: coming back to the page shows it again. */
const LAST_RUN_KEY = 'bnn-studio:train-last-run';

function rememberRun(runId: string): void {
  try {
    sessionStorage.setItem(LAST_RUN_KEY, runId);
  } catch {
    // storage disabled: the page just starts empty next time
  }
}

/** The run the Train page showed last in this tab, if any. */
export function lastTrainRun(): string | null {
  try {
    return sessionStorage.getItem(LAST_RUN_KEY);
  } catch {
    return null;
  }
}

/** Forgets the remembered run (it was deleted). */
export function forgetLastTrainRun(): void {
  try {
    sessionStorage.removeItem(LAST_RUN_KEY);
  } catch {
    // storage disabled
  }
}

const TERMINAL = new Set<string>(['completed', 'failed', 'cancelled'] satisfies RunStatus[]);

/** The confusion matrix a finished run reports (its test-set results), with the class labels. */
export function runConfusion(run: RunWithMetrics): { matrix: number[][]; labels: string[] } | null {
  const m = run.results?.confusionMatrix;
  if (!m || !Array.isArray(m[0])) return null;
  return { matrix: m, labels: run.results?.labels ?? m.map((_, i) => String(i)) };
}

export function watchServerRun(store: TrainingStore, runId: string): SessionHandle {
  const st = () => store.getState();
  if (st().phase === 'idle') {
    // Watching a run this page did not start (a reload, or coming back to the page): show it as it stands.
    st().begin('server');
    getRun(runId)
      .then((r) => r.location === 'browser' && store.setState({ location: 'browser' }))
      .catch(() => undefined);
  }
  st().setRun(runId);
  rememberRun(runId);
  let closed = false;
  const finishFromRun = async (status: string) => {
    try {
      const run = await getRun(runId);
      if (run.distillation)
        st().setTeacher({
          runId: run.distillation.teacher.id,
          name: run.distillation.teacher.name,
          accuracy: run.distillation.teacher.finalAccuracy,
        });
      const conf = runConfusion(run);
      if (status === 'failed')
        st().fail(
          explainTrainingError({
            message: `${run.location === 'browser' ? 'Training' : 'Server training'} failed: ${String(run.error ?? 'see the run log')}`,
          }),
        );
      else if (status === 'cancelled') st().setPhase('cancelled');
      else
        st().finish({
          confusion: conf?.matrix ?? null,
          labels: conf?.labels ?? [],
          testAccuracy: typeof run.finalAccuracy === 'number' ? run.finalAccuracy : null,
        });
    } catch (e) {
      st().fail(describeError(e));
    }
  };
  getRunMetrics(runId)
    .then((points) => st().addPoints(points))
    .catch(() => undefined);
  const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`, { withCredentials: true });
  /** Each event's data parsed with the API contract (RunEvents); a malformed event is logged, not guessed at. */
  const on = <E extends RunEventName>(event: E, handle: (data: RunEventData<E>) => void) =>
    es.addEventListener(event, (ev) => {
      let json: unknown;
      try {
        json = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        json = undefined;
      }
      const parsed = RunEvents[event].safeParse(json);
      if (parsed.success) handle(parsed.data as RunEventData<E>);
      else st().addLog(`Ignored a malformed '${event}' event from the server.`);
    });
  on('status', ({ status }) => {
    st().setServerStatus(status);
    if (status === 'running') st().setPhase('running');
    if (TERMINAL.has(status)) {
      es.close();
      closed = true;
      void finishFromRun(status);
    }
  });
  on('metric', ({ points }) => {
    st().addPoints(points);
    if (st().phase === 'starting') st().setPhase('running');
  });
  on('progress', ({ epoch, batch, batches, loss, epochs, etaSeconds }) =>
    st().setProgress({
      epoch,
      batch,
      batches,
      loss: loss ?? Number.NaN,
      epochs,
      ...(etaSeconds !== null ? { etaSeconds } : {}),
    }),
  );
  on('log', ({ message }) => st().addLog(message));
  es.onerror = () => {
    if (closed) return;
    if (es.readyState === EventSource.CLOSED) {
      closed = true;
      getRun(runId).then(
        (r) =>
          TERMINAL.has(r.status)
            ? finishFromRun(r.status)
            : st().addLog('Live updates disconnected; reload to reconnect.'),
        (e) => st().fail(describeError(e)),
      );
    }
  };
  return {
    stop() {
      st().setPhase('stopping');
      void import('../lib/studio-api').then(({ cancelRun }) =>
        cancelRun(runId).catch((e) => st().addLog(`Could not cancel: ${describeError(e).message}`)),
      );
    },
    dispose() {
      closed = true;
      es.close();
    },
  };
}

export async function startServerTraining(store: TrainingStore, req: RunRequest): Promise<SessionHandle> {
  store.getState().begin('server');
  try {
    const run = await createRun(runBody(req, 'server'));
    store.getState().addLog(`Run ${run.id} queued on the server.`);
    const tId = (run.options as { teacherRunId?: string }).teacherRunId;
    if (tId) void showServerTeacher(store, tId);
    return watchServerRun(store, run.id);
  } catch (e) {
    store.getState().fail(describeError(e));
    return { stop() {}, dispose() {} };
  }
}

/** A server run's teacher as the live view names it (a float twin queued before the run trains first). */
async function showServerTeacher(store: TrainingStore, teacherRunId: string): Promise<void> {
  try {
    const t = await getRun(teacherRunId);
    store.getState().setTeacher({ runId: t.id, name: t.name, accuracy: t.finalAccuracy });
    if (t.status !== 'completed')
      store
        .getState()
        .addLog(`Teacher run ${t.id} (${t.name}) is ${t.status}; this run trains once it completes.`);
  } catch {
    // The live view just does not name the teacher.
  }
}
