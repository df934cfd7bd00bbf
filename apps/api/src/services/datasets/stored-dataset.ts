// Decoding and splitting of uploaded datasets, shared by server training (jobs/train-task.ts, in a worker
// thread) and the browser tensors route, so a run sees the same samples wherever it trains.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@bnn-studio/bnn-core';
import type { Dataset } from '@bnn-studio/bnn-core/tf';
import { isUploadKind, type UploadKind } from '../../contract/dataset-kinds.js';
import type { CoreTf } from '../../lib/core-tf.js';
import { startThread } from '../../lib/thread.js';
import { DATASET_KIND_RULES } from './dataset-kinds.js';
import { checkImageZipBudget, type PixelBudget } from './image-budget.js';

/** One sample in TEST_EVERY is a test sample (20 %) unless the dataset sets its own split. */
const TEST_EVERY = 5;
export const SPLIT_SEED = 0x5eed_b175;

/** A dataset's train/test split: the share of each class held out for testing, and the shuffle's seed. */
export interface SplitOptions {
  testFraction: number;
  seed: number;
}

export const DEFAULT_SPLIT: SplitOptions = { testFraction: 1 / TEST_EVERY, seed: SPLIT_SEED };

/** The split recorded in a dataset's options (`options.split`), else the default 20 % with the fixed seed. */
export function splitOf(options: Record<string, unknown>): SplitOptions {
  const s = options.split as Partial<SplitOptions> | undefined;
  const f = s?.testFraction;
  const seed = s?.seed;
  return {
    testFraction: typeof f === 'number' && f > 0 && f < 1 ? f : DEFAULT_SPLIT.testFraction,
    seed: typeof seed === 'number' && Number.isInteger(seed) ? seed : DEFAULT_SPLIT.seed,
  };
}

/**
 * Train / test indices of an uploaded dataset (both ascending): floor(n / 5) test samples, stratified — each
 * class gets its share (largest remainders first, ties to the lower class), drawn by a seeded shuffle within the
 * class. So every class is tested in proportion whatever order the file stores samples in (in blocks of one
 * class, or cycling through the classes, where every 5th sample of a 10-class cycle would test only 2 classes),
 * and the same labels always give the same split.
 */
export function uploadSplit(
  labels: ArrayLike<number>,
  split: SplitOptions = DEFAULT_SPLIT,
): { train: number[]; test: number[] } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  // Divided by 1/fraction (5 for the default 20 %), so the default split stays bit-for-bit what it always was.
  const every = 1 / split.testFraction;
  const quota = classes.map((c) => byClass.get(c)!.length / every);
  const counts = quota.map(Math.floor);
  let left = Math.floor(labels.length / every) - counts.reduce((a, b) => a + b, 0);
  const byRemainder = classes
    .map((_, k) => k)
    .sort((a, b) => quota[b]! - counts[b]! - (quota[a]! - counts[a]!) || a - b);
  for (const k of byRemainder) {
    if (left-- <= 0) break;
    counts[k]!++;
  }
  const isTest = new Uint8Array(labels.length);
  const random = seededRandom(split.seed);
  classes.forEach((c, k) => {
    const idx = byClass.get(c)!;
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    for (let t = 0; t < counts[k]!; t++) isTest[idx[t]!] = 1;
  });
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < labels.length; i++) (isTest[i] ? test : train).push(i);
  return { train, test };
}

/** The first `n` indices of an evenly strided pass over `count` samples (all of them without `n`). */
export function stridedIndices(count: number, n?: number): number[] {
  const take = n === undefined ? count : Math.min(n, count);
  return Array.from({ length: take }, (_, i) => Math.floor((i * count) / take));
}

/** The samples at `idx`, in that order. */
export function takeSamples(d: Dataset, idx: readonly number[]): Dataset {
  const per = d.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(idx.length * per);
  const y = new Int32Array(idx.length);
  idx.forEach((src, i) => {
    x.set(d.x.subarray(src * per, (src + 1) * per), i * per);
    y[i] = d.y[src]!;
  });
  return { ...d, x, y };
}

/** Kinds of uploaded datasets: the dataset-kinds table (contract/dataset-kinds.ts). */
export type StoredKind = UploadKind;
export const isStoredKind = isUploadKind;

/**
 * Decodes an uploaded dataset's stored files (in `dir`) with the bnn-core/tf loaders and the options recorded at
 * upload. Loader errors name the stored file; a missing file surfaces as Node's ENOENT error.
 */
export async function decodeStoredDataset(
  api: CoreTf,
  kind: StoredKind,
  dir: string,
  options: Record<string, unknown>,
): Promise<Dataset> {
  return DATASET_KIND_RULES[kind].load(api, dir, options);
}

/** What a decoding thread loads: an upload's stored files, or a built-in split (MNIST, Fashion-MNIST). */
export type DecodeRequest =
  | {
      source: 'upload';
      kind: StoredKind;
      dir: string;
      options: Record<string, unknown>;
      /** New uploads: image zips are refused over this budget before decoding (image-budget.ts). */
      budget?: PixelBudget;
    }
  | {
      source: 'builtin-mnist';
    }
  | { source: 'builtin-fashion-mnist' };

/** An upload decodes to all its samples (`test` null: split with uploadSplit); MNIST comes split. */
export type DecodeResult =
  | { ok: true; all: Dataset; test: Dataset | null }
  | { ok: false; error: { message: string; fix?: string; code?: string } };

/** Decodes in the calling thread (the worker's half of `decodeInThread`). */
export async function decode(
  api: CoreTf,
  request: DecodeRequest,
): Promise<{ all: Dataset; test: Dataset | null }> {
  if (request.source === 'builtin-mnist') {
    const { train, test } = api.loadMnist();
    return { all: train, test };
  }
  if (request.source === 'builtin-fashion-mnist') {
    const { train, test } = api.loadFashionMnist();
    return { all: train, test };
  }
  if (request.budget && request.kind === 'zip')
    checkImageZipBudget(new Uint8Array(readFileSync(join(request.dir, 'data.zip'))), request.budget);
  return { all: await decodeStoredDataset(api, request.kind, request.dir, request.options), test: null };
}

/**
 * Decodes in a worker thread (decode-thread.ts), for callers on the server's main thread: large uploads take
 * seconds to decode, and tfjs stays out of the server's own heap. Rejects with an Error carrying the loader's
 * `fix` and `code` (ENOENT for a missing file).
 */
export function decodeInThread(request: DecodeRequest): Promise<{ all: Dataset; test: Dataset | null }> {
  return new Promise((resolve, reject) => {
    const worker = startThread(import.meta.url, 'decode-thread', { workerData: request });
    let settled = false;
    worker.once('message', (m: DecodeResult) => {
      settled = true;
      if (m.ok) resolve({ all: m.all, test: m.test });
      else reject(Object.assign(new Error(m.error.message), { fix: m.error.fix, code: m.error.code }));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new Error(`the dataset decoding thread exited with code ${code} before answering`));
    });
  });
}
