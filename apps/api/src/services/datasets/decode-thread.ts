// Worker-thread entry: decodes one uploaded dataset (PNG/zip, IDX, CSV can take seconds for large uploads) off
// the server's main thread, so HTTP stays responsive, and transfers the samples back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCoreTf } from '../../lib/core-tf.js';
import { type DecodeRequest, type DecodeResult, decode } from './stored-dataset.js';

const port = parentPort!;
try {
  const { all, test } = await decode(await loadCoreTf(), workerData as DecodeRequest);
  const result: DecodeResult = { ok: true, all, test };
  const buffers = [all, ...(test ? [test] : [])].flatMap((d) => [d.x.buffer, d.y.buffer] as ArrayBuffer[]);
  // Transferred unless two datasets share a buffer (then copied).
  port.postMessage(result, new Set(buffers).size === buffers.length ? buffers : []);
} catch (err) {
  const e = err as { message?: string; fix?: string; code?: string };
  const result: DecodeResult = {
    ok: false,
    error: {
      message: e.message ?? String(err),
      ...(e.fix ? { fix: e.fix } : {}),
      ...(e.code ? { code: e.code } : {}),
    },
  };
  port.postMessage(result);
}
