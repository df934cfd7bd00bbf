/**
 * The composer's state: the graph being edited, selection, undo/redo history, clipboard, target device and the
 * live analysis (bnn-core's inferGraph + validateGraph, recomputed on every edit). A plain zustand store created
 * per provider, testable without React.
 */
import type { GraphAnalysis, GraphIssue, GraphSpec } from '@bnn-studio/bnn-core';
import { inferGraph, validateGraph } from '@bnn-studio/bnn-core';
import { createStore } from 'zustand/vanilla';
import type { TargetId } from '../lib/targets';
import { adviceIssues } from './advice';
import {
  addNode,
  type Clipboard,
  connect,
  copySelection,
  emptyGraph,
  initialParams,
  paste,
  positionBelow,
  removeElements,
  setNodeParams,
  setNodePositions,
} from './graph-edit';

export interface SavedArchitecture {
  architectureId: string;
  versionId: string;
  version: number;
}

export interface ComposerState {
  graph: GraphSpec;
  selectedNodes: string[];
  selectedEdges: string[];
  past: GraphSpec[];
  future: GraphSpec[];
  clipboard: Clipboard | null;
  target: TargetId;
  /** Last status or refusal to announce (e.g. why a connection was refused). */
  message: { kind: 'info' | 'error'; text: string } | null;
  saved: SavedArchitecture | null;
  analysis: GraphAnalysis | null;
  issues: GraphIssue[];
  /** Set when the analysis itself failed (a bnn-core bug or an unreadable graph). */
  analysisError: string | null;
  /** The graph as it was when the current drag started (positions only change during a drag). */
  dragOrigin: GraphSpec | null;
}

export interface ComposerActions {
  load(graph: GraphSpec, opts?: { saved?: SavedArchitecture | null; keepHistory?: boolean }): void;
  addLayer(type: string, opts?: { position?: { x: number; y: number }; connectFrom?: string | null }): string;
  connect(source: string, target: string): boolean;
  removeSelected(): void;
  removeElements(nodeIds: string[], edgeIds: string[]): void;
  setParams(nodeId: string, params: GraphSpec['nodes'][number]['params']): void;
  renameNode(nodeId: string, name: string): void;
  setGraphName(name: string): void;
  /** Moves nodes; `commit` records one undo step (at the end of a drag). */
  moveNodes(positions: Record<string, { x: number; y: number }>, commit: boolean): void;
  /** Gives positions to nodes that had none (no undo step: the graph itself does not change). */
  placeNodes(positions: Record<string, { x: number; y: number }>): void;
  select(nodes: string[], edges?: string[]): void;
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  setTarget(target: TargetId): void;
  setMessage(message: ComposerState['message']): void;
  setSaved(saved: SavedArchitecture | null): void;
}

export type ComposerStore = ReturnType<typeof createComposerStore>;

const HISTORY_LIMIT = 100;

function issueKey(i: GraphIssue): string {
  return `${i.code}|${i.nodeId ?? ''}|${i.edgeId ?? ''}|${i.field ?? ''}|${i.message}`;
}

export function analyse(graph: GraphSpec): Pick<ComposerState, 'analysis' | 'issues' | 'analysisError'> {
  let analysis: GraphAnalysis | null = null;
  const issues: GraphIssue[] = [];
  let analysisError: string | null = null;
  try {
    issues.push(...validateGraph(graph));
  } catch (e) {
    analysisError = `Validation failed: ${(e as Error).message}`;
  }
  try {
    analysis = inferGraph(graph);
    issues.push(...analysis.issues);
    if (!issues.some((i) => i.severity === 'error')) issues.push(...adviceIssues(graph, analysis));
  } catch (e) {
    analysisError = `Shape inference failed: ${(e as Error).message}`;
  }
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const k = issueKey(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { analysis, issues: unique, analysisError };
}

export function createComposerStore(initial?: { graph?: GraphSpec; target?: TargetId }) {
  const graph0 = initial?.graph ?? emptyGraph();
  return createStore<ComposerState & ComposerActions>()((set, get) => {
    /** Applies an edit as one undo step and re-analyses. */
    const edit = (graph: GraphSpec, extra: Partial<ComposerState> = {}) => {
      const { graph: prev, past } = get();
      set({
        graph,
        past: [...past, prev].slice(-HISTORY_LIMIT),
        future: [],
        ...analyse(graph),
        ...extra,
      });
    };
    return {
      graph: graph0,
      selectedNodes: [],
      selectedEdges: [],
      past: [],
      future: [],
      clipboard: null,
      target: initial?.target ?? 'stm32l4r9',
      message: null,
      saved: null,
      dragOrigin: null,
      ...analyse(graph0),

      load(graph, opts) {
        if (opts?.keepHistory) edit(graph, { selectedNodes: [], selectedEdges: [] });
        else set({ graph, past: [], future: [], selectedNodes: [], selectedEdges: [], ...analyse(graph) });
        if (opts && 'saved' in opts) set({ saved: opts.saved ?? null });
      },

      addLayer(type, opts) {
        const { graph } = get();
        const from = opts?.connectFrom ?? null;
        const position = opts?.position ?? positionBelow(graph, from);
        // Only a layer added right after the Input keeps a float input (raw pixels); every other binary layer
        // starts fully binary, also when dropped on the canvas unconnected.
        const afterInput = !!from && graph.nodes.find((n) => n.id === from)?.type === 'Input';
        const added = addNode(graph, type, position, initialParams(type, afterInput));
        let g = added.graph;
        let message: ComposerState['message'] = { kind: 'info', text: `Added ${type} as ${added.nodeId}.` };
        if (from) {
          const c = connect(g, from, added.nodeId);
          if (c.ok) {
            g = c.graph;
            message = { kind: 'info', text: `Added ${type} as ${added.nodeId}, connected from ${from}.` };
          } else message = { kind: 'error', text: c.reason };
        }
        edit(g, { selectedNodes: [added.nodeId], selectedEdges: [], message });
        return added.nodeId;
      },

      connect(source, target) {
        const c = connect(get().graph, source, target);
        if (!c.ok) {
          set({ message: { kind: 'error', text: c.reason } });
          return false;
        }
        edit(c.graph, { message: { kind: 'info', text: `Connected ${source} → ${target}.` } });
        return true;
      },

      removeSelected() {
        const { selectedNodes, selectedEdges } = get();
        get().removeElements(selectedNodes, selectedEdges);
      },

      removeElements(nodeIds, edgeIds) {
        const { graph } = get();
        const inputIds = new Set(graph.nodes.filter((n) => n.type === 'Input').map((n) => n.id));
        const removable = nodeIds.filter((id) => !inputIds.has(id));
        if (removable.length === 0 && edgeIds.length === 0) {
          if (nodeIds.length > 0)
            set({
              message: { kind: 'error', text: 'The Input layer cannot be deleted: every model needs one.' },
            });
          return;
        }
        const { selectedNodes, selectedEdges } = get();
        edit(removeElements(graph, removable, edgeIds), {
          selectedNodes: selectedNodes.filter((id) => !removable.includes(id)),
          selectedEdges: selectedEdges.filter((id) => !edgeIds.includes(id)),
          message: {
            kind: 'info',
            text: `Deleted ${removable.length} layer(s) and ${edgeIds.length} connection(s).`,
          },
        });
      },

      setParams(nodeId, params) {
        edit(setNodeParams(get().graph, nodeId, params));
      },

      renameNode(nodeId, name) {
        const g = get().graph;
        edit({ ...g, nodes: g.nodes.map((n) => (n.id === nodeId ? { ...n, name: name || undefined } : n)) });
      },

      setGraphName(name) {
        edit({ ...get().graph, name });
      },

      moveNodes(positions, commit) {
        const { graph, dragOrigin, past } = get();
        const g = Object.keys(positions).length ? setNodePositions(graph, positions) : graph;
        if (!commit) {
          set({ graph: g, dragOrigin: dragOrigin ?? graph });
          return;
        }
        // One undo step from where the drag started (or from here for a one-shot move such as auto-layout).
        const origin = dragOrigin ?? graph;
        if (origin === g) {
          set({ dragOrigin: null });
          return;
        }
        set({ graph: g, past: [...past, origin].slice(-HISTORY_LIMIT), future: [], dragOrigin: null });
      },

      placeNodes(positions) {
        set({ graph: setNodePositions(get().graph, positions) });
      },

      select(nodes, edges = []) {
        set({ selectedNodes: nodes, selectedEdges: edges });
      },

      undo() {
        const { past, future, graph } = get();
        const prev = past[past.length - 1];
        if (!prev) return;
        set({ graph: prev, past: past.slice(0, -1), future: [graph, ...future], ...analyse(prev) });
      },

      redo() {
        const { past, future, graph } = get();
        const next = future[0];
        if (!next) return;
        set({ graph: next, past: [...past, graph], future: future.slice(1), ...analyse(next) });
      },

      copy() {
        const clip = copySelection(get().graph, get().selectedNodes);
        if (clip)
          set({ clipboard: clip, message: { kind: 'info', text: `Copied ${clip.nodes.length} layer(s).` } });
      },

      paste() {
        const clip = get().clipboard;
        if (!clip) return;
        const p = paste(get().graph, clip);
        edit(p.graph, {
          selectedNodes: p.nodeIds,
          selectedEdges: [],
          message: { kind: 'info', text: `Pasted ${p.nodeIds.length} layer(s).` },
        });
      },

      setTarget(target) {
        set({ target });
      },
      setMessage(message) {
        set({ message });
      },
      setSaved(saved) {
        set({ saved });
      },
    };
  });
}
