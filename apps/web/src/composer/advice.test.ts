import { getLayerDef, getPreset, inferGraph, listPresets } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { adviceIssues } from './advice';
import { createComposerStore } from './composer-store';
import { larqDefaults } from './graph-edit';

const advice = (g: ReturnType<typeof getPreset>) => adviceIssues(g, inferGraph(g));

describe('composer advice', () => {
  it('gives no advice on the presets (their float layers are float by design)', () => {
    for (const p of listPresets()) expect(advice(getPreset(p.id)), p.id).toEqual([]);
  });

  it('warns on a binary-heading layer whose MACs are all float, and the palette default never does', () => {
    const s = createComposerStore();
    const flat = s.getState().addLayer('Flatten', { connectFrom: 'input' });
    const dense = s.getState().addLayer('QuantDense', { connectFrom: flat });
    const codes = () =>
      s
        .getState()
        .issues.filter((i) => i.nodeId === dense)
        .map((i) => i.code);
    expect(codes()).not.toContain('float_macs');
    const node = s.getState().graph.nodes.find((n) => n.id === dense)!;
    s.getState().setParams(dense, larqDefaults(node.params, getLayerDef('QuantDense')));
    expect(codes()).toContain('float_macs');
    const issue = s.getState().issues.find((i) => i.code === 'float_macs')!;
    expect(issue.severity).toBe('warning');
    expect(issue.fix).toMatch(/input_quantizer to ste_sign/);
  });

  it('adds a layer dropped on the canvas fully binary, with one-padding', () => {
    const s = createComposerStore();
    const conv = s.getState().addLayer('QuantConv2D', { position: { x: 0, y: 200 } });
    expect(s.getState().graph.nodes.find((n) => n.id === conv)!.params).toEqual({
      input_quantizer: { id: 'ste_sign' },
      kernel_quantizer: { id: 'ste_sign' },
      kernel_constraint: { id: 'weight_clip' },
      pad_values: 1,
    });
  });

  it('warns when a QuantDense feeds the output without a BatchNormalization', () => {
    const g = getPreset('mnist-tiny');
    const bn = g.nodes.filter((n) => n.type === 'BatchNormalization').at(-1)!;
    const into = g.edges.find((e) => e.target === bn.id)!;
    const out = g.edges.find((e) => e.source === bn.id)!;
    const noBn = {
      ...g,
      nodes: g.nodes.filter((n) => n.id !== bn.id),
      edges: [
        ...g.edges.filter((e) => e !== into && e !== out),
        { id: 'x', source: into.source, target: out.target },
      ],
    };
    const issues = advice(noBn);
    expect(issues.map((i) => i.code)).toEqual(['dense_output_no_bn']);
    expect(issues[0]!.nodeId).toBe(into.source);
    expect(issues[0]!.message).toMatch(/reach ±576/);
    expect(issues[0]!.fix).toMatch(/Insert a BatchNormalization/);
  });
});
