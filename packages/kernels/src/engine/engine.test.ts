import type { DeployGraph } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { KernelError } from '../errors.js';
import { allOpsGraph } from '../test-support/graphs.js';
import { Rng } from '../test-support/random.js';
import { createEngine, runDeployGraph } from './engine.js';

const clone = (g: DeployGraph): DeployGraph => ({
  ...g,
  tensors: g.tensors.map((t) => ({ ...t, shape: [...t.shape] })),
  ops: g.ops.map((o) => ({ ...o })),
});

describe('createEngine / runDeployGraph', () => {
  it('wasm and reference backends agree exactly on a graph using every op kind, for several batches', async () => {
    const graph = allOpsGraph(3);
    const ref = await createEngine(graph, { backend: 'reference' });
    const wasm = await createEngine(graph);
    expect(wasm.backend).toBe('wasm');
    expect(wasm.inputShape).toEqual([12, 12, 2]);
    expect(wasm.outputShapes).toEqual([[10], [10], [3, 3, 16]]);
    const rng = new Rng(9);
    for (const batch of [1, 3, 8, 2]) {
      const x = rng.floats(batch * 288, 2);
      const want = ref.run(x, batch);
      const got = wasm.run(x, batch);
      expect(got.map((a) => Array.from(a))).toEqual(want.map((a) => Array.from(a)));
      expect(got[0]!.length).toBe(batch * 10);
      const probs = got[1]!;
      for (let b = 0; b < batch; b++)
        expect(probs.subarray(b * 10, b * 10 + 10).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    // a batch is the concatenation of its samples
    const x = rng.floats(2 * 288);
    const both = wasm.run(x, 2)[0]!;
    expect(Array.from(wasm.run(x.slice(288), 1)[0]!)).toEqual(Array.from(both.slice(10)));
    expect(Array.from((await runDeployGraph(graph, x, { batch: 2 }))[0]!)).toEqual(Array.from(both));
    wasm.dispose();
    expect(() => wasm.run(x, 2)).toThrow(/disposed/);
  });

  it('refuses hostile inputs with clear errors', async () => {
    const engine = await createEngine(allOpsGraph(1));
    const ok = new Float32Array(288);
    expect(() => engine.run(new Float32Array(287))).toThrow(/287 values, expected 288/);
    expect(() => engine.run(ok, 2)).toThrow(/expected 576/);
    expect(() => engine.run(ok, 0)).toThrow(/batch must be a positive integer/);
    expect(() => engine.run(ok, 1.5)).toThrow(KernelError);
    expect(() => engine.run([...ok] as unknown as Float32Array)).toThrow(/Float32Array/);
    const nan = ok.slice();
    nan[100] = Number.NaN;
    expect(() => engine.run(nan)).toThrow(/element 100\) is NaN/);
    const inf = ok.slice();
    inf[5] = Number.NEGATIVE_INFINITY;
    expect(() => engine.run(inf)).toThrow(/Infinity/);
    // finite but out-of-range input: a float op overflows; both backends refuse instead of answering
    const overflow = (quantize: boolean): DeployGraph => ({
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'overflow',
      input: 'x',
      outputs: [quantize ? 'yb' : 'y'],
      tensors: [
        { id: 'x', shape: [4], kind: 'float32' },
        { id: 'y', shape: [4], kind: 'float32' },
        { id: 'yb', shape: [4], kind: 'bitpacked' },
      ],
      ops: [
        {
          op: 'scale_shift',
          sourceNode: 'bn',
          inputs: ['x'],
          outputs: ['y'],
          scale: new Float32Array(4).fill(1e30),
          shift: new Float32Array(4),
        },
        ...(quantize
          ? [{ op: 'quantize' as const, sourceNode: 'sign', inputs: ['y'], outputs: ['yb'] }]
          : []),
      ],
    });
    const big = new Float32Array([1, 2e10, 3, 4]);
    for (const backend of ['wasm', 'reference'] as const) {
      await expect(runDeployGraph(overflow(false), big, { backend })).rejects.toThrow(
        /output "y" contains NaN or ±Infinity/,
      );
      await expect(runDeployGraph(overflow(true), big, { backend })).rejects.toThrow(
        /quantize "sign" contains NaN or ±Infinity/,
      );
      expect(
        (await runDeployGraph(overflow(true), new Float32Array([1, -2, 0, -0]), { backend }))[0],
      ).toEqual(new Float32Array([1, -1, 1, 1]));
    }
    // the engine still works after refusing
    expect(engine.run(ok)[0]!.length).toBe(10);
  });

  it('refuses inconsistent graphs, naming the op and the fix', async () => {
    const base = allOpsGraph(1);
    const cases: [string, (g: DeployGraph) => void, RegExp][] = [
      [
        'truncated filter',
        (g) => {
          const op = g.ops[3] as { filter: Int32Array };
          op.filter = op.filter.subarray(1);
        },
        /"bconv2".*filter has 359 elements, expected 360/,
      ],
      [
        'wrong output shape',
        (g) => {
          g.tensors[4]!.shape = [12, 12, 41];
        },
        /declared \[12,12,41\] but the op produces \[12,12,40\]/,
      ],
      [
        'wrong kind',
        (g) => {
          g.tensors[3]!.kind = 'float32';
        },
        /quantize.*output "b1" is float32, expected bitpacked/,
      ],
      [
        'zero-padding with bitpacked output',
        (g) => {
          (g.ops[3] as { padValue: number }).padValue = 0;
        },
        /zero-padding/,
      ],
      [
        'unknown op',
        (g) => {
          (g.ops[10] as { op: string }).op = 'gelu';
        },
        /op kind "gelu" is unknown/,
      ],
      [
        'out of order',
        (g) => {
          [g.ops[0], g.ops[1]] = [g.ops[1]!, g.ops[0]!];
        },
        /read before any op writes it/,
      ],
      [
        'missing tensor',
        (g) => {
          g.tensors = g.tensors.filter((t) => t.id !== 'sum');
        },
        /"sum" is not declared/,
      ],
      [
        'NaN weight',
        (g) => {
          const op = g.ops[1] as { bias: Float32Array };
          op.bias = op.bias.slice();
          op.bias[2] = Number.NaN;
        },
        /bias\[2\] is NaN/,
      ],
      [
        'dirty tail bits',
        (g) => {
          const op = g.ops[3] as { filter: Int32Array };
          op.filter = op.filter.slice();
          op.filter[0] = -1;
        },
        /tail bits/,
      ],
      [
        'wrong version',
        (g) => {
          (g as { version: number }).version = 2;
        },
        /version 2 is not supported/,
      ],
      [
        'wrong channel count',
        (g) => {
          (g.ops[5] as { inChannels: number }).inChannels = 41;
        },
        /inChannels is 41 but the input has 40/,
      ],
      [
        'thresholds as floats',
        (g) => {
          (g.ops[3] as { transform: unknown }).transform = {
            kind: 'bitpacked',
            thresholds: new Float32Array(40),
          };
        },
        /thresholds must be a Int32Array/,
      ],
    ];
    for (const [label, mutate, message] of cases) {
      const g = clone(base);
      mutate(g);
      for (const backend of ['wasm', 'reference'] as const) {
        await expect(createEngine(g, { backend }), label).rejects.toThrow(message);
      }
    }
    await expect(createEngine(base, { backend: 'gpu' as 'wasm' })).rejects.toThrow(/unknown backend/);
    await expect(createEngine(base, { threads: 3 as 1 })).rejects.toThrow(/threads must be 1 or 2/);
  });
});
