import { getPreset, listPresets, lower, randomWeights } from '@bnn-studio/bnn-core';
import { estimateFirmwareMemory, estimateLatency } from '@bnn-studio/exporters/latency';
import { describe, expect, it } from 'vitest';
import { estimateDeployment } from './deploy-estimate';
import { deployBudgetUse, formatMs, TARGETS } from './targets';

describe('estimateDeployment (the composer’s latency and firmware memory)', () => {
  it('gives every preset the exporters’ figures: per-node latency, memory equal to the bundle’s', () => {
    for (const p of listPresets()) {
      const graph = getPreset(p.id);
      const r = estimateDeployment(graph);
      expect(r.ok, p.id).toBe(true);
      if (!r.ok) continue;
      const deploy = lower(graph, randomWeights(graph, 1));
      expect(r.estimate.memory).toEqual(estimateFirmwareMemory(deploy));
      const l = r.estimate.latency.stm32l4r9;
      expect(l.instructions).toBe(estimateLatency(deploy, 'stm32l4r9').instructions);
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const node of Object.keys(l.byNode)) expect(ids.has(node), `${p.id}: ${node}`).toBe(true);
      expect(r.estimate.latency.xcore.instructions).toBe(l.instructions);
    }
  }, 120_000);

  it('is cached per graph object and reports a graph with errors instead of throwing', () => {
    const g = getPreset('mnist-tiny');
    expect(estimateDeployment(g)).toBe(estimateDeployment(g));
    const bad = { ...g, edges: [] };
    const r = estimateDeployment(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/graph errors/);
  });
});

describe('deployBudgetUse', () => {
  const memory = { constBytes: 100_000, arenaBytes: 200_000, flashBytes: 124_576, ramBytes: 220_480 };
  it('STM32L4R9: flash, SRAM and the latency bar against the budget', () => {
    const rows = deployBudgetUse('stm32l4r9', memory, 250, 200);
    expect(rows.map((r) => r.label)).toEqual([
      'Flash (model data + code)',
      'SRAM (arena + stack + runtime)',
      'Latency (estimate)',
    ]);
    expect(rows[0]).toMatchObject({ used: 124_576, budget: TARGETS.stm32l4r9.flashBytes, over: false });
    expect(rows[2]).toMatchObject({ unit: 'ms', used: 250, budget: 200, over: true });
  });
  it('xcore.ai: one SRAM row (model data + arena) and latency', () => {
    const rows = deployBudgetUse('xcore', memory, 10, 200);
    expect(rows[0]).toMatchObject({ used: 300_000, budget: 512 * 1024 });
    expect(rows[1]!.over).toBe(false);
  });
  it('formats milliseconds', () => {
    expect(formatMs(152.3)).toBe('152 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(0.5)).toBe('0.500 ms');
  });
});
