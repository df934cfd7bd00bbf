/** Top-to-bottom layered layout of the graph with elkjs (runs in the page; the graph is small). */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import ELK from 'elkjs/lib/elk.bundled.js';

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 96;

export async function autoLayout(graph: GraphSpec): Promise<Record<string, { x: number; y: number }>> {
  const elk = new ELK();
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out: Record<string, { x: number; y: number }> = {};
  for (const c of result.children ?? []) out[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return out;
}
