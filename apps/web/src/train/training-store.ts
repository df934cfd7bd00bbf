/**
 * State of one training session (browser or server): phase, live per-epoch metrics, progress, log, final
 * confusion matrix. Plain zustand store, created per provider and testable without React.
 */
import { createStore } from 'zustand/vanilla';
import type { MetricPoint } from '../lib/studio-api';
import type { EpochMetrics } from './protocol';

export type TrainingPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'done' | 'failed' | 'cancelled';

export interface TrainingState {
  phase: TrainingPhase;
  location: 'browser' | 'server' | null;
  runId: string | null;
  backend: string | null;
  epochs: EpochMetrics[];
  /** Latest batch: 1-based epoch, 0-based batch; server runs add the epoch count and an ETA in seconds. */
  progress: {
    epoch: number;
    batch: number;
    batches: number;
    loss: number;
    epochs?: number;
    etaSeconds?: number;
  } | null;
  /** Per-batch training loss at x = epochs done (1-based epoch − 1 + batch fraction), at most BATCH_POINTS. */
  batchLoss: BatchPoint[];
  log: string[];
  confusion: number[][] | null;
  labels: string[];
  testAccuracy: number | null;
  error: { message: string; fix?: string } | null;
  serverStatus: string | null;
  /** A distilled run's teacher run and its test accuracy (null until known). */
  teacher: { runId: string; name: string; accuracy: number | null } | null;
}

export interface TrainingActions {
  begin(location: 'browser' | 'server'): void;
  setRun(runId: string): void;
  setBackend(backend: string): void;
  setPhase(phase: TrainingPhase): void;
  addEpoch(m: EpochMetrics): void;
  /** Server metrics arrive as (epoch, name, value) points; merge them into per-epoch rows. */
  addPoints(points: MetricPoint[]): void;
  setProgress(p: TrainingState['progress']): void;
  addLog(line: string): void;
  finish(result: { confusion?: number[][] | null; labels?: string[]; testAccuracy?: number | null }): void;
  fail(error: { message: string; fix?: string }): void;
  setServerStatus(status: string): void;
  setTeacher(teacher: TrainingState['teacher']): void;
  reset(): void;
}

export type TrainingStore = ReturnType<typeof createTrainingStore>;

export interface BatchPoint {
  x: number;
  loss: number;
}

/** Cap of the live per-batch series: the live chart's cost stays flat however long a run is. */
export const BATCH_POINTS = 256;

/**
 * Appends a per-batch point; when the series reaches `limit`, every other point is dropped first, so a long run
 * keeps an evenly thinned curve over its whole length (the newest point is always kept).
 */
export function appendBatchPoint(series: BatchPoint[], p: BatchPoint, limit = BATCH_POINTS): BatchPoint[] {
  if (!Number.isFinite(p.x) || !Number.isFinite(p.loss)) return series;
  const kept = series.length >= limit ? series.filter((_, i) => i % 2 === 1) : series;
  return [...kept, p];
}

const LOG_LIMIT = 200;

const initial = (): TrainingState => ({
  phase: 'idle',
  location: null,
  runId: null,
  backend: null,
  epochs: [],
  progress: null,
  batchLoss: [],
  log: [],
  confusion: null,
  labels: [],
  testAccuracy: null,
  error: null,
  serverStatus: null,
  teacher: null,
});

/** Known metric names of a point, mapped onto EpochMetrics keys (API names may be snake or camel case). */
const NAME_MAP: Record<string, keyof EpochMetrics> = {
  loss: 'loss',
  accuracy: 'accuracy',
  acc: 'accuracy',
  val_loss: 'valLoss',
  valLoss: 'valLoss',
  val_accuracy: 'valAccuracy',
  valAccuracy: 'valAccuracy',
  val_acc: 'valAccuracy',
  flip_ratio: 'flipRatio',
  flipRatio: 'flipRatio',
  seconds: 'seconds',
};

export function mergePoints(epochs: EpochMetrics[], points: MetricPoint[]): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>(epochs.map((e) => [e.epoch, { ...e }]));
  for (const p of points) {
    if (typeof p.step === 'number' && p.step >= 0) continue; // per-batch points are not charted per epoch (-1 = epoch)
    const key = NAME_MAP[p.name];
    if (!key) continue;
    const row = byEpoch.get(p.epoch) ?? { epoch: p.epoch, loss: Number.NaN, accuracy: Number.NaN };
    (row as unknown as Record<string, number>)[key] = p.value;
    byEpoch.set(p.epoch, row);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** EpochMetrics → API points, named like the server's training jobs name them (camelCase). */
export function epochToPoints(m: EpochMetrics): MetricPoint[] {
  const out: MetricPoint[] = [];
  const add = (name: string, v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ epoch: m.epoch, name, value: v });
  };
  add('loss', m.loss);
  add('accuracy', m.accuracy);
  add('valLoss', m.valLoss);
  add('valAccuracy', m.valAccuracy);
  add('flipRatio', m.flipRatio);
  add('seconds', m.seconds);
  return out;
}

export function createTrainingStore() {
  return createStore<TrainingState & TrainingActions>()((set, get) => ({
    ...initial(),
    begin(location) {
      set({ ...initial(), phase: 'starting', location });
    },
    setRun(runId) {
      set({ runId });
    },
    setBackend(backend) {
      set({ backend });
    },
    setPhase(phase) {
      set({ phase });
    },
    addEpoch(m) {
      const others = get().epochs.filter((e) => e.epoch !== m.epoch);
      set({
        epochs: [...others, m].sort((a, b) => a.epoch - b.epoch),
        phase: get().phase === 'starting' ? 'running' : get().phase,
      });
    },
    addPoints(points) {
      set({ epochs: mergePoints(get().epochs, points) });
    },
    setProgress(progress) {
      const batchLoss =
        progress && progress.batches > 0
          ? appendBatchPoint(get().batchLoss, {
              x: progress.epoch - 1 + (progress.batch + 1) / progress.batches,
              loss: progress.loss,
            })
          : get().batchLoss;
      set({ progress, batchLoss, phase: get().phase === 'starting' ? 'running' : get().phase });
    },
    addLog(line) {
      set({ log: [...get().log, line].slice(-LOG_LIMIT) });
    },
    finish(result) {
      set({
        phase: 'done',
        confusion: result.confusion ?? get().confusion,
        labels: result.labels ?? get().labels,
        testAccuracy: result.testAccuracy ?? get().testAccuracy,
      });
    },
    fail(error) {
      set({ phase: 'failed', error });
    },
    setServerStatus(serverStatus) {
      set({ serverStatus });
    },
    setTeacher(teacher) {
      set({ teacher });
    },
    reset() {
      set(initial());
    },
  }));
}
