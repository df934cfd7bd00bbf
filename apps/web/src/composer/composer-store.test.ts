import { getPreset, listLayerDefs, listPresets } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { createComposerStore } from './composer-store';

function build() {
  const s = createComposerStore();
  const conv = s.getState().addLayer('QuantConv2D', { connectFrom: 'input' });
  const flat = s.getState().addLayer('Flatten', { connectFrom: conv });
  const dense = s.getState().addLayer('QuantDense', { connectFrom: flat });
  return { s, conv, flat, dense };
}

describe('composer store', () => {
  it('adds and connects layers, analysing every edit', () => {
    const { s, conv, dense } = build();
    const st = s.getState();
    expect(st.graph.nodes.map((n) => n.id)).toEqual(['input', conv, 'flatten_1', dense]);
    expect(st.graph.edges).toHaveLength(3);
    expect(st.analysis?.nodes[conv]?.outputShape).toEqual([26, 26, 32]);
    expect(st.analysis?.nodes[dense]?.outputShape).toEqual([10]);
    expect(st.selectedNodes).toEqual([dense]);
  });

  it('adds binary layers binarised (float input right after the Input)', () => {
    const { s, conv, dense } = build();
    const params = (id: string) => s.getState().graph.nodes.find((n) => n.id === id)!.params;
    expect(params(conv)).toEqual({
      kernel_quantizer: { id: 'ste_sign' },
      kernel_constraint: { id: 'weight_clip' },
    });
    expect(params(dense)).toMatchObject({
      input_quantizer: { id: 'ste_sign' },
      kernel_quantizer: { id: 'ste_sign' },
    });
    expect(s.getState().analysis?.nodes[dense]?.macs.binary).toBeGreaterThan(0);
    const flat = s.getState().addLayer('Flatten');
    expect(params(flat)).toEqual({});
  });

  it('refuses cycles, self-loops and extra inputs with a reason', () => {
    const { s, conv, dense } = build();
    expect(s.getState().connect(dense, conv)).toBe(false);
    expect(s.getState().message?.text).toMatch(/cycle/);
    expect(s.getState().connect(conv, conv)).toBe(false);
    expect(s.getState().message?.text).toMatch(/itself/);
    expect(s.getState().connect('input', dense)).toBe(false);
    expect(s.getState().message?.text).toMatch(/one input/);
    expect(s.getState().connect(dense, 'input')).toBe(false);
    expect(s.getState().message?.text).toMatch(/model input/);
  });

  it('reports a bad param on its node', () => {
    const { s, conv } = build();
    s.getState().setParams(conv, { filters: 0 });
    const issues = s.getState().issues.filter((i) => i.nodeId === conv && i.severity === 'error');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.fix.length).toBeGreaterThan(0);
  });

  it('reports a shape mismatch on the node that receives it', () => {
    const s = createComposerStore();
    const flat = s.getState().addLayer('Flatten', { connectFrom: 'input' });
    const conv = s.getState().addLayer('Conv2D', { connectFrom: flat });
    expect(s.getState().issues.some((i) => i.nodeId === conv && i.severity === 'error')).toBe(true);
  });

  it('undoes and redoes edits', () => {
    const { s, dense } = build();
    s.getState().undo();
    expect(s.getState().graph.nodes.find((n) => n.id === dense)).toBeUndefined();
    s.getState().redo();
    expect(s.getState().graph.nodes.find((n) => n.id === dense)).toBeDefined();
    expect(s.getState().analysis?.nodes[dense]?.outputShape).toEqual([10]);
  });

  it('records a drag as one undo step from where it started', () => {
    const { s, conv } = build();
    const start = s.getState().graph;
    const steps = s.getState().past.length;
    s.getState().moveNodes({ [conv]: { x: 10, y: 10 } }, false);
    s.getState().moveNodes({ [conv]: { x: 50, y: 60 } }, false);
    s.getState().moveNodes({}, true);
    expect(s.getState().past.length).toBe(steps + 1);
    expect(s.getState().graph.nodes.find((n) => n.id === conv)?.position).toEqual({ x: 50, y: 60 });
    s.getState().undo();
    expect(s.getState().graph).toBe(start);
    // A click (drag end without movement) adds nothing.
    s.getState().moveNodes({}, true);
    expect(s.getState().past.length).toBe(steps);
  });

  it('copies, pastes and deletes; the Input stays', () => {
    const { s, conv, flat } = build();
    s.getState().select([conv, flat]);
    s.getState().copy();
    s.getState().paste();
    const st = s.getState();
    expect(st.graph.nodes).toHaveLength(6);
    expect(st.selectedNodes).toHaveLength(2);
    expect(
      st.graph.edges.filter(
        (e) => st.selectedNodes.includes(e.source) && st.selectedNodes.includes(e.target),
      ),
    ).toHaveLength(1);
    s.getState().removeSelected();
    expect(s.getState().graph.nodes).toHaveLength(4);
    s.getState().select(['input']);
    s.getState().removeSelected();
    expect(s.getState().graph.nodes.some((n) => n.id === 'input')).toBe(true);
    expect(s.getState().message?.text).toMatch(/Input layer cannot be deleted/);
  });

  it('loads every preset without analysis errors', () => {
    const s = createComposerStore();
    for (const p of listPresets()) {
      s.getState().load(getPreset(p.id));
      expect(s.getState().analysisError).toBeNull();
      expect(s.getState().issues.filter((i) => i.severity === 'error')).toEqual([]);
    }
  });

  it('can add every palette layer', () => {
    const s = createComposerStore();
    for (const d of listLayerDefs()) s.getState().addLayer(d.type);
    expect(s.getState().graph.nodes.length).toBe(listLayerDefs().length + 1);
    expect(s.getState().analysisError).toBeNull();
  });
});
