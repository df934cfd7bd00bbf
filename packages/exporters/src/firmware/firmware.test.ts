import { checkDeployGraph, type DeployGraph, seededRandom } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { ExportRefusedError } from '../errors.js';
import { estimateFirmwareMemory } from '../latency/memory.js';
import { buildStm32Bundle } from '../stm32/bundle.js';
import { planArena, tensorBytes } from './arena.js';
import { cFloat, cI32 } from './c-literals.js';
import { generateModel, opScratchBytes } from './codegen.js';
import { randomDeployGraph } from './random-graph.js';

describe('C literals', () => {
  it('writes every float so that it parses back to the same float32', () => {
    const rnd = seededRandom(7);
    const buf = new Float32Array(1);
    const u = new Uint32Array(buf.buffer);
    for (let i = 0; i < 20000; i++) {
      u[0] = (rnd() * 4294967296) >>> 0;
      const v = buf[0]!;
      if (!Number.isFinite(v)) continue;
      const text = cFloat(v).replace(/f$/, '');
      expect(Object.is(Math.fround(Number.parseFloat(text)), v)).toBe(true);
    }
    expect(cFloat(-0)).toBe('-0.0f');
    expect(cFloat(1)).toBe('1.00000000f');
    expect(cI32(-2147483648)).toBe('(-2147483647 - 1)');
  });
});

describe('random architectures', () => {
  it('are valid and mix int8, float32 and binary layers (every int8 op within the QEMU seeds 1–20)', () => {
    const kinds = new Set<string>();
    let mixed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const g = randomDeployGraph(seed);
      expect(checkDeployGraph(g), `seed ${seed}`).toEqual([]);
      const ops = g.ops.map((o) => o.op);
      if (seed <= 20) for (const o of ops) kinds.add(o);
      if (ops.some((o) => o.startsWith('int8_')) && ops.some((o) => o === 'bconv2d' || o === 'bdense'))
        mixed++;
    }
    for (const k of [
      'int8_quantize',
      'int8_dequantize',
      'int8_bitpack',
      'int8_conv2d',
      'int8_depthwise_conv2d',
      'int8_dense',
      'int8_add',
      'int8_bconv2d',
      'int8_mean',
      'conv2d',
      'bconv2d',
    ]) {
      expect(kinds, k).toContain(k);
    }
    expect(kinds.has('int8_maxpool2d') || kinds.has('int8_avgpool2d')).toBe(true);
    expect(mixed).toBeGreaterThan(10);
  });
});

describe('arena planner', () => {
  it('never lets buffers that are live at the same time overlap, nor an op write over its inputs', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const g = randomDeployGraph(seed);
      const byId = new Map(g.tensors.map((t) => [t.id, t]));
      const tensor = (id: string) => byId.get(id)!;
      const plan = planArena(g, (i) => opScratchBytes(g.ops[i]!, tensor));
      const range = (id: string) =>
        [plan.offsets.get(id)!, plan.offsets.get(id)! + tensorBytes(byId.get(id)!)] as const;
      g.ops.forEach((op, i) => {
        if (op.op === 'reshape') return;
        for (const o of op.outputs) {
          const [a0, a1] = range(o);
          expect(a1).toBeLessThanOrEqual(plan.arenaBytes);
          for (const x of op.inputs) {
            const [b0, b1] = range(x);
            expect(a1 <= b0 || b1 <= a0, `seed ${seed} op ${i}: ${o} overlaps input ${x}`).toBe(true);
          }
          const s = plan.scratch.get(i);
          if (s !== undefined) {
            expect(
              a1 <= s || s + opScratchBytes(op, tensor) <= a0,
              `seed ${seed} op ${i}: scratch overlaps output`,
            ).toBe(true);
          }
        }
      });
      // A tensor still needed later is never overwritten by an op in between.
      const lastUse = new Map<string, number>();
      g.ops.forEach((op, i) => {
        for (const x of op.inputs) lastUse.set(x, i);
      });
      for (const id of g.outputs) lastUse.set(id, g.ops.length);
      g.ops.forEach((op, i) => {
        if (op.op === 'reshape') return;
        const [a0, a1] = range(op.outputs[0]!);
        const producers = new Map<string, number>();
        g.ops.forEach((p, j) => {
          for (const o of p.outputs) producers.set(o, j);
        });
        producers.set(g.input, -1);
        for (const [id, last] of lastUse) {
          const born = producers.get(id) ?? -1;
          if (born < i && last > i) {
            const [b0, b1] = range(id);
            expect(a1 <= b0 || b1 <= a0, `seed ${seed}: op ${i} overwrites live ${id}`).toBe(true);
          }
        }
      });
    }
  });
});

/** A random graph with a float stem (seed 3 onwards; some seeds draw an int8 stem). */
function tinyGraph(): DeployGraph {
  for (let seed = 3; ; seed++) {
    const g = randomDeployGraph(seed);
    if (g.ops.some((o) => o.op === 'conv2d' && o.sourceNode === 'stem')) return g;
  }
}

describe('codegen refusals', () => {
  it('refuses NaN weights, naming the layer', () => {
    const g = tinyGraph();
    const stem = g.ops.find((o) => o.op === 'conv2d')!;
    if (stem.op !== 'conv2d') throw new Error('unreachable');
    stem.filter[0] = Number.NaN;
    expect(() => generateModel(g)).toThrowError(ExportRefusedError);
    try {
      generateModel(g);
    } catch (e) {
      expect((e as ExportRefusedError).nodeId).toBe('stem');
      expect((e as ExportRefusedError).rule).toBe('weights.finite');
    }
  });

  it('refuses a model that does not fit the STM32L4R9 flash, with both numbers', async () => {
    const inC = 4096;
    const outC = 200;
    const g: DeployGraph = {
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'too-big',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [inC], kind: 'float32' },
        { id: 'y', shape: [outC], kind: 'float32' },
      ],
      ops: [
        {
          op: 'dense',
          sourceNode: 'huge_dense',
          inputs: ['x'],
          outputs: ['y'],
          weights: new Float32Array(inC * outC),
          bias: null,
          inChannels: inC,
          outChannels: outC,
          activation: 'none',
        },
      ],
    };
    const err = await buildStm32Bundle(g).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportRefusedError);
    const refused = err as ExportRefusedError;
    expect(refused.rule).toBe('stm32l4.flash');
    // weights + the fitted code of the runtime it links (latency/memory.ts), the figure the composer shows
    const mem = estimateFirmwareMemory(g);
    expect(mem.constBytes).toBe(inC * outC * 4);
    expect(mem.codeBytes).toBeGreaterThan(4 * 1024);
    expect(refused.message).toContain(String(mem.flashBytes));
    expect(refused.message).toContain(String(2048 * 1024));
  });

  it('refuses a model whose activations do not fit the 640 KB SRAM, with both numbers', async () => {
    const g: DeployGraph = {
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'too-wide',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [200, 200, 3], kind: 'float32' },
        { id: 'y', shape: [200, 200, 3], kind: 'float32' },
      ],
      ops: [{ op: 'relu', sourceNode: 'act', inputs: ['x'], outputs: ['y'] }],
    };
    const err = (await buildStm32Bundle(g).catch((e: unknown) => e)) as ExportRefusedError;
    expect(err).toBeInstanceOf(ExportRefusedError);
    expect(err.rule).toBe('stm32l4.ram');
    expect(err.message).toContain(String(640 * 1024));
    // arena (input + output) + the linker's 8 KiB stack + the measured runtime .data/.bss
    const mem = estimateFirmwareMemory(g);
    expect(mem.arenaBytes).toBe(2 * 200 * 200 * 3 * 4);
    expect(mem.ramBytes).toBe(mem.arenaBytes + 8 * 1024 + mem.runtimeRamBytes);
    expect(err.message).toContain(String(mem.ramBytes));
  });
});
