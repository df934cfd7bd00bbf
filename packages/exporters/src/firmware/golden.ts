/** Golden vectors for the firmware self-check: seeded inputs and the studio's outputs for them. */
import { type DeployGraph, seededRandom } from '@bnn-studio/bnn-core';
import { createEngine } from '@bnn-studio/kernels';
import type { GoldenVectors } from './app.js';

/** `count` inputs uniform in [lo, hi) from `seed`. */
export function goldenInputs(
  deploy: DeployGraph,
  count: number,
  seed: number,
  range: [number, number] = [-1, 1],
) {
  const input = deploy.tensors.find((t) => t.id === deploy.input);
  if (!input) throw new Error(`golden vectors: input tensor "${deploy.input}" is not declared`);
  const size = input.shape.reduce((a, b) => a * b, 1);
  const rnd = seededRandom(seed);
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = range[0] + (range[1] - range[0]) * rnd();
  return x;
}

/** Runs the studio's reference engine (@bnn-studio/kernels) on the inputs: the expected device outputs. */
export async function computeGolden(
  deploy: DeployGraph,
  inputs: Float32Array,
  count: number,
): Promise<GoldenVectors> {
  const engine = await createEngine(deploy, { backend: 'reference' });
  try {
    return { count, inputs, outputs: engine.run(inputs, count) };
  } finally {
    engine.dispose();
  }
}
