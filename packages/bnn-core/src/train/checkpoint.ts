/**
 * Checkpoints: everything needed to resume a run exactly — completed epochs, weights, optimizer slots, the
 * shuffling RNG state and the metric history.
 *
 * Byte format (little-endian): "BNNCKPT1" · u32 header length · UTF-8 JSON header · zero padding to a multiple
 * of 4 · float32 payload. In the header every tensor is `{ shape, offset, length }` (offset/length in floats
 * into the payload).
 */
import type { NamedTensor, WeightMap } from '../spec/graph-types.js';
import type { OptimizerState } from './optimizers.js';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Larq's flip ratio: mean over the epoch's batches of the fraction of binary weights whose sign changed. */
  flipRatio: number | null;
  learningRate: number;
  seconds: number;
  /** 'teacher' while the distillation teacher (float twin) trains, else 'student'. */
  phase: 'teacher' | 'student';
}

export interface Checkpoint {
  /** Number of completed epochs of the student run. */
  epoch: number;
  /** Global optimizer step count. */
  step: number;
  weights: WeightMap;
  optimizerState: OptimizerState;
  rngState: number;
  history: EpochMetrics[];
  /** Early-stopping bookkeeping. */
  best?: { value: number; epoch: number; weights?: WeightMap } | null;
  /** Trained teacher weights (distillation), so a resumed run does not retrain the teacher. */
  teacherWeights?: WeightMap | null;
}

const MAGIC = 'BNNCKPT1';

type Stored = { shape: number[]; offset: number; length: number };

export function checkpointToBytes(cp: Checkpoint): Uint8Array {
  const chunks: Float32Array[] = [];
  let offset = 0;
  const put = (t: NamedTensor): Stored => {
    const s = { shape: t.shape.slice(), offset, length: t.data.length };
    chunks.push(t.data);
    offset += t.data.length;
    return s;
  };
  const mapWeights = (w: WeightMap | null | undefined) =>
    w
      ? Object.fromEntries(
          Object.entries(w).map(([n, vars]) => [
            n,
            Object.fromEntries(Object.entries(vars).map(([k, t]) => [k, put(t)])),
          ]),
        )
      : null;
  const header = {
    epoch: cp.epoch,
    step: cp.step,
    rngState: cp.rngState,
    history: cp.history,
    weights: mapWeights(cp.weights),
    optimizer: {
      step: cp.optimizerState.step,
      slots: Object.fromEntries(Object.entries(cp.optimizerState.slots).map(([k, t]) => [k, put(t)])),
    },
    best: cp.best
      ? { value: cp.best.value, epoch: cp.best.epoch, weights: mapWeights(cp.best.weights) }
      : null,
    teacherWeights: mapWeights(cp.teacherWeights),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 12 + json.length;
  const payloadStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = new Uint8Array(payloadStart + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  const payload = new Float32Array(bytes.buffer, payloadStart, offset);
  let o = 0;
  for (const c of chunks) {
    payload.set(c, o);
    o += c.length;
  }
  return bytes;
}

export function checkpointFromBytes(bytes: Uint8Array): Checkpoint {
  const fail = (why: string): never => {
    throw new Error(
      `bnn-core/train: not a valid checkpoint (${why}); pass the bytes an onCheckpoint call produced`,
    );
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('bad magic');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(8, true);
  if (12 + len > bytes.length) fail('truncated header');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  } catch {
    return fail('corrupt header');
  }
  const payloadStart = Math.ceil((12 + len) / 4) * 4;
  const floats = Math.floor((bytes.length - payloadStart) / 4);
  const aligned = new Uint8Array(floats * 4);
  aligned.set(bytes.subarray(payloadStart, payloadStart + floats * 4));
  const payload = new Float32Array(aligned.buffer);
  const get = (s: Stored): NamedTensor => {
    if (s.offset + s.length > payload.length) fail('truncated payload');
    return { shape: s.shape, data: payload.slice(s.offset, s.offset + s.length) };
  };
  const readWeights = (w: unknown): WeightMap | null =>
    w
      ? Object.fromEntries(
          Object.entries(w as Record<string, Record<string, Stored>>).map(([n, vars]) => [
            n,
            Object.fromEntries(Object.entries(vars).map(([k, s]) => [k, get(s)])),
          ]),
        )
      : null;
  const opt = header.optimizer as { step: number; slots: Record<string, Stored> };
  const best = header.best as { value: number; epoch: number; weights: unknown } | null;
  return {
    epoch: header.epoch as number,
    step: header.step as number,
    rngState: header.rngState as number,
    history: header.history as EpochMetrics[],
    weights: readWeights(header.weights) ?? fail('no weights'),
    optimizerState: {
      step: opt.step,
      slots: Object.fromEntries(Object.entries(opt.slots).map(([k, s]) => [k, get(s)])),
    },
    best: best
      ? { value: best.value, epoch: best.epoch, weights: readWeights(best.weights) ?? undefined }
      : null,
    teacherWeights: readWeights(header.teacherWeights),
  };
}
