/**
 * bnn-core's top-level folders depend one way: no import cycle between them, and the bottom folders (`math/`,
 * `spec/`) import nothing outside themselves (spec may use math). The two entry points (`src/index.ts` and
 * `src/tf/index.ts`, which re-exports tf, train and data) are facades above every folder and are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const ENTRY_POINTS = new Set(['index.ts', 'tf/index.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Folder → folder → the files whose relative imports make that edge. */
function folderGraph(): Map<string, Map<string, Set<string>>> {
  const folderOf = (file: string) => {
    const parts = relative(src, file).split('/');
    return parts.length > 1 ? parts[0]! : null;
  };
  const graph = new Map<string, Map<string, Set<string>>>();
  for (const file of sourceFiles(src)) {
    const rel = relative(src, file);
    const from = folderOf(file);
    if (ENTRY_POINTS.has(rel) || from === null) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g,
    )) {
      const to = folderOf(resolve(dirname(file), m[1]!));
      if (to === null || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from)!;
      if (!edges.has(to)) edges.set(to, new Set());
      edges.get(to)!.add(rel);
    }
  }
  return graph;
}

/** One cycle of the graph as `a → b → … → a` (with the importing files), or null. */
function findCycle(graph: Map<string, Map<string, Set<string>>>): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        return cycle
          .slice(0, -1)
          .map((a, i) => `${a} → ${cycle[i + 1]} (${[...graph.get(a)!.get(cycle[i + 1]!)!].join(', ')})`)
          .join('; ');
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe("bnn-core's folders", () => {
  const graph = folderGraph();

  it('have no import cycle between them', () => {
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycle(graph)).toBeNull();
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const g = new Map([
      ['a', new Map([['b', new Set(['a/x.ts'])]])],
      ['b', new Map([['a', new Set(['b/y.ts'])]])],
    ]);
    expect(findCycle(g)).toBe('a → b (a/x.ts); b → a (b/y.ts)');
  });

  it('math/ imports no other folder, spec/ only math/', () => {
    const outside = (folder: string, allowed: string[]) =>
      [...(graph.get(folder)?.entries() ?? [])].filter(([to]) => !allowed.includes(to)).map(([to]) => to);
    expect(outside('math', [])).toEqual([]);
    expect(outside('spec', ['math'])).toEqual([]);
  });
});
