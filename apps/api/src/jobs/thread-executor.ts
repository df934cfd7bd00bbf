// Runs a TrainTask in a worker thread (lib/thread.ts).
import { startThread } from '../lib/thread.js';
import type { FromTrainer, TrainTask } from './protocol.js';

export interface TrainExecution {
  /** Resolves when the thread has exited. */
  done: Promise<void>;
  stop(): void;
  /** Hard stop (shutdown timeout). */
  kill(): Promise<void>;
}

export type TrainExecutor = (task: TrainTask, onMessage: (m: FromTrainer) => void) => TrainExecution;

export const threadExecutor: TrainExecutor = (task, onMessage) => {
  const worker = startThread(import.meta.url, 'train-thread', {
    workerData: task,
    // A training thread gets its own heap budget; tfjs keeps tensors outside it.
    resourceLimits: { maxOldGenerationSizeMb: 4096 },
  });
  let sawEnd = false;
  worker.on('message', (m: FromTrainer) => {
    if (m.type === 'done' || m.type === 'error') sawEnd = true;
    onMessage(m);
  });
  const done = new Promise<void>((resolve) => {
    worker.on('error', (err) => {
      if (!sawEnd) {
        sawEnd = true;
        onMessage({ type: 'error', message: `training thread crashed: ${err.message}` });
      }
    });
    worker.on('exit', (code) => {
      if (!sawEnd) onMessage({ type: 'error', message: `training thread exited with code ${code}` });
      resolve();
    });
  });
  return {
    done,
    stop: () => worker.postMessage({ type: 'stop' }),
    kill: async () => {
      sawEnd = true;
      await worker.terminate();
    },
  };
};
