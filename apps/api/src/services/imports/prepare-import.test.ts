// The import's heavy work runs in its worker thread: the answer names a thread other than the main one, the
// upload's buffer is moved there (detached here), and bad files come back as 422 results, not thread crashes.
import { threadId } from 'node:worker_threads';
import { readBnn } from '@bnn-studio/exporters';
import { describe, expect, it } from 'vitest';
import { lceInt8Bnn } from '../../../../../packages/exporters/src/tflite/import/lce-fixtures.js';
import { prepareImport, prepareImportInThread } from './prepare-import.js';

const input = (bytes: Uint8Array) => ({ bytes, runId: 'run_t', name: 'm', filename: 'm.tflite' });
const owned = (b: Uint8Array) => new Uint8Array(b); // a copy that owns its buffer (so it is moved, not cloned)

describe('prepareImportInThread', () => {
  it('imports in a worker thread, moving the upload there, with the same result as on the main thread', async () => {
    const { bytes } = lceInt8Bnn(7, false);
    const here = prepareImport(input(owned(bytes)));
    const upload = owned(bytes);
    const there = await prepareImportInThread(input(upload));
    expect(upload.byteLength).toBe(0); // moved to the thread, not copied
    expect(here.ok && there.ok).toBe(true);
    if (!here.ok || !there.ok) return;
    expect(here.threadId).toBe(threadId);
    expect(there.threadId).not.toBe(threadId);
    expect(there.threadId).toBeGreaterThan(0);
    const { threadId: _a, ...a } = here;
    const { threadId: _b, ...b } = there;
    expect(b).toEqual(a);
    expect(readBnn(there.bnn).graph.name).toBe('m');
    expect(there).toMatchObject({
      operators: 10,
      io: { input: { shape: [1, 8, 8, 3] } },
      composer: { maps: false, reason: expect.stringMatching(/int8_conv2d/) },
    });
  }, 30_000);

  it('answers truncated, foreign and refused files as 422 results from the thread', async () => {
    const { bytes } = lceInt8Bnn(7, false);
    const truncated = await prepareImportInThread(input(owned(bytes.slice(0, 700))));
    expect(truncated).toMatchObject({ ok: false, code: 'tflite_invalid' });
    const text = await prepareImportInThread(input(new TextEncoder().encode('not a model')));
    expect(text).toMatchObject({ ok: false, code: 'tflite_invalid', details: { reason: 'not_tflite' } });
    // int8 SOFTMAX imports exactly by default; `int8Softmax: 'refuse'` makes it an operator the import refuses.
    const refused = await prepareImportInThread({
      ...input(owned(lceInt8Bnn(7, true).bytes)),
      int8Softmax: 'refuse',
    });
    expect(refused).toMatchObject({
      ok: false,
      code: 'tflite_refused',
      details: { refused: [expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })] },
    });
  }, 30_000);
});
