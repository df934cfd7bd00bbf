/**
 * Top-to-bottom layered layout of the graph with elkjs (runs in the page; the graph is small). elkjs is 1.5 MB of
 * JavaScript, so it is imported on first use (its own `elkjs` chunk): pages, and route prefetches of the composer
 * from other pages, never download it; the composer fetches it when a graph needs laying out.
 */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import type { ELK as ElkInstance } from 'elkjs/lib/elk-api.js';

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 96;

let elkInstance: Promise<ElkInstance> | null = null;

function loadElk(): Promise<ElkInstance> {
  elkInstance ??= import(/* webpackChunkName: "elkjs" */ 'elkjs/lib/elk.bundled.js').then(
    ({ default: ELK }) => new ELK(),
    (err: unknown) => {
      elkInstance = null;
      throw err;
    },
  );
  return elkInstance;
}

export async function autoLayout(graph: GraphSpec): Promise<Record<string, { x: number; y: number }>> {
  const elk = await loadElk();
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

/** The composer's message when a layout fails (e.g. the elkjs chunk could not be downloaded). */
export function layoutFailure(e: unknown): string {
  return `Could not lay out the graph: ${(e as Error)?.message ?? String(e)} Fix: check the connection to the studio and reload the page.`;
}
