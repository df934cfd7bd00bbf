// Reading the weights a browser run posts (serializeWeights bytes, or their base64 in the JSON form): decoded and
// checked with bnn-core's deserializeWeights. Large uploads go to a worker thread (weights-thread.ts) so the
// server's event loop keeps answering; small ones are checked inline (a thread start costs more than they do).
import { deserializeWeights } from '@bnn-studio/bnn-core';
import { ApiError } from '../../lib/errors.js';
import { askThread } from '../../lib/thread.js';

/** Uploads up to this size (bytes, or base64 characters) are checked on the calling thread. */
export const INLINE_WEIGHTS_BYTES = 1024 * 1024;

export type WeightsCheckResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: 'weights_missing' | 'weights_invalid'; message: string; fix: string };

/** Decodes base64 (when given a string) and checks the bytes; never throws. */
export function checkWeights(input: Uint8Array | string): WeightsCheckResult {
  const bytes = typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'base64')) : input;
  if (bytes.byteLength === 0)
    return {
      ok: false,
      code: 'weights_missing',
      message: 'The request carries no weights.',
      fix: 'Send the serializeWeights() bytes as the body.',
    };
  try {
    deserializeWeights(bytes);
  } catch (err) {
    return {
      ok: false,
      code: 'weights_invalid',
      message: `The weights could not be read: ${(err as Error).message}`,
      fix: 'Send the bytes of serializeWeights(weights).',
    };
  }
  return { ok: true, bytes };
}

/**
 * The checked serializeWeights bytes of an upload: 400 `weights_missing` / `weights_invalid` naming the problem.
 * A Uint8Array input that owns its buffer is consumed (moved to the thread) when large.
 */
export async function readWeights(input: Uint8Array | string): Promise<Uint8Array> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  const result =
    size <= INLINE_WEIGHTS_BYTES
      ? checkWeights(input)
      : await askThread<WeightsCheckResult>(import.meta.url, 'weights-thread', input, 'weights');
  if (!result.ok) throw new ApiError(400, result.code, result.message, result.fix);
  return result.bytes;
}
