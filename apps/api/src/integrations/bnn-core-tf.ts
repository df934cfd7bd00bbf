// Typed access to @bnn-studio/bnn-core/tf (training on TensorFlow.js) as agreed in notes/contracts.md. Loaded only
// inside training threads (tfjs is heavy); a missing function is reported by name.
import type { GraphSpec, WeightMap } from '@bnn-studio/bnn-core';

export interface Dataset {
  name: string;
  x: Float32Array;
  y: Int32Array;
  shape: number[];
  numClasses: number;
  labels: string[];
}

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  flipRatio?: number;
  seconds?: number;
  [k: string]: unknown;
}

export interface Checkpoint {
  epoch: number;
  weights: WeightMap;
  optimizerState?: unknown;
  rngState?: unknown;
}

export interface Trainer {
  start(): Promise<unknown>;
  stop(): void;
  destroy(): void;
}

export interface CoreTfApi {
  initBackend(name: 'wasm' | 'cpu' | 'webgl', opts?: { wasmPaths?: string }): Promise<string>;
  createTrainer(args: {
    graph: GraphSpec;
    dataset: Dataset;
    config: unknown;
    onBatchEnd?: (m: Record<string, unknown>) => void;
    onEpochEnd?: (m: EpochMetrics) => void;
    onCheckpoint?: (c: Checkpoint, toBytes?: () => Uint8Array) => void | Promise<void>;
    resumeFrom?: Checkpoint | Uint8Array;
  }): Trainer;
  extractWeights(model: unknown, graph: GraphSpec): WeightMap;
  predict(
    graph: GraphSpec,
    weights: WeightMap,
    x: Float32Array,
    batch: number,
  ): Float32Array | Float32Array[];
  loadMnist(): { train: Dataset; test: Dataset };
  /** Debian's dataset-fashion-mnist; throws naming the apt command when it is not installed. */
  loadFashionMnist(): { train: Dataset; test: Dataset };
  loadIdx(images: Uint8Array, labels: Uint8Array): Dataset;
  loadImageFolderZip(bytes: Uint8Array, opts?: Record<string, unknown>): Dataset | Promise<Dataset>;
  loadCsv(text: string, opts?: Record<string, unknown>): Dataset;
  parseTrainConfig(input: unknown): unknown;
}

export async function loadCoreTf(): Promise<Partial<CoreTfApi>> {
  return (await import('@bnn-studio/bnn-core/tf')) as unknown as Partial<CoreTfApi>;
}

export function need<K extends keyof CoreTfApi>(api: Partial<CoreTfApi>, name: K): NonNullable<CoreTfApi[K]> {
  const fn = api[name];
  if (typeof fn !== 'function')
    throw new Error(
      `training: @bnn-studio/bnn-core/tf does not provide ${name}() in this build; rebuild with a version that does.`,
    );
  return fn as NonNullable<CoreTfApi[K]>;
}
