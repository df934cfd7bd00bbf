// Seeded fuzzing of the float ops with a WASM kernel (scale_shift, relu, add of two tensors, max/avg/global pooling,
// depthwise conv2d with depth multiplier 1, softmax): the wasm engine must equal the reference engine bit for bit (−0 and
// values that round differently in float32 and double included), at odd sizes, channel counts off multiples of 4,
// strides, dilations, both paddings and batches.
import type { DeployGraph, DeployOp, DeployTensor } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.js';
import { convGeometry } from '../geometry.js';
import { Rng } from '../test-support/random.js';

const CASES = 150;

/** Input values: mostly random, some −0, +0, tiny and large magnitudes. */
function input(rng: Rng, n: number): Float32Array {
  // (large enough to round differently, small enough that products and sums stay finite)
  const special = [0, -0, 1e-20, -1e-20, 3e18, -3e18, 1 / 3, -2 / 3];
  return Float32Array.from({ length: n }, () =>
    rng.next() < 0.15 ? rng.pick(special) : (rng.next() * 2 - 1) * 5,
  );
}

/** x [h, w, c] → the op (`extra` builds it from the input id) → y, plus a second input branch for `add`. */
function graphOf(
  h: number,
  w: number,
  c: number,
  outShape: number[],
  op: DeployOp,
  extra: DeployOp[] = [],
): DeployGraph {
  const t = (id: string, shape: number[]): DeployTensor => ({ id, shape, kind: 'float32' });
  const tensors = [t('x', [h, w, c]), t('y', outShape)];
  if (extra.length) tensors.push(t('r', [h, w, c]));
  return {
    format: 'bnn-studio.deploy',
    version: 1,
    name: 'float-op',
    input: 'x',
    outputs: ['y'],
    tensors,
    ops: [...extra, op],
  };
}

async function expectSameBackends(graph: DeployGraph, rng: Rng, label: string): Promise<void> {
  const ref = await createEngine(graph, { backend: 'reference' });
  const wasm = await createEngine(graph);
  const [h, w, c] = graph.tensors[0]!.shape as [number, number, number];
  const batch = rng.pick([1, 1, 2, 3]);
  const x = input(rng, batch * h * w * c);
  const want = ref.run(x, batch)[0]!;
  const got = wasm.run(x, batch)[0]!;
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]}`);
  }
  wasm.dispose();
}

describe('WASM float ops equal the reference bit for bit', () => {
  it(`scale_shift, relu and add on ${CASES} random shapes each`, async () => {
    const rng = new Rng(31);
    for (let seed = 0; seed < CASES; seed++) {
      const [h, w, c] = [rng.int(1, 7), rng.int(1, 7), rng.int(1, 21)];
      const shape = [h, w, c];
      const scale = input(rng, c);
      const shift = input(rng, c);
      const ss: DeployOp = {
        op: 'scale_shift',
        sourceNode: 'ss',
        inputs: ['x'],
        outputs: ['y'],
        scale,
        shift,
      };
      await expectSameBackends(graphOf(h, w, c, shape, ss), rng, `scale_shift ${shape}`);
      const relu: DeployOp = { op: 'relu', sourceNode: 'relu', inputs: ['x'], outputs: ['y'] };
      await expectSameBackends(graphOf(h, w, c, shape, relu), rng, `relu ${shape}`);
      // add(x, scale_shift(x)): two different tensors of one shape
      const branch: DeployOp = {
        op: 'scale_shift',
        sourceNode: 'r',
        inputs: ['x'],
        outputs: ['r'],
        scale,
        shift,
      };
      const add: DeployOp = { op: 'add', sourceNode: 'add', inputs: ['x', 'r'], outputs: ['y'] };
      await expectSameBackends(graphOf(h, w, c, shape, add, [branch]), rng, `add ${shape}`);
    }
  });

  it(`softmax (float32 expf, sum and division) on ${CASES} random shapes`, async () => {
    const rng = new Rng(34);
    for (let seed = 0; seed < CASES; seed++) {
      const [h, w, c] = [rng.int(1, 4), rng.int(1, 4), rng.int(1, 40)];
      const op: DeployOp = { op: 'softmax', sourceNode: 'sm', inputs: ['x'], outputs: ['y'] };
      await expectSameBackends(graphOf(h, w, c, [h, w, c], op), rng, `softmax ${[h, w, c]}`);
    }
  });

  it(`max, average and global average pooling on ${CASES} random geometries`, async () => {
    const rng = new Rng(32);
    for (let seed = 0; seed < CASES; seed++) {
      const [h, w, c] = [rng.int(1, 9), rng.int(1, 9), rng.int(1, 13)];
      const pool: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const padding = rng.pick(['valid', 'same'] as const);
      const g = convGeometry(h, w, pool, strides, [1, 1], padding);
      if (g.outH < 1 || g.outW < 1) continue;
      const gap: DeployOp = { op: 'global_avgpool', sourceNode: 'gap', inputs: ['x'], outputs: ['y'] };
      await expectSameBackends(graphOf(h, w, c, [c], gap), rng, `global_avgpool ${[h, w, c]}`);
      for (const kind of ['maxpool2d', 'avgpool2d'] as const) {
        const op = {
          op: kind,
          sourceNode: 'p',
          inputs: ['x'],
          outputs: ['y'],
          pool,
          strides,
          padding,
        } as DeployOp;
        await expectSameBackends(
          graphOf(h, w, c, [g.outH, g.outW, c], op),
          rng,
          `${kind} ${[h, w, c]} ${pool} ${strides} ${padding}`,
        );
      }
    }
  });

  it(`depthwise conv2d (depth multiplier 1) on ${CASES} random geometries`, async () => {
    const rng = new Rng(33);
    for (let seed = 0; seed < CASES; seed++) {
      const [h, w, c] = [rng.int(1, 9), rng.int(1, 9), rng.int(1, 13)];
      const kernel: [number, number] = [rng.int(1, 4), rng.int(1, 4)];
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const dilations: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const padding = rng.pick(['valid', 'same'] as const);
      const g = convGeometry(h, w, kernel, strides, dilations, padding);
      if (g.outH < 1 || g.outW < 1) continue;
      const op: DeployOp = {
        op: 'depthwise_conv2d',
        sourceNode: 'dw',
        inputs: ['x'],
        outputs: ['y'],
        filter: input(rng, kernel[0] * kernel[1] * c),
        bias: rng.next() < 0.5 ? input(rng, c) : null,
        channels: c,
        depthMultiplier: 1,
        kernel,
        strides,
        dilations,
        padding,
        activation: rng.pick(['none', 'relu'] as const),
      };
      await expectSameBackends(
        graphOf(h, w, c, [g.outH, g.outW, c], op),
        rng,
        `depthwise ${[h, w, c]} ${kernel} ${strides} ${dilations} ${padding}`,
      );
    }
  });
});
