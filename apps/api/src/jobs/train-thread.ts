// Worker-thread entry: runs one TrainTask and reports over the parent port, so HTTP stays responsive.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromTrainer, ToTrainer, TrainTask } from './protocol.js';
import { runTrainTask } from './train-task.js';

// Training yields the CPU to HTTP: on Linux a nice value is per thread, and setpriority(PRIO_PROCESS, 0) (pid 0)
// renices only the calling thread — this training thread, not the server's main thread (elsewhere it would renice
// the whole process, so only on Linux).
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // not permitted here: train at normal priority
  }
}

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
