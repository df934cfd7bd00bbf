// The decoded-size limit of an upload, checked from headers before anything is decoded (limits before work).
// Training holds a dataset as float32 samples; bnn-core's loaders refuse more than MAX_DATASET_BYTES, but only
// after the whole file was read. An IDX file's header (its first 8–20 bytes) already says how many values it
// holds, so an over-limit IDX upload is refused as soon as its header arrives, before the rest is stored.
import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '../../lib/errors.js';

/** bnn-core/tf MAX_DATASET_BYTES (the loaders' limit; decoded-budget.test.ts checks they agree). */
export const MAX_DECODED_BYTES = 512 * 1024 * 1024;
/** float32 values a dataset may decode to: 134,217,728. */
export const MAX_DECODED_VALUES = MAX_DECODED_BYTES / 4;

const MiB = 2 ** 20;

/** 413 `dataset_too_large` when `values` float32 samples exceed the decoded-dataset limit. */
export function checkDecodedValues(values: number, what: string): void {
  if (values <= MAX_DECODED_VALUES) return;
  throw new ApiError(
    413,
    'dataset_too_large',
    `${what} holds ${values.toLocaleString('en-US')} values: ${Math.ceil((values * 4) / MiB)} MiB decoded (float32), over the ${MAX_DECODED_BYTES / MiB} MiB decoded-dataset limit (${MAX_DECODED_VALUES.toLocaleString('en-US')} values).`,
    'Upload fewer or smaller samples (e.g. at most 171,196 images of 28×28), or split the dataset into several uploads.',
  );
}

/**
 * The dimensions an IDX header declares, or null when `head` (the file's first bytes) is not an IDX header of
 * unsigned bytes with 1–4 dimensions (then the file is left to inspectIdx, which names the problem).
 */
export function idxHeaderDims(head: Uint8Array): number[] | null {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[2] !== 0x08) return null;
  const ndims = head[3]!;
  if (ndims < 1 || ndims > 4 || head.length < 4 + 4 * ndims) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
}

/** Bytes of the longest IDX header (4 dimensions). */
const IDX_HEAD_MAX = 4 + 4 * 4;

/**
 * A pass-through stream for an uploaded file that fails with 413 `dataset_too_large` as soon as the file's first
 * bytes are an IDX header announcing more values than the decoded-dataset limit: the upload stops there, before
 * the rest of the body is stored, inspected or decoded.
 */
export function idxHeaderGuard(filename: string): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (head) {
        head = Buffer.concat([head, chunk.subarray(0, IDX_HEAD_MAX - head.length)]);
        // Enough bytes for the header its 4th byte announces (or for the longest one).
        const need = head.length >= 4 ? 4 + 4 * Math.min(Math.max(head[3]!, 1), 4) : IDX_HEAD_MAX;
        if (head.length >= need) {
          const dims = idxHeaderDims(head);
          head = null;
          // Images (N×H×W or N×H×W×C); a labels file is bounded by its images.
          if (dims && dims.length >= 3) {
            try {
              checkDecodedValues(
                dims.reduce((a, b) => a * b, 1),
                `The IDX file '${filename.slice(0, 100)}' (shape [${dims.join(', ')}])`,
              );
            } catch (err) {
              done(err as Error);
              return;
            }
          }
        }
      }
      done(null, chunk);
    },
  });
}
