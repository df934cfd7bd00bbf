// Worker-thread entry: decodes (base64) and checks one weights upload off the server's main thread. Checking 64 MiB
// of serializeWeights bytes (bnn-core's CRC-32 and tensor index) takes ~0.5 s of CPU, more on a loaded machine.
import { parentPort, workerData } from 'node:worker_threads';
import { checkWeights, type WeightsCheckResult } from './weights.js';

const port = parentPort!;
const input = workerData as Uint8Array | string;
const result: WeightsCheckResult = checkWeights(input);
port.postMessage(result, result.ok ? [result.bytes.buffer as ArrayBuffer] : []);
