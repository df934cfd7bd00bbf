import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  type GraphIssue,
  type GraphSpec,
  getPreset,
  ISSUE_CODES,
  isGraphValid,
  listPresets,
  validateGraph,
} from '../index.js';

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };

function mlp(): { b: GraphBuilder; x: string } {
  const b = new GraphBuilder('t');
  const x = b.input([8]);
  return { b, x };
}
const codes = (issues: GraphIssue[]) => issues.map((i) => i.code);
function only(g: GraphSpec, code: string): GraphIssue[] {
  const issues = validateGraph(g);
  return issues.filter((i) => i.code === code);
}

describe('validateGraph', () => {
  it('accepts every preset with no errors and no warnings', () => {
    for (const p of listPresets()) {
      expect(validateGraph(getPreset(p.id))).toEqual([]);
      expect(isGraphValid(getPreset(p.id))).toBe(true);
    }
  });

  it('every issue has a known code, a message and a fix', () => {
    const g = getPreset('larq-mnist');
    g.nodes.push({ id: 'stray', type: 'Nope', params: {} });
    g.edges.push({ id: 'bad', source: 'ghost', target: 'stray' });
    for (const i of validateGraph(g)) {
      expect(Object.keys(ISSUE_CODES)).toContain(i.code);
      expect(i.message.length).toBeGreaterThan(10);
      expect(i.fix.length).toBeGreaterThan(5);
      expect(i.severity).toBe(ISSUE_CODES[i.code as keyof typeof ISSUE_CODES].severity);
    }
  });

  it('duplicate_id', () => {
    const g = getPreset('larq-mnist');
    g.nodes.push({ ...g.nodes[1]! });
    g.edges.push({ ...g.edges[0]! });
    const issues = only(g, 'duplicate_id');
    expect(issues.some((i) => i.nodeId === g.nodes[1]!.id)).toBe(true);
    expect(issues.some((i) => i.edgeId === g.edges[0]!.id)).toBe(true);
  });

  it('unknown_type, unknown_param, param_type, param_range', () => {
    const { b, x } = mlp();
    const d = b.add('Dense', { units: 0, use_bias: 'yes', activation: 'relu' }, x);
    b.add('Mystery', {}, d);
    const g = b.build();
    expect(only(g, 'unknown_type')[0]).toMatchObject({ nodeId: 'mystery_2', field: 'type' });
    expect(only(g, 'unknown_param')[0]).toMatchObject({ nodeId: d, field: 'activation' });
    expect(only(g, 'param_type')[0]).toMatchObject({ nodeId: d, field: 'use_bias' });
    expect(only(g, 'param_range')[0]).toMatchObject({ nodeId: d, field: 'units' });
    expect(only(g, 'param_range')[0]!.fix).toMatch(/between 1 and 65536/);
  });

  it('param_range for enums, pairs, shapes, normalization and input rank', () => {
    const b = new GraphBuilder('t');
    const x = b.input([28, 28], { normalization: { mean: 0, std: 0 }, range: [1, 0] });
    b.add('Conv2D', { padding: 'full', kernel_size: [3, 0], strides: [1, 2, 3] }, x);
    const issues = validateGraph(b.build());
    const fields = issues
      .filter((i) => i.code === 'param_range' || i.code === 'param_type')
      .map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(['normalization', 'range', 'padding', 'kernel_size', 'strides']),
    );
    const b2 = new GraphBuilder('t');
    b2.input([28, 28]);
    expect(only(b2.build(), 'param_range')[0]).toMatchObject({ field: 'shape' });
  });

  it('unknown_quantizer, unknown_constraint, quantizer_config', () => {
    const { b, x } = mlp();
    b.add(
      'QuantDense',
      {
        units: 4,
        input_quantizer: { id: 'sgn' },
        kernel_quantizer: { id: 'ste_sign', config: { clip: 2 } },
        kernel_constraint: { id: 'clip' },
      },
      x,
    );
    const g = b.build();
    expect(only(g, 'unknown_quantizer')[0]).toMatchObject({ field: 'input_quantizer' });
    expect(only(g, 'unknown_quantizer')[0]!.fix).toMatch(/ste_sign/);
    expect(only(g, 'unknown_constraint')[0]).toMatchObject({ field: 'kernel_constraint' });
    expect(only(g, 'quantizer_config')[0]).toMatchObject({ field: 'kernel_quantizer.config.clip' });
    const { b: b2, x: x2 } = mlp();
    b2.add('QuantDense', { units: 4, kernel_quantizer: { id: 'ste_sign', config: { clip_value: -1 } } }, x2);
    expect(only(b2.build(), 'quantizer_config')[0]!.message).toMatch(/out of range/);
    // A bare id string is accepted, as in Larq.
    const { b: b3, x: x3 } = mlp();
    b3.add('QuantDense', { units: 4, kernel_quantizer: 'ste_sign', kernel_constraint: 'weight_clip' }, x3);
    expect(validateGraph(b3.build())).toEqual([]);
  });

  it('no_input and multiple_inputs', () => {
    const g = getPreset('larq-mnist');
    const noIn = { ...g, nodes: g.nodes.filter((n) => n.type !== 'Input') };
    expect(codes(validateGraph(noIn))).toContain('no_input');
    const two = getPreset('larq-mnist');
    two.nodes.push({ id: 'in2', type: 'Input', params: { shape: [4] } });
    expect(only(two, 'multiple_inputs')[0]).toMatchObject({ nodeId: 'in2' });
  });

  it('bad_edge: unknown endpoints and edges into the Input', () => {
    const g = getPreset('larq-mnist');
    g.edges.push({ id: 'x1', source: 'ghost', target: 'softmax_14' });
    g.edges.push({ id: 'x2', source: 'softmax_14', target: 'input_0' });
    const issues = only(g, 'bad_edge');
    expect(issues.find((i) => i.edgeId === 'x1')).toMatchObject({ field: 'source' });
    expect(issues.find((i) => i.edgeId === 'x2')).toMatchObject({ field: 'target', nodeId: 'input_0' });
  });

  it('bad_port and input_count', () => {
    const { b, x } = mlp();
    const a = b.add('Dense', { units: 8 }, x);
    const add = b.add('Add', {}, a, x);
    const g = b.build();
    g.edges.find((e) => e.target === add && e.targetPort === 1)!.targetPort = 9;
    expect(only(g, 'bad_port')[0]).toMatchObject({ nodeId: add, field: 'targetPort' });
    const g2 = b.build();
    g2.edges.find((e) => e.target === add && e.targetPort === 1)!.targetPort = 0;
    expect(only(g2, 'bad_port')[0]!.message).toMatch(/both target port 0/);
    const g3 = b.build();
    g3.edges = g3.edges.filter((e) => !(e.target === add && e.targetPort === 1));
    expect(only(g3, 'input_count')[0]).toMatchObject({ nodeId: add });
    const g4 = b.build();
    g4.edges.push({ id: 'extra', source: x, target: a });
    expect(only(g4, 'input_count')[0]).toMatchObject({ nodeId: a, edgeId: 'extra' });
    const g5 = b.build();
    g5.edges.find((e) => e.target === a)!.targetPort = 1;
    expect(only(g5, 'bad_port')[0]!.fix).toMatch(/single-input/);
  });

  it('cycle names exactly the nodes on the cycle', () => {
    const { b, x } = mlp();
    const d1 = b.add('Dense', { units: 8 }, x);
    const add = b.add('Add', {}, d1, x);
    const d2 = b.add('Dense', { units: 8 }, add);
    const tail = b.add('Softmax', {}, d2);
    const g = b.build();
    // d2 → add (port 1) instead of x → add.
    g.edges.find((e) => e.target === add && e.source === x)!.source = d2;
    const cyc = only(g, 'cycle').map((i) => i.nodeId);
    expect(cyc.sort()).toEqual([add, d2].sort());
    expect(cyc).not.toContain(tail);
  });

  it('unconnected and unreachable', () => {
    const g = getPreset('larq-mnist');
    g.nodes.push({ id: 'lonely', type: 'ReLU', params: {} });
    g.nodes.push({ id: 'island1', type: 'ReLU', params: {} }, { id: 'island2', type: 'ReLU', params: {} });
    g.edges.push({ id: 'ie', source: 'island1', target: 'island2' });
    expect(only(g, 'unconnected').map((i) => i.nodeId)).toEqual(['lonely']);
    expect(only(g, 'unreachable').map((i) => i.nodeId)).toEqual(['island1', 'island2']);
  });

  it('no_output_head and multiple_outputs', () => {
    const b = new GraphBuilder('t');
    const x = b.input([28, 28, 1]);
    b.add('Conv2D', { filters: 4 }, x);
    expect(only(b.build(), 'no_output_head')[0]).toMatchObject({ nodeId: 'conv2d_1' });
    const b2 = new GraphBuilder('t');
    b2.input([4]);
    expect(codes(validateGraph(b2.build()))).toContain('no_output_head');
    const { b: b3, x: x3 } = mlp();
    b3.add('Dense', { units: 2 }, x3);
    b3.add('Dense', { units: 3 }, x3);
    expect(only(b3.build(), 'multiple_outputs')).toHaveLength(1);
  });

  it('rank_mismatch, shape_mismatch, kernel_too_large, reshape_size, dilation_strides', () => {
    const b = new GraphBuilder('t');
    const x = b.input([8, 8, 3]);
    const d = b.add('Dense', { units: 4 }, x);
    const c1 = b.add('Conv2D', { filters: 4, kernel_size: 3 }, x);
    const c2 = b.add('Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }, x);
    const add = b.add('Add', {}, c1, c2);
    const cat = b.add('Concatenate', {}, c1, c2);
    const big = b.add('QuantConv2D', { filters: 4, kernel_size: [9, 3] }, x);
    const dil = b.add('Conv2D', { filters: 4, kernel_size: [3, 3], dilation_rate: [4, 4] }, x);
    const dilStr = b.add('Conv2D', { filters: 4, dilation_rate: 2, strides: 2 }, x);
    const rs = b.add('Reshape', { target_shape: [5, 5] }, x);
    const g = b.build();
    expect(only(g, 'rank_mismatch')[0]).toMatchObject({ nodeId: d });
    expect(only(g, 'rank_mismatch')[0]!.fix).toMatch(/Flatten/);
    expect(only(g, 'shape_mismatch').map((i) => i.nodeId)).toEqual([add, cat]);
    expect(only(g, 'kernel_too_large').map((i) => i.nodeId)).toEqual([big, dil]);
    expect(only(g, 'kernel_too_large')[0]!.message).toMatch(/kernel_size 9×3 is larger than its 8×8 input/);
    expect(only(g, 'kernel_too_large')[1]!.message).toMatch(/dilated to 9×9/);
    expect(only(g, 'dilation_strides')[0]).toMatchObject({ nodeId: dilStr });
    expect(only(g, 'reshape_size')[0]).toMatchObject({ nodeId: rs, field: 'target_shape' });
  });

  it('concatenate of compatible inputs sums channels', () => {
    const b = new GraphBuilder('t');
    const x = b.input([8, 8, 3]);
    const c1 = b.add('Conv2D', { filters: 4, padding: 'same' }, x);
    const cat = b.add('Concatenate', {}, c1, x);
    const gap = b.add('GlobalAveragePooling2D', {}, cat);
    b.add('Dense', { units: 2 }, gap);
    expect(validateGraph(b.build())).toEqual([]);
  });

  it('warnings: starved_weights, zero_padding, not_deployable', () => {
    const b = new GraphBuilder('t');
    const x = b.input([8, 8, 3]);
    const c = b.add(
      'QuantConv2D',
      { filters: 4, padding: 'same', input_quantizer: STE, kernel_quantizer: STE, use_bias: false },
      x,
    );
    const t = b.add(
      'QuantConv2D',
      { filters: 4, input_quantizer: { id: 'dorefa' }, kernel_quantizer: STE, kernel_constraint: CLIP },
      c,
    );
    const gap = b.add('GlobalAveragePooling2D', {}, t);
    b.add('Dense', { units: 2 }, gap);
    const issues = validateGraph(b.build());
    expect(issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(issues.find((i) => i.code === 'starved_weights')).toMatchObject({
      nodeId: c,
      field: 'kernel_constraint',
    });
    expect(issues.find((i) => i.code === 'zero_padding')).toMatchObject({ nodeId: c, field: 'pad_values' });
    expect(issues.find((i) => i.code === 'not_deployable')).toMatchObject({
      nodeId: t,
      field: 'input_quantizer',
    });
  });
});
