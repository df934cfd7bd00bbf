import type { ScheduleConfig } from './config.js';

/**
 * Learning rate at global step `step` (0-based) of a run with `stepsPerEpoch` steps per epoch and
 * `totalSteps` steps in all.
 * - constant: lr
 * - cosine: linear warm-up lr·(step+1)/W over W = warmupEpochs·stepsPerEpoch steps, then
 *   min + (lr − min)·(1 + cos(π·p))/2 with p = (step − W)/(total − W) going 0 → 1
 * - step: lr·gamma^floor(epoch / stepEpochs)
 */
export function learningRateAt(
  schedule: ScheduleConfig | undefined,
  lr: number,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number {
  if (!schedule || schedule.id === 'constant') return lr;
  if (schedule.id === 'step') {
    const epoch = Math.floor(step / Math.max(1, stepsPerEpoch));
    return lr * schedule.gamma ** Math.floor(epoch / schedule.stepEpochs);
  }
  const warm = Math.round(schedule.warmupEpochs * stepsPerEpoch);
  if (step < warm) return (lr * (step + 1)) / warm;
  const span = Math.max(1, totalSteps - warm);
  const p = Math.min(1, (step - warm) / span);
  return schedule.minLearningRate + ((lr - schedule.minLearningRate) * (1 + Math.cos(Math.PI * p))) / 2;
}
