import { describe, expect, it } from 'vitest';
import {
  evaluateDeployGraphFloat,
  forwardGraphFloat,
  GraphBuilder,
  inferGraph,
  listLayerDefs,
  listQuantizerDefs,
  lower,
  parseGraph,
  randomWeights,
} from '../index.js';

/** A graph that uses `type` once, with its default params, between layers that give it a valid input. */
function graphWith(type: string): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder(type);
  const x = b.input([6, 6, 4]);
  if (type === 'Input') {
    const g = b.add('GlobalAveragePooling2D', {}, x);
    b.add('Dense', { units: 2 }, g);
    return b.build();
  }
  const feature = ['Add', 'Concatenate'].includes(type) ? b.add(type, {}, x, x) : b.add(type, {}, x);
  const flat = b.add('Flatten', {}, feature);
  b.add('Dense', { units: 2 }, flat);
  return b.build();
}

describe('registry ↔ graphs', () => {
  it('every layer type with default params parses, round-trips, infers and lowers like its reference', () => {
    for (const def of listLayerDefs()) {
      let g = graphWith(def.type);
      if (['Dense', 'QuantDense', 'Reshape'].includes(def.type)) {
        // Vector layers: feed them a flattened input; Reshape keeps the element count.
        const b = new GraphBuilder(def.type);
        const x = b.input([6, 6, 4]);
        const f = b.add('Flatten', {}, x);
        const y = b.add(def.type, def.type === 'Reshape' ? { target_shape: [12, 12] } : {}, f);
        const z = def.type === 'Reshape' ? b.add('Flatten', {}, y) : y;
        b.add('Dense', { units: 2 }, z);
        g = b.build();
      }
      const text = JSON.stringify(g);
      const parsed = parseGraph(JSON.parse(text));
      expect(parsed.ok && JSON.stringify(parsed.graph)).toBe(text);
      const errors = inferGraph(g).issues.filter((i) => i.severity === 'error');
      expect(errors, def.type).toEqual([]);
      const w = randomWeights(g, 5);
      const x = new Float32Array(2 * 144).map((_, i) => Math.sin(i * 0.7));
      const want = forwardGraphFloat(g, w, x, 2)[0]!;
      const got = evaluateDeployGraphFloat(lower(g, w), x, 2)[0]!;
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    }
  });

  it('every quantizer id validates as input and kernel quantizer and round-trips', () => {
    for (const q of listQuantizerDefs()) {
      for (const id of [q.id, ...q.aliases]) {
        const b = new GraphBuilder(id);
        const x = b.input([8]);
        b.add(
          'QuantDense',
          {
            units: 3,
            input_quantizer: { id },
            kernel_quantizer: { id, config: {} },
            kernel_constraint: 'weight_clip',
          },
          x,
        );
        const g = b.build();
        const r = parseGraph(JSON.stringify(g));
        expect(r.ok && JSON.stringify(r.graph)).toBe(JSON.stringify(g));
        expect(inferGraph(g).issues.filter((i) => i.severity === 'error')).toEqual([]);
      }
    }
  });
});

describe("clip_value = null (Larq's clip_value=None)", () => {
  function withClip(clip: unknown) {
    const b = new GraphBuilder('clip');
    const x = b.input([8]);
    const q = { id: 'ste_sign', config: { clip_value: clip } } as never;
    const d = b.add('QuantDense', { units: 4, input_quantizer: q, kernel_quantizer: q, use_bias: false }, x);
    b.add('Dense', { units: 2 }, d);
    return b.build();
  }
  it('is accepted by parseGraph and inferGraph for every quantizer with a clip_value; bad values still fail', () => {
    for (const def of listQuantizerDefs()) {
      if (!def.config.some((c) => c.name === 'clip_value')) continue;
      const b = new GraphBuilder('clip');
      const x = b.input([8]);
      const d = b.add(
        'QuantDense',
        { units: 4, kernel_quantizer: { id: def.id, config: { clip_value: null } } },
        x,
      );
      b.add('Dense', { units: 2 }, d);
      const g = b.build();
      expect(parseGraph(JSON.parse(JSON.stringify(g))).ok, def.id).toBe(true);
      expect(
        inferGraph(g).issues.filter((i) => i.severity === 'error'),
        def.id,
      ).toEqual([]);
    }
    const bad = inferGraph(withClip(-1)).issues.filter((i) => i.severity === 'error');
    expect(bad.map((i) => i.code)).toContain('quantizer_config');
    const text = inferGraph(withClip('x'))
      .issues.map((i) => `${i.message} ${i.fix}`)
      .join('\n');
    expect(text).toMatch(/clip_value/);
    expect(text).toMatch(/or null/);
  });
});
