// Worker-thread entry: one `.tflite` import (`prepareImport`) off the server's main thread; the `.bnn` bytes are
// moved back to the caller without a copy.
import { parentPort, workerData } from 'node:worker_threads';
import { type PrepareImportInput, type PrepareImportResult, prepareImport } from './prepare-import.js';

const result: PrepareImportResult = prepareImport(workerData as PrepareImportInput);
parentPort!.postMessage(result, result.ok ? [result.bnn.buffer as ArrayBuffer] : []);
