import { type DeployGraph, deserializeWeights, type GraphSpec, lower } from '@bnn-studio/bnn-core';
import { runDeployGraph } from '@bnn-studio/kernels';
import { ApiError, badRequest, conflict, notFound } from '../../lib/errors.js';
import type { ServiceCtx } from '../context.js';
import { type ImportedRunInfo, loadImportedDeploy } from '../imports/import-model.js';
import { loadWeightBytes } from './get-run-weights.js';

/** Largest batch `predict` runs at once. */
export const PREDICT_MAX_SAMPLES = 1024;

export interface IoSpec {
  shape: number[];
  type: 'float32' | 'int8';
  scale?: number;
  zeroPoint?: number;
}

/** A completed run's deploy graph: an imported run's stored one, or the trained graph lowered with its weights. */
export async function runDeploy(
  ctx: ServiceCtx,
  runId: string,
): Promise<{ deploy: DeployGraph; io: { input: IoSpec; outputs: IoSpec[] } }> {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, include: { architectureVersion: true } });
  if (!run) throw notFound('Run', runId);
  if (run.status !== 'completed')
    throw conflict('run_not_completed', `Run '${runId}' is ${run.status}.`, 'Predict with a completed run.');
  if (run.location === 'imported') {
    const info = (JSON.parse(run.optionsJson) as { imported: ImportedRunInfo }).imported;
    return { deploy: await loadImportedDeploy(ctx, runId), io: info.io };
  }
  const { bytes } = await loadWeightBytes(ctx, run);
  let deploy: DeployGraph;
  try {
    deploy = lower(JSON.parse(run.architectureVersion.graphJson) as GraphSpec, deserializeWeights(bytes));
  } catch (err) {
    throw new ApiError(
      422,
      'lower_failed',
      `The trained model could not be lowered: ${(err as Error).message}`,
    );
  }
  const shapeOf = (id: string) => [1, ...deploy.tensors.find((t) => t.id === id)!.shape];
  const ioOf = (id: string): IoSpec => {
    const t = deploy.tensors.find((x) => x.id === id)!;
    return t.kind === 'int8'
      ? { shape: shapeOf(id), type: 'int8', scale: t.quant!.scale, zeroPoint: t.quant!.zeroPoint }
      : { shape: shapeOf(id), type: 'float32' };
  };
  return { deploy, io: { input: ioOf(deploy.input), outputs: deploy.outputs.map(ioOf) } };
}

/**
 * Runs a completed run on samples given in its input tensor's own type (floats for float32 inputs, integers
 * −128…127 for int8 inputs; each sample flattened NHWC) and returns each sample's outputs in the output tensors'
 * types (int8 outputs as integers), all outputs of one sample concatenated. Kernels' reference engine.
 */
export async function predictRun(ctx: ServiceCtx, runId: string, inputs: unknown) {
  const { deploy, io } = await runDeploy(ctx, runId);
  const n = io.input.shape.slice(1).reduce((a, b) => a * b, 1);
  const int8 = io.input.type === 'int8';
  const expect = `${n} ${int8 ? 'integers in −128…127' : 'numbers'} per sample (input shape [${io.input.shape}], ${io.input.type}, flattened NHWC)`;
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw badRequest(
      'invalid_inputs',
      '"inputs" must be a non-empty array of samples.',
      `Send { "inputs": [[…]] } with ${expect}.`,
    );
  if (inputs.length > PREDICT_MAX_SAMPLES)
    throw badRequest(
      'invalid_inputs',
      `${inputs.length} samples; at most ${PREDICT_MAX_SAMPLES} at once.`,
      'Split the file.',
    );
  const flat = new Float32Array(inputs.length * n);
  inputs.forEach((sample: unknown, i) => {
    if (!Array.isArray(sample) || sample.length !== n)
      throw badRequest(
        'invalid_inputs',
        `Sample ${i} has ${Array.isArray(sample) ? sample.length : 'no'} values.`,
        `Send ${expect}.`,
      );
    sample.forEach((v: unknown, j) => {
      const ok =
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (!int8 || (Number.isInteger(v) && v >= -128 && v <= 127));
      if (!ok)
        throw badRequest(
          'invalid_inputs',
          `Sample ${i}, value ${j} is ${JSON.stringify(v)}.`,
          `Send ${expect}.`,
        );
      const x = v as number;
      // An int8 input enters the deploy graph as its real value: exact on the int8 grid (QUANTIZE gives x back).
      flat[i * n + j] = int8 ? Math.fround(Math.fround(io.input.scale!) * (x - io.input.zeroPoint!)) : x;
    });
  });
  const outs = await runDeployGraph(deploy, flat, { backend: 'reference', batch: inputs.length });
  const outputs = inputs.map((_s, i) =>
    outs.flatMap((o) => {
      const per = o.length / inputs.length;
      return Array.from(o.subarray(i * per, (i + 1) * per));
    }),
  );
  return { outputs, io };
}
