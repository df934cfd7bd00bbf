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

export interface WorkerDatasetSpec {
  /** IDX files served by the studio (built-in MNIST) or by the API (uploaded datasets). */
  imagesUrl: string;
  labelsUrl: string;
  /** Use at most this many training samples (0 = all). */
  maxTrainSamples: number;
  /** Samples held out at the end of the file for the test set / confusion matrix. */
  testSamples: number;
  labels?: string[];
}

export type ToWorker =
  | {
      type: 'start';
      graph: GraphSpec;
      config: Record<string, unknown>;
      dataset: WorkerDatasetSpec;
      wasmPaths: string;
      backend: 'auto' | 'webgl' | 'wasm' | 'cpu';
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
