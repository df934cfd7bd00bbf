// Worker-thread entry: parses a large JSON completion body (weights in base64, up to ~86 MiB of text) off the
// server's main thread, and decodes its `weights` string into bytes, moved back to the caller without a copy.
import { parentPort, workerData } from 'node:worker_threads';
import { type CompleteJsonParse, parseCompleteJson } from './complete-json.js';

const result: CompleteJsonParse = parseCompleteJson(workerData as Uint8Array);
const w = result.ok ? (result.value as { weights?: unknown }).weights : undefined;
parentPort!.postMessage(result, w instanceof Uint8Array ? [w.buffer as ArrayBuffer] : []);
