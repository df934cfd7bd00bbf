import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.js';
import { allOpsGraph } from '../test-support/graphs.js';
import { conv3x3Op } from '../test-support/ops.js';
import { Rng } from '../test-support/random.js';
import { GEMM_ROWS, GEMM_VARIANTS, type GemmChoice } from './binary-ops.js';
import { WasmBConv } from './standalone.js';

describe('two-thread execution', () => {
  it('splits the GEMM with a worker and gives exactly the single-thread result', async () => {
    const rng = new Rng(77);
    for (const [h, cin, cout, padValue, kind] of [
      [9, 70, 37, 1, 'bitpacked'],
      [8, 64, 64, 0, 'float'],
      [5, 512, 20, 1, 'float'],
    ] as const) {
      const op = conv3x3Op(
        rng,
        cin,
        cout,
        kind === 'bitpacked'
          ? { kind, thresholds: Int32Array.from({ length: cout }, () => rng.int(200, 400)) }
          : {
              kind,
              clamp: 'none',
              activation: 'relu',
              multiplier: rng.floats(cout),
              bias: rng.floats(cout),
            },
        { padValue },
      );
      const input = rng.packed(3 * h * h, cin);
      // 'auto' (candidates take turns on the first calls), then every micro-kernel forced: the worker runs its own
      // copy of the row kernels (`_w`), which must give the same results
      const steps = Math.ceil((9 * Math.ceil(cin / 32)) / 2);
      const forced = GEMM_VARIANTS.filter((v) => !GEMM_ROWS[v].exact || steps <= GEMM_ROWS[v].unroll);
      for (const gemm of ['auto', ...forced] as GemmChoice[]) {
        const one = await WasmBConv.create(op, [h, h, cin], 3, { gemm });
        const two = await WasmBConv.create(op, [h, h, cin], 3, { threads: 2, gemm });
        expect(two.threads).toBe(2);
        for (let rep = 0; rep < (gemm === 'auto' ? 40 : 2); rep++)
          expect(Array.from(two.runPacked(input)), `${gemm} call ${rep}`).toEqual(
            Array.from(one.runPacked(input)),
          );
        two.dispose();
      }
    }
  });

  it('createEngine({ threads: 2 }) matches the single-thread engine', async () => {
    const graph = allOpsGraph(5);
    const one = await createEngine(graph);
    const two = await createEngine(graph, { threads: 2 });
    expect(two.threads).toBe(2);
    const x = new Rng(3).floats(8 * 288, 2);
    expect(two.run(x, 8).map((a) => Array.from(a))).toEqual(one.run(x, 8).map((a) => Array.from(a)));
    two.dispose();
  });
});
