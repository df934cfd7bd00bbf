// Messages between a training job (main thread: persistence) and its training thread (tfjs compute).
import type { GraphSpec } from '@bnn-studio/bnn-core';
import type { TrainConfigInput } from '@bnn-studio/bnn-core/tf';
import type { RunPruning } from '../contract/pruning.js';

export interface DatasetSpec {
  id: string;
  kind: string;
  /** Absolute directory of an uploaded dataset. */
  dir: string | null;
  labels: string[];
  /** Loader options recorded at upload (CSV labelColumn, image size/channels). */
  options: Record<string, unknown>;
}

export interface TrainTask {
  runId: string;
  graph: GraphSpec;
  dataset: DatasetSpec;
  /** The run's config snapshot (bnn-core's TrainConfig with defaults applied at creation). */
  config: TrainConfigInput;
  limits: { trainSamples?: number; testSamples?: number };
  /** Checkpoint bytes (bnn-core/tf checkpointToBytes) to resume from. */
  resumeFrom: Uint8Array | null;
  backend: 'wasm' | 'cpu';
  /** Distillation teacher from an earlier run: its graph and serializeWeights bytes. */
  teacher?: { runId: string; graph: GraphSpec; weights: Uint8Array } | null;
}

export type FromTrainer =
  | { type: 'log'; message: string }
  | { type: 'progress'; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; metrics: Record<string, unknown> }
  | { type: 'checkpoint'; epoch: number; bytes: Uint8Array }
  | {
      type: 'done';
      stopped: boolean;
      weights: Uint8Array | null;
      finalAccuracy: number | null;
      finalLoss: number | null;
      results: Record<string, unknown> | null;
      /** Set when the config asked for pruning: the pruned graph (the weights are its) and what was removed. */
      pruned?: { graph: GraphSpec; summary: Omit<RunPruning, 'originalArchitectureVersionId'> } | null;
    }
  | { type: 'error'; message: string };

export type ToTrainer = { type: 'stop' };
