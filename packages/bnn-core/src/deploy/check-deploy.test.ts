import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  type DeployGraph,
  deployStats,
  getPreset,
  listPresets,
  lower,
  randomWeights,
} from '../index.js';

const lowered = (id: string): DeployGraph => {
  const g = getPreset(id);
  return lower(g, randomWeights(g, 3));
};

describe('checkDeployGraph', () => {
  it('accepts every lowered preset', () => {
    for (const p of listPresets()) expect(checkDeployGraph(lowered(p.id)), p.id).toEqual([]);
  });

  it('deployStats counts constants and ops', () => {
    const d = lowered('larq-mnist');
    const s = deployStats(d);
    expect(s.opCounts.bconv2d).toBe(2);
    expect(s.opCounts.bdense).toBe(2);
    // Packed filters: conv 64·9·1 + 64·9·2 words, dense 64·18 + 10·2 words.
    expect(s.packedFilterBytes).toBe(4 * (64 * 9 + 64 * 9 * 2 + 64 * 18 + 10 * 2));
    expect(s.weightBytes).toBeGreaterThan(s.packedFilterBytes);
    expect(s.weightBytes).toBeLessThan(16 * 1024);
  });

  it('reports order, kind, size and shape problems with the op', () => {
    const d = lowered('larq-mnist');
    const bad: DeployGraph = { ...d, ops: d.ops.slice(), tensors: d.tensors.slice() };
    // Swap two ops: reads before writes.
    [bad.ops[0], bad.ops[1]] = [bad.ops[1]!, bad.ops[0]!];
    expect(checkDeployGraph(bad).some((i) => /before any op writes it/.test(i.message))).toBe(true);

    const short: DeployGraph = structuredClone(d);
    const bconv = short.ops.find((o) => o.op === 'bconv2d')!;
    if (bconv.op === 'bconv2d') bconv.filter = bconv.filter.subarray(1);
    expect(checkDeployGraph(short)[0]).toMatchObject({ sourceNode: bconv.sourceNode });
    expect(checkDeployGraph(short)[0]!.message).toMatch(/filter has/);

    const shape: DeployGraph = structuredClone(d);
    shape.tensors.find((t) => t.id === shape.ops[1]!.outputs[0])!.shape = [25, 26, 32];
    expect(checkDeployGraph(shape).some((i) => /should be \[26,26,32\]/.test(i.message))).toBe(true);

    const kind: DeployGraph = structuredClone(d);
    kind.tensors.find((t) => t.id === kind.outputs[0])!.kind = 'bitpacked';
    expect(checkDeployGraph(kind).length).toBeGreaterThan(0);

    const undeclared: DeployGraph = structuredClone(d);
    undeclared.outputs = ['nope'];
    expect(checkDeployGraph(undeclared)[0]!.message).toMatch(/not declared/);
  });
});
