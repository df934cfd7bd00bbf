// The JSON form of a browser run's completion (`POST /api/runs/:id/complete`, weights in base64): a body over
// INLINE_WEIGHTS_BYTES is parsed, and its weights decoded, in a worker thread (complete-json-thread.ts). Parsing
// ~86 MiB of JSON on the main thread held /api/health for ~1.4 s; the route's body parser hands such a body over
// as a LargeJsonBody, unparsed.
import { ApiError } from '../../lib/errors.js';
import { askThread } from '../../lib/thread.js';

/** A JSON body left unparsed by the route's body parser: too large to parse on the event loop. */
export class LargeJsonBody {
  constructor(readonly bytes: Uint8Array) {}
}

export type CompleteJsonParse = { ok: true; value: unknown } | { ok: false };

/**
 * Parses JSON text as Fastify's default parser does (keys `__proto__`, and `constructor` holding `prototype`,
 * are refused like invalid JSON); a non-empty string `weights` of a top-level object becomes its base64-decoded
 * bytes (a Uint8Array owning its buffer). Never throws.
 */
export function parseCompleteJson(bytes: Uint8Array): CompleteJsonParse {
  let value: unknown;
  try {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    value = JSON.parse(text, (key, v: unknown) => {
      if (
        key === '__proto__' ||
        (key === 'constructor' && v !== null && typeof v === 'object' && 'prototype' in v)
      )
        throw new Error('forbidden prototype property');
      return v;
    });
  } catch {
    return { ok: false };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as { weights?: unknown };
    if (typeof o.weights === 'string' && o.weights.length > 0) {
      const b = Buffer.from(o.weights, 'base64');
      o.weights =
        b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
          ? new Uint8Array(b.buffer, 0, b.byteLength)
          : new Uint8Array(b);
    }
  }
  return { ok: true, value };
}

/** The parsed body of a LargeJsonBody (parsed in a worker thread): 400 invalid_json when it is not JSON. */
export async function readLargeCompleteJson(body: LargeJsonBody): Promise<unknown> {
  const result = await askThread<CompleteJsonParse>(
    import.meta.url,
    'complete-json-thread',
    body.bytes,
    'JSON body',
  );
  if (!result.ok)
    throw new ApiError(
      400,
      'invalid_json',
      "Body is not valid JSON but content-type is set to 'application/json'",
      'Send a valid JSON document.',
    );
  return result.value;
}
