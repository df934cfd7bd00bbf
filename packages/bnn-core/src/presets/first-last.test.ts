import { describe, expect, it } from 'vitest';
import { firstLastLayers, withFirstLastPrecision } from './first-last.js';
import { GraphBuilder } from './graph-builder.js';
import { getPreset } from './presets.js';

describe('firstLastLayers / withFirstLastPrecision', () => {
  it('finds quicknet-96’s stem conv and classifier and sets only those to int8', () => {
    // The preset ships them in int8; start from its float first/last version.
    const g = withFirstLastPrecision(getPreset('quicknet-96'), 'float32');
    const { firstConv, lastDense } = firstLastLayers(g);
    expect(g.nodes.find((n) => n.id === firstConv)?.type).toBe('Conv2D');
    expect(g.nodes.find((n) => n.id === lastDense)?.type).toBe('Dense');
    const int8 = withFirstLastPrecision(g, 'int8');
    const changed = int8.nodes.filter((n, i) => JSON.stringify(n) !== JSON.stringify(g.nodes[i]));
    expect(changed.map((n) => n.id).sort()).toEqual([firstConv, lastDense].sort());
    for (const n of changed) expect(n.params.precision).toBe('int8');
    // the source graph is untouched, and float32 undoes it
    expect(g.nodes.some((n) => n.params.precision === 'int8')).toBe(false);
    expect(withFirstLastPrecision(g, 'int8')).toEqual(getPreset('quicknet-96'));
    expect(withFirstLastPrecision(int8, 'float32').nodes.every((n) => n.params.precision !== 'int8')).toBe(
      true,
    );
  });

  it('walks the edges, not the node list, and finds nothing in a graph without float conv or dense', () => {
    const b = new GraphBuilder('t');
    const x = b.input([8, 8, 1]);
    const c1 = b.add('Conv2D', { filters: 4, kernel_size: [3, 3] }, x);
    const c2 = b.add('Conv2D', { filters: 4, kernel_size: [1, 1] }, c1);
    const g = b.build();
    g.nodes.reverse(); // node order no longer topological
    expect(firstLastLayers(g)).toEqual({ firstConv: c1 });
    expect(c2).not.toBe(c1);
    expect(firstLastLayers(getPreset('larq-mnist'))).toEqual({});
  });
});
