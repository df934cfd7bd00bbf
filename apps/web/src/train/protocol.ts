/** Messages between the training page and the training Web Worker. */
import type { GraphSpec } from '@bnn-studio/bnn-core';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number | null;
  valAccuracy?: number | null;
  flipRatio?: number | null;
  seconds?: number;
}

/** The built-in MNIST digits: IDX files the studio serves as static assets. */
export interface IdxDatasetSpec {
  kind?: 'idx';
  imagesUrl: string;
  labelsUrl: string;
  /** Use at most this many training samples (0 = all). */
  maxTrainSamples: number;
  /** Samples held out at the start of the file for the test set / confusion matrix. */
  testSamples: number;
  labels?: string[];
}

/**
 * An uploaded dataset, decoded by the API (`GET /api/datasets/:id/tensors`, limits in the query): its training
 * split and test split, exactly as a server run would see them.
 */
export interface TensorDatasetSpec {
  kind: 'tensors';
  url: string;
}

export type WorkerDatasetSpec = IdxDatasetSpec | TensorDatasetSpec;

export type ToWorker =
  | {
      type: 'start';
      graph: GraphSpec;
      config: Record<string, unknown>;
      dataset: WorkerDatasetSpec;
      wasmPaths: string;
      backend: 'auto' | 'webgl' | 'wasm' | 'cpu';
      /** Distillation teacher (run beside the student): its graph and serializeWeights bytes. */
      teacher?: { graph: GraphSpec; weights: ArrayBuffer };
    }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'backend'; backend: string }
  | { type: 'log'; text: string }
  | {
      type: 'batch';
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy?: number;
      phase?: 'teacher' | 'student';
    }
  | { type: 'epoch'; metrics: EpochMetrics }
  | {
      type: 'done';
      stopped: boolean;
      /** serializeWeights bytes. */
      weights: ArrayBuffer;
      testAccuracy: number;
      confusion: number[][];
      labels: string[];
      history: EpochMetrics[];
    }
  | { type: 'error'; message: string; fix?: string };
