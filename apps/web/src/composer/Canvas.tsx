'use client';
import { getLayerDef, hasLayerDef } from '@bnn-studio/bnn-core';
import {
  Background,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { estimateDeployment } from '../lib/deploy-estimate';
import { useComposer, useComposerStore } from './ComposerProvider';
import { type LayerFlowNode, LayerNode, shapeText } from './LayerNode';
import { LAYER_MIME } from './Palette';

const nodeTypes = { layer: LayerNode };

/** The React Flow view of the store's graph (the store is the single source of truth). */
export function Canvas() {
  const store = useComposerStore();
  const graph = useComposer((s) => s.graph);
  const analysis = useComposer((s) => s.analysis);
  const issues = useComposer((s) => s.issues);
  const selectedNodes = useComposer((s) => s.selectedNodes);
  const selectedEdges = useComposer((s) => s.selectedEdges);
  const target = useComposer((s) => s.target);
  // Per-node latency on the chosen target (cached per graph; computed in a deferred render).
  const deferredGraph = useDeferredValue(graph);
  const latencyByNode = useMemo(() => {
    const r = estimateDeployment(deferredGraph);
    return r.ok ? r.estimate.latency[target].byNode : null;
  }, [deferredGraph, target]);
  const { screenToFlowPosition } = useReactFlow();
  // React Flow measures nodes and reports it as `dimensions` changes; controlled nodes must carry `measured`.
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});

  const nodes: LayerFlowNode[] = useMemo(
    () =>
      graph.nodes.map((n) => {
        const def = hasLayerDef(n.type) ? getLayerDef(n.type) : null;
        return {
          id: n.id,
          type: 'layer',
          position: n.position ?? { x: 0, y: 0 },
          ...(measured[n.id] ? { measured: measured[n.id] } : {}),
          selected: selectedNodes.includes(n.id),
          deletable: n.type !== 'Input',
          ariaLabel: `${n.name ?? n.id}, ${n.type}`,
          data: {
            nodeId: n.id,
            type: n.type,
            title: n.name ?? n.id,
            category: def?.category ?? 'unknown',
            analysis: analysis?.nodes[n.id] ?? null,
            issues: issues.filter((i) => i.nodeId === n.id),
            acceptsInput: (def?.inputs.max ?? 1) > 0,
            latencyMs: latencyByNode ? (latencyByNode[n.id]?.ms ?? null) : null,
          },
        };
      }),
    [graph.nodes, analysis, issues, selectedNodes, measured, latencyByNode],
  );

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => {
        const shape = analysis?.nodes[e.source]?.outputShape;
        const bad = issues.some((i) => i.edgeId === e.id && i.severity === 'error');
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: shapeText(shape),
          selected: selectedEdges.includes(e.id),
          className: bad ? 'edge-error' : undefined,
          ariaLabel: `Connection ${e.source} to ${e.target}`,
        };
      }),
    [graph.edges, analysis, issues, selectedEdges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const s = store.getState();
      const positions: Record<string, { x: number; y: number }> = {};
      let dragEnded = false;
      let selection: string[] | null = null;
      const removed: string[] = [];
      const dims: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) dims[c.id] = c.dimensions;
        else if (c.type === 'position' && c.position) {
          positions[c.id] = c.position;
          if (c.dragging === false) dragEnded = true;
        } else if (c.type === 'position' && c.dragging === false) dragEnded = true;
        else if (c.type === 'select') {
          selection ??= [...s.selectedNodes];
          selection = c.selected ? [...new Set([...selection, c.id])] : selection.filter((id) => id !== c.id);
        } else if (c.type === 'remove') removed.push(c.id);
      }
      if (Object.keys(dims).length) setMeasured((m) => ({ ...m, ...dims }));
      if (Object.keys(positions).length || dragEnded) s.moveNodes(positions, dragEnded);
      if (selection) s.select(selection, s.selectedEdges);
      if (removed.length) s.removeElements(removed, []);
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const s = store.getState();
      let selection: string[] | null = null;
      const removed: string[] = [];
      for (const c of changes) {
        if (c.type === 'select') {
          selection ??= [...s.selectedEdges];
          selection = c.selected ? [...new Set([...selection, c.id])] : selection.filter((id) => id !== c.id);
        } else if (c.type === 'remove') removed.push(c.id);
      }
      if (selection) s.select(s.selectedNodes, selection);
      if (removed.length) s.removeElements([], removed);
    },
    [store],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(LAYER_MIME);
      if (!type) return;
      e.preventDefault();
      const position = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.getState().addLayer(type, { position: { x: position.x - 100, y: position.y - 30 } });
    },
    [store, screenToFlowPosition],
  );

  return (
    <section
      className="canvas"
      aria-label="Model canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(LAYER_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={onDrop}
      data-testid="canvas"
    >
      <ReactFlow<LayerFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c) => {
          if (c.source && c.target) store.getState().connect(c.source, c.target);
        }}
        deleteKeyCode={['Delete', 'Backspace']}
        defaultViewport={{ x: 60, y: 40, zoom: 1 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="Minimap of the model" />
      </ReactFlow>
    </section>
  );
}
