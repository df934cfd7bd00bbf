import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  type DeployGraph,
  deployStats,
  formatDeployIssue,
  getPreset,
  listPresets,
  lower,
  randomWeights,
  seededRandom,
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
    expect(checkDeployGraph(shape).some((i) => /but the op produces \[26,26,32\]/.test(i.message))).toBe(
      true,
    );

    const kind: DeployGraph = structuredClone(d);
    kind.tensors.find((t) => t.id === kind.outputs[0])!.kind = 'bitpacked';
    expect(checkDeployGraph(kind).length).toBeGreaterThan(0);

    const undeclared: DeployGraph = structuredClone(d);
    undeclared.outputs = ['nope'];
    expect(checkDeployGraph(undeclared)[0]!.message).toMatch(/not declared/);
  });
});

describe('checkDeployGraph: one wording per rule, never a throw', () => {
  const base = lowered('larq-mnist');

  it('zero-padding with a bit-packed output is the rule bconv2d.zero_padding_bitpacked', () => {
    const g: DeployGraph = structuredClone(base);
    const op = g.ops.find((o) => o.op === 'bconv2d' && o.transform.kind === 'bitpacked')!;
    if (op.op !== 'bconv2d') throw new Error('unreachable');
    op.padding = 'same';
    op.padValue = 0;
    const [issue] = checkDeployGraph(g);
    expect(issue).toMatchObject({
      code: 'bad_op',
      rule: 'bconv2d.zero_padding_bitpacked',
      sourceNode: op.sourceNode,
    });
    expect(issue!.message).toMatch(/bit-packed output with zero-padding/);
    expect(issue!.fix).toMatch(/one-padding/);
    expect(formatDeployIssue(issue!)).toMatch(/^DeployGraph op #\d+ \(bconv2d, node "/);
  });

  it('names an unknown op kind as unsupported, and non-finite weights as weights.finite', () => {
    const g: DeployGraph = structuredClone(base);
    (g.ops[2] as { op: string }).op = 'gelu';
    expect(checkDeployGraph(g)[0]).toMatchObject({ code: 'unsupported', opIndex: 2 });
    const nan: DeployGraph = structuredClone(base);
    const dense = nan.ops.find((o) => o.op === 'scale_shift' || o.op === 'dense')!;
    if (dense.op === 'scale_shift') dense.scale[0] = Number.POSITIVE_INFINITY;
    else if (dense.op === 'dense') dense.weights[0] = Number.NaN;
    expect(checkDeployGraph(nan)[0]).toMatchObject({ rule: 'weights.finite' });
  });

  it('never throws on mutated graphs (seeded)', () => {
    const rnd = seededRandom(13);
    const junk = [null, 0, -1, 1.5, 'x', [], {}, [0, 0], new Float32Array(1), undefined];
    for (let i = 0; i < 400; i++) {
      const g = structuredClone(base) as unknown as { ops: Record<string, unknown>[] } & Record<
        string,
        unknown
      >;
      const op = g.ops[Math.floor(rnd() * g.ops.length)]!;
      const keys = Object.keys(op);
      op[keys[Math.floor(rnd() * keys.length)]!] = junk[Math.floor(rnd() * junk.length)];
      if (rnd() < 0.1)
        g[['tensors', 'ops', 'outputs', 'input'][Math.floor(rnd() * 4)]!] = junk[i % junk.length];
      expect(() => checkDeployGraph(g as unknown as DeployGraph)).not.toThrow();
      expect(checkDeployGraph(g as unknown as DeployGraph).length).toBeGreaterThanOrEqual(0);
    }
  });
});
