// Worker-thread entry: one `.tflite` import (`prepareImport`) off the server's main thread; the `.bnn` bytes are
// moved back to the caller without a copy.
import { parentPort, workerData } from 'node:worker_threads';
import { type PrepareImportInput, type PrepareImportResult, prepareImport } from './prepare-import.js';

const result: PrepareImportResult = prepareImport(workerData as PrepareImportInput);
const moved = result.ok
  ? [result.bnn.buffer, ...(result.composer.maps ? [result.composer.weights.buffer] : [])]
  : [];
parentPort!.postMessage(result, moved as ArrayBuffer[]);
