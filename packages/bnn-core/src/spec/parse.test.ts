import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION, getPreset, listPresets, parseGraph } from '../index.js';
import { checkMigrationChain, type GraphMigration, migrateDocument } from './migrations.js';

describe('parseGraph', () => {
  it('round-trips every preset exactly through JSON text', () => {
    for (const p of listPresets()) {
      const text = JSON.stringify(getPreset(p.id));
      const r = parseGraph(JSON.parse(text));
      expect(r.ok).toBe(true);
      if (r.ok) expect(JSON.stringify(r.graph)).toBe(text);
      const r2 = parseGraph(text);
      expect(r2.ok && JSON.stringify(r2.graph)).toBe(text);
    }
  });

  it('keeps key order and optional fields', () => {
    const text =
      '{"version":1,"format":"bnn-studio.graph","name":"x","nodes":[{"type":"Input","id":"in","params":{"shape":[4]},"position":{"y":2,"x":1}}],"edges":[],"meta":{"tags":{"a":1}}}';
    const r = parseGraph(text);
    expect(r.ok && JSON.stringify(r.graph)).toBe(text);
  });

  it('reports all schema problems at once with node and edge ids', () => {
    const r = parseGraph({
      format: 'bnn-studio.graph',
      version: 1,
      name: 5,
      nodes: [
        { id: 'a', type: 'Input', params: {}, extra: true },
        { id: '', type: 'Dense', params: {} },
      ],
      edges: [{ id: 'e1', source: 'a', target: 'b', targetPort: -1 }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.length).toBeGreaterThanOrEqual(4);
    expect(r.issues.every((i) => i.code === 'schema' && i.fix.length > 0)).toBe(true);
    expect(r.issues.some((i) => i.field === 'name')).toBe(true);
    expect(r.issues.some((i) => i.nodeId === 'a')).toBe(true);
    expect(r.issues.some((i) => i.edgeId === 'e1' && i.field === 'edges[0].targetPort')).toBe(true);
  });

  it('rejects non-graphs, bad JSON and unknown formats with a fix', () => {
    for (const bad of [null, 3, [], '{nope', { format: 'other', version: 1 }]) {
      const r = parseGraph(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues[0]!.fix).toBeTruthy();
    }
  });

  it('refuses newer versions and non-integer versions', () => {
    const g = getPreset('larq-mnist');
    const r = parseGraph({ ...g, version: GRAPH_VERSION + 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: 'version', field: 'version' });
    const r2 = parseGraph({ ...g, version: '1' });
    expect(r2.ok).toBe(false);
  });

  it('migrates step by step and reports gaps', () => {
    const steps: GraphMigration[] = [
      {
        from: 0,
        description: 'rename layers → nodes',
        up: (d) => ({ ...d, nodes: d.layers, layers: undefined }),
      },
      {
        from: 1,
        description: 'add edges',
        up: (d) => {
          const { layers: _l, ...rest } = d;
          return { ...rest, edges: [] };
        },
      },
    ];
    const doc = {
      format: 'bnn-studio.graph',
      version: 0,
      name: 'old',
      layers: [{ id: 'i', type: 'Input', params: {} }],
    };
    const m = migrateDocument(doc, steps, 2);
    expect(m.ok).toBe(true);
    if (m.ok) {
      expect(m.doc.version).toBe(2);
      expect(m.applied).toHaveLength(2);
      expect(m.doc.nodes).toEqual(doc.layers);
    }
    expect(checkMigrationChain([steps[0]!], 2)).toMatch(/ends at version 1/);
    expect(checkMigrationChain([steps[1]!], 2)).toBeNull();
    expect(
      checkMigrationChain(
        [
          { ...steps[0]!, from: 0 },
          { ...steps[1]!, from: 2 },
        ],
        3,
      ),
    ).toMatch(/gap/);
    const tooOld = migrateDocument(doc, [steps[1]!], 2);
    expect(tooOld.ok).toBe(false);
    if (!tooOld.ok) expect(tooOld.message).toMatch(/no migration from version 0/);
    // Through parseGraph with a migration to the current version.
    const r = parseGraph(
      { format: 'bnn-studio.graph', version: 0, name: 'old', nodes: [], edges: [], legacy: 1 },
      [{ from: 0, description: 'drop legacy', up: ({ legacy: _x, ...rest }) => rest }],
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.migrated).toEqual(['0→1: drop legacy']);
  });
});

describe('graphJsonSchema', () => {
  it('describes the strict document', async () => {
    const { graphJsonSchema } = await import('../index.js');
    const s = graphJsonSchema() as { required: string[]; additionalProperties: boolean };
    expect(s.required).toEqual(['format', 'version', 'name', 'nodes', 'edges']);
    expect(s.additionalProperties).toBe(false);
  });
});
