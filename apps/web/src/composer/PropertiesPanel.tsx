'use client';
import { getLayerDef, hasLayerDef, type ParamValue, resolveParams } from '@bnn-studio/bnn-core';
import { useState } from 'react';
import { formatBytes, formatCount } from '../lib/targets';
import { useComposer } from './ComposerProvider';
import { binaryDefaults, larqDefaults } from './graph-edit';
import { shapeText } from './LayerNode';
import { ParamField } from './ParamField';

/** Edits the selected layer: name, params (validated, with help), and its connections from the keyboard. */
export function PropertiesPanel() {
  const graph = useComposer((s) => s.graph);
  const selected = useComposer((s) => s.selectedNodes);
  const issues = useComposer((s) => s.issues);
  const analysis = useComposer((s) => s.analysis);
  const setParams = useComposer((s) => s.setParams);
  const renameNode = useComposer((s) => s.renameNode);
  const connect = useComposer((s) => s.connect);
  const removeElements = useComposer((s) => s.removeElements);
  const setGraphName = useComposer((s) => s.setGraphName);
  const [connectTarget, setConnectTarget] = useState('');

  const node = selected.length === 1 ? graph.nodes.find((n) => n.id === selected[0]) : undefined;
  if (!node) {
    const graphIssues = issues.filter((i) => !i.nodeId);
    return (
      <aside className="properties" aria-label="Properties">
        <h2>Model</h2>
        <label htmlFor="model-name">Model name</label>
        <input id="model-name" value={graph.name} onChange={(e) => setGraphName(e.target.value)} />
        <p className="help">Select a layer on the canvas (click, or Tab to it) to edit its parameters.</p>
        {graphIssues.length ? (
          <>
            <h3>Model problems</h3>
            <ul className="issue-list">
              {graphIssues.map((i) => (
                <li key={`${i.code}:${i.message}`} className={i.severity}>
                  <strong>{i.severity === 'error' ? 'Error' : 'Warning'}:</strong> {i.message}{' '}
                  <em>Fix: {i.fix}</em>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </aside>
    );
  }

  const def = hasLayerDef(node.type) ? getLayerDef(node.type) : null;
  const nodeIssues = issues.filter((i) => i.nodeId === node.id);
  const resolved = def ? resolveParams(node) : node.params;
  const a = analysis?.nodes[node.id];
  const incoming = graph.edges.filter((e) => e.target === node.id);
  const outgoing = graph.edges.filter((e) => e.source === node.id);
  const others = graph.nodes.filter((n) => n.id !== node.id);

  return (
    <aside className="properties" aria-label="Properties" data-testid="properties">
      <h2>
        {node.name ?? node.id} <span className="muted">({node.type})</span>
      </h2>
      {def ? (
        <p className="help">{def.help}</p>
      ) : (
        <p className="field-error">Unknown layer type {node.type}.</p>
      )}
      {a ? (
        <dl className="node-stats">
          <dt>Output</dt>
          <dd>{shapeText(a.outputShape)}</dd>
          <dt>Bit-width</dt>
          <dd>{a.bitWidth}</dd>
          <dt>Packed</dt>
          <dd>{formatBytes(a.packedBytes)}</dd>
          <dt>MACs</dt>
          <dd>
            {formatCount(a.macs.binary)} binary · {formatCount(a.macs.float32 + a.macs.int8)} float
          </dd>
        </dl>
      ) : null}
      {nodeIssues.length ? (
        <ul className="issue-list" aria-label="Problems with this layer">
          {nodeIssues.map((i) => (
            <li key={`${i.code}:${i.field ?? ''}:${i.message}`} className={i.severity}>
              <strong>{i.severity === 'error' ? 'Error' : 'Warning'}:</strong> {i.message}{' '}
              <em>Fix: {i.fix}</em>
            </li>
          ))}
        </ul>
      ) : null}
      {def?.category === 'binary' ? (
        <p className="toolbar preset-params">
          <button type="button" onClick={() => setParams(node.id, binaryDefaults(node.params, def, false))}>
            Fully binary
          </button>
          <button type="button" onClick={() => setParams(node.id, larqDefaults(node.params, def))}>
            Larq defaults (no quantizers)
          </button>
        </p>
      ) : null}
      <label htmlFor="node-name">Display name</label>
      <input
        id="node-name"
        value={node.name ?? ''}
        placeholder={node.id}
        onChange={(e) => renameNode(node.id, e.target.value)}
      />
      {def?.params.map((p) => (
        <ParamField
          key={`${node.id}-${p.name}`}
          idPrefix={`param-${node.id}`}
          def={p}
          value={resolved[p.name] as ParamValue | undefined}
          graphErrors={nodeIssues
            .filter((i) => i.field === p.name && i.severity === 'error')
            .map((i) => i.message)}
          onChange={(v) => setParams(node.id, { ...node.params, [p.name]: v })}
        />
      ))}
      <h3>Connections</h3>
      <p className="help">
        In: {incoming.map((e) => e.source).join(', ') || 'none'} · Out:{' '}
        {outgoing.map((e) => e.target).join(', ') || 'none'}
      </p>
      {def && def.inputs.max > 0 ? (
        <form
          className="connect-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (connectTarget) connect(connectTarget, node.id);
          }}
        >
          <label htmlFor="connect-from">Connect input from</label>
          <select id="connect-from" value={connectTarget} onChange={(e) => setConnectTarget(e.target.value)}>
            <option value="">Choose a layer…</option>
            {others.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name ?? n.id} ({n.type})
              </option>
            ))}
          </select>{' '}
          <button type="submit" disabled={!connectTarget}>
            Connect
          </button>
        </form>
      ) : null}
      {incoming.length || outgoing.length ? (
        <ul className="edge-list">
          {[...incoming, ...outgoing].map((e) => (
            <li key={e.id}>
              {e.source} → {e.target}{' '}
              <button
                type="button"
                onClick={() => removeElements([], [e.id])}
                aria-label={`Remove connection ${e.source} to ${e.target}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {node.type !== 'Input' ? (
        <p>
          <button type="button" onClick={() => removeElements([node.id], [])}>
            Delete layer
          </button>
        </p>
      ) : null}
    </aside>
  );
}
