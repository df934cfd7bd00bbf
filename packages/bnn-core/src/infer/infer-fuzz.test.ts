import { describe, expect, it } from 'vitest';
import {
  type GraphSpec,
  getPreset,
  ISSUE_CODES,
  inferGraph,
  listPresets,
  type ParamValue,
  seededRandom,
} from '../index.js';

const VALUES: ParamValue[] = [
  0,
  -1,
  1,
  3,
  2.5,
  1e9,
  'same',
  'bogus',
  true,
  null,
  [],
  [0, 0],
  [3, 3],
  [1, 2, 3],
  { id: 'ste_sign' },
  { id: 'nope' },
  { id: 'dorefa', config: { k_bit: 99 } },
  { mean: 0, std: 0 },
];

/** Random edits an editor session might produce; inference must never throw and every issue must be coded. */
describe('inferGraph fuzzing', () => {
  it('never throws on mutated presets', () => {
    const rnd = seededRandom(2024);
    const presets = listPresets().map((p) => getPreset(p.id));
    for (let round = 0; round < 400; round++) {
      const g: GraphSpec = structuredClone(presets[round % presets.length]!);
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const r = rnd();
        const node = g.nodes[Math.floor(rnd() * g.nodes.length)]!;
        if (r < 0.5) {
          const keys = [
            ...Object.keys(node.params),
            'filters',
            'kernel_size',
            'units',
            'shape',
            'input_quantizer',
          ];
          node.params[keys[Math.floor(rnd() * keys.length)]!] = VALUES[Math.floor(rnd() * VALUES.length)]!;
        } else if (r < 0.65) {
          g.edges.splice(Math.floor(rnd() * g.edges.length), 1);
        } else if (r < 0.8) {
          const a = g.nodes[Math.floor(rnd() * g.nodes.length)]!.id;
          const b = g.nodes[Math.floor(rnd() * g.nodes.length)]!.id;
          g.edges.push({ id: `fz${round}_${e}`, source: a, target: b, targetPort: Math.floor(rnd() * 3) });
        } else if (r < 0.9) {
          node.type = ['Add', 'Dense', 'Flatten', 'Input', 'Nope', 'Concatenate'][Math.floor(rnd() * 6)]!;
        } else {
          g.nodes.splice(g.nodes.indexOf(node), 1);
        }
      }
      const a = inferGraph(g);
      for (const i of a.issues) expect(Object.keys(ISSUE_CODES)).toContain(i.code);
      expect(a.order.length).toBeLessThanOrEqual(g.nodes.length);
    }
  });
});
