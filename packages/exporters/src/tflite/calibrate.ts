/**
 * Calibration ranges for int8 quantisation: run the float reference on representative inputs and record
 * min/max of every float tensor. The reference is bnn-core's `evaluateDeployGraphFloat` (or any evaluator with
 * its signature), asked for every float tensor as an output; `calibrateTflite` uses the kernels' reference engine.
 */

import { type DeployGraph, evaluateDeployGraphFloat } from '@bnn-studio/bnn-core';
import { createEngine } from '@bnn-studio/kernels';
import type { Range } from './int8.js';

/** Same signature as bnn-core's evaluateDeployGraphFloat: one batch-major Float32Array per graph output. */
export type FloatEvaluator = (deploy: DeployGraph, input: Float32Array, batch: number) => Float32Array[];

export interface CalibrationData {
  /** `batch` samples of the graph input, one after another (raw data, as the studio feeds the model). */
  data: Float32Array;
  batch: number;
}

/** Ranges measured beforehand (see `calibrateTflite`), keyed by deploy tensor id. */
export interface CalibrationRanges {
  ranges: Record<string, Range>;
}

/** Every float tensor of the graph, as a probe graph's outputs (the input is measured directly). */
function probeGraph(deploy: DeployGraph): DeployGraph {
  const ids = deploy.tensors.filter((t) => t.kind === 'float32' && t.id !== deploy.input).map((t) => t.id);
  return { ...deploy, outputs: ids };
}

function minMax(id: string, v: Float32Array): Range {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`calibration: tensor "${id}" has non-finite values; check the representative inputs.`);
  }
  return { min, max };
}

/**
 * Calibration ranges for the xcore (int8) profile measured with @bnn-studio/kernels' reference engine,
 * which computes exactly what the studio and the firmware compute. Pass the result as
 * `writeTflite(deploy, { profile: 'xcore', calibration: ranges })`.
 */
export async function calibrateTflite(
  deploy: DeployGraph,
  calibration: CalibrationData,
): Promise<CalibrationRanges> {
  const probe = probeGraph(deploy);
  const ranges: Record<string, Range> = { [deploy.input]: minMax(deploy.input, calibration.data) };
  if (probe.outputs.length > 0) {
    const engine = await createEngine(probe, { backend: 'reference' });
    try {
      const values = engine.run(calibration.data, calibration.batch);
      probe.outputs.forEach((id, i) => {
        ranges[id] = minMax(id, values[i]!);
      });
    } finally {
      engine.dispose();
    }
  }
  return { ranges };
}

/** bnn-core's float oracle (plain float arithmetic over the DeployGraph). */
export function defaultFloatEvaluator(): FloatEvaluator {
  return evaluateDeployGraphFloat;
}

export function calibrateRanges(
  deploy: DeployGraph,
  calibration: CalibrationData,
  evaluate: FloatEvaluator,
): Map<string, Range> {
  const probe = probeGraph(deploy);
  const ranges = new Map<string, Range>([[deploy.input, minMax(deploy.input, calibration.data)]]);
  if (probe.outputs.length === 0) return ranges;
  const values = evaluate(probe, calibration.data, calibration.batch);
  probe.outputs.forEach((id, i) => {
    ranges.set(id, minMax(id, values[i]!));
  });
  return ranges;
}
