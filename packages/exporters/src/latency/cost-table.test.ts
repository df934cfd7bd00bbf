import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPreset, listPresets, lower, randomWeights, seededRandom } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { randomDeployGraph } from '../firmware/random-graph.js';
import { RUNTIME_DIR } from '../firmware/runtime-files.js';
import { calibrationGraphs, calibrationRandomGraphs } from './calibration-graphs.js';
import { COST_TABLE } from './cost-table.js';
import { estimateLatency, LATENCY_TARGETS, LatencyError } from './estimate.js';
import { opCostFeatures, STRAIGHT_ROW_WORDS } from './features.js';
import { fitCostFormula, predict } from './fit.js';
import { deviceSourcesHash, REGENERATE_COMMAND, runtimeSourcesHash } from './measure.js';
import { estimateFirmwareMemory, modelFootprint } from './memory.js';

describe('the committed cost table', () => {
  it('was measured on the current runtime C sources', () => {
    const stale =
      COST_TABLE.runtimeSourcesSha256 === runtimeSourcesHash()
        ? ''
        : `runtime/src changed since src/latency/cost-table.ts was measured: re-run \`${REGENERATE_COMMAND}\` (about 5–8 min) and commit the table`;
    expect(stale).toBe('');
  });

  it('measured the device image on the current startup, linker script and app sources', () => {
    const stale =
      COST_TABLE.firmware.deviceSourcesSha256 === deviceSourcesHash()
        ? ''
        : `the cortex-m4 target files or firmware/app.ts / model-files.ts changed since the code-size formula was measured: re-run \`${REGENERATE_COMMAND}\` (only the device builds are redone) and commit the table`;
    expect(stale).toBe('');
  });

  it('has a formula for every kernel variant of the presets and the random architectures', () => {
    const graphs = [
      ...listPresets().map((p) => {
        const g = getPreset(p.id);
        return lower(g, randomWeights(g, 1));
      }),
      ...Array.from({ length: 40 }, (_, i) => randomDeployGraph(i + 1)),
    ];
    const missing = new Set<string>();
    for (const d of graphs) {
      const byId = new Map(d.tensors.map((t) => [t.id, t]));
      for (const op of d.ops) {
        const v = opCostFeatures(op, byId).variant;
        if (!COST_TABLE.variants[v]) missing.add(v);
      }
    }
    expect([...missing], `variants without a formula: re-run \`${REGENERATE_COMMAND}\``).toEqual([]);
  });

  it('measured the code size of every runtime C function the presets and the random architectures call', () => {
    const measured = new Set(COST_TABLE.firmware.measuredFunctions);
    const missing = new Set<string>();
    for (const d of [
      ...listPresets().map((p) => {
        const g = getPreset(p.id);
        return lower(g, randomWeights(g, 1));
      }),
      ...Array.from({ length: 40 }, (_, i) => randomDeployGraph(i + 1)),
    ]) {
      for (const f of modelFootprint(d).functions) if (!measured.has(f)) missing.add(f);
    }
    expect(
      [...missing],
      `C functions no calibration graph calls: add a layer calling each to calibration-graphs.ts and re-run \`${REGENERATE_COMMAND}\``,
    ).toEqual([]);
    // code = base + per layer + per kernel linked; runtime RAM is a few hundred bytes, not a reserve
    expect(COST_TABLE.firmware.code.coefficients.one).toBeGreaterThan(0);
    expect(COST_TABLE.firmware.code.maxRelError).toBeLessThan(0.02);
    expect(COST_TABLE.firmware.runtimeRamBytes - COST_TABLE.firmware.runtimeRamMinBytes).toBeLessThan(64);
  });
});

describe('the cost features', () => {
  it('give the straight-line row lengths the runtime dispatches to (bnn_bits_out: `pairs && n == N`)', () => {
    const src = readFileSync(join(RUNTIME_DIR, 'src', 'bnn_runtime.c'), 'utf8');
    const lengths = [...src.matchAll(/if \(pairs && n == (\d+)\) \{/g)].map((m) => Number(m[1]));
    expect(lengths).toEqual([...STRAIGHT_ROW_WORDS]);
  });
});

describe('the calibration grid', () => {
  it('every graph passes the deploy checks and fits the STM32L4R9 (the generator builds each one)', () => {
    for (const g of [...calibrationGraphs(), ...calibrationRandomGraphs()]) {
      const m = estimateFirmwareMemory(g);
      expect(m.flashBytes, g.name).toBeLessThanOrEqual(m.flashLimitBytes);
      expect(m.ramBytes, g.name).toBeLessThanOrEqual(m.ramLimitBytes);
    }
  });
});

describe('fitCostFormula', () => {
  it('recovers known non-negative coefficients from noiseless samples (seeded)', () => {
    const rnd = seededRandom(7);
    const truth = { macs: 1.7, pixels: 40, one: 900 };
    const samples = Array.from({ length: 30 }, () => {
      const features = { macs: Math.floor(rnd() * 1e6), pixels: Math.floor(rnd() * 1e3), one: 1 };
      return { features, count: predict(truth, features) };
    });
    const fit = fitCostFormula(samples);
    expect(fit.coefficients.macs).toBeCloseTo(1.7, 6);
    expect(fit.coefficients.pixels).toBeCloseTo(40, 3);
    expect(fit.coefficients.one).toBeCloseTo(900, 1);
    expect(fit.maxRelError).toBeLessThan(1e-6);
  });

  it('drops a feature whose best coefficient would be negative', () => {
    const rnd = seededRandom(3);
    const samples = Array.from({ length: 20 }, () => {
      const a = 1 + Math.floor(rnd() * 1000);
      const b = 1 + Math.floor(rnd() * 1000);
      return { features: { a, b }, count: 3 * a + 0.5 * (1000 - b) };
    });
    const fit = fitCostFormula(samples);
    for (const c of Object.values(fit.coefficients)) expect(c).toBeGreaterThan(0);
  });

  it('names the problem in bad input', () => {
    expect(() => fitCostFormula([])).toThrow(/no samples/);
    expect(() => fitCostFormula([{ features: { one: 1 }, count: 0 }])).toThrow(/must be positive/);
  });
});

describe('estimateLatency', () => {
  const g = getPreset('larq-mnist');
  const deploy = lower(g, randomWeights(g, 1));

  it('gives instructions per op and ms from the target clock and cycles per instruction', () => {
    const est = estimateLatency(deploy, 'stm32l4r9');
    expect(est.ops).toHaveLength(deploy.ops.length);
    expect(est.unmeasured).toEqual([]);
    expect(est.instructions).toBe(est.ops.reduce((a, o) => a + o.instructions, 0));
    const t = LATENCY_TARGETS.stm32l4r9;
    expect(est.ms).toBeCloseTo((est.instructions * t.cyclesPerInstruction * 1000) / t.clockHz, 9);
    const nodes = Object.values(est.byNode).reduce((a, n) => a + n.instructions, 0);
    expect(nodes).toBe(est.instructions);
    for (const o of est.ops) expect(o.instructions).toBeGreaterThan(0);
    const x = estimateLatency(deploy, 'xcore');
    expect(x.instructions).toBe(est.instructions);
    expect(x.ms).not.toBe(est.ms);
  });

  it('refuses an unknown target with the known ones in the fix', () => {
    expect(() => estimateLatency(deploy, 'esp32' as 'xcore')).toThrow(LatencyError);
    expect(() => estimateLatency(deploy, 'esp32' as 'xcore')).toThrow(/stm32l4r9, xcore/);
  });
});
