// Worker-thread entry: runs one TrainTask and reports over the parent port, so HTTP stays responsive.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromTrainer, ToTrainer, TrainTask } from './protocol.js';
import { runTrainTask } from './train-task.js';

const port = parentPort!;
let stop: (() => void) | undefined;
let stopAsked = false;
port.on('message', (m: ToTrainer) => {
  if (m.type === 'stop') {
    stopAsked = true;
    stop?.();
  }
});
// Copied, not transferred: byte arrays may be views into Node's shared buffer pool.
const emit = (m: FromTrainer) => port.postMessage(m);
runTrainTask(workerData as TrainTask, emit, (s) => {
  stop = s;
  if (stopAsked) s();
})
  .catch((err: unknown) => emit({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
  .finally(() => port.close());
