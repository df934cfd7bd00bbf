'use client';
import { useReactFlow } from '@xyflow/react';
import { useState } from 'react';
import { describeError } from '../lib/api';
import { saveArchitectureVersion } from '../lib/studio-api';
import { autoLayout, layoutFailure } from './auto-layout';
import { useComposer, useComposerStore } from './ComposerProvider';
import { emptyGraph } from './graph-edit';

export function Toolbar({ onShowPresets }: { onShowPresets(): void }) {
  const store = useComposerStore();
  const canUndo = useComposer((s) => s.past.length > 0);
  const canRedo = useComposer((s) => s.future.length > 0);
  const hasSelection = useComposer((s) => s.selectedNodes.length + s.selectedEdges.length > 0);
  const hasClipboard = useComposer((s) => s.clipboard !== null);
  const saved = useComposer((s) => s.saved);
  const errorCount = useComposer((s) => s.issues.filter((i) => i.severity === 'error').length);
  const { fitView } = useReactFlow();
  const [saving, setSaving] = useState(false);

  const layout = async () => {
    try {
      const positions = await autoLayout(store.getState().graph);
      store.getState().moveNodes(positions, true);
      requestAnimationFrame(() => fitView({ padding: 0.15, maxZoom: 1, duration: 200 }));
    } catch (e) {
      store.getState().setMessage({ kind: 'error', text: layoutFailure(e) });
    }
  };

  const save = async () => {
    setSaving(true);
    const s = store.getState();
    try {
      const result = await saveArchitectureVersion(s.graph, s.saved?.architectureId ?? null);
      s.setSaved(result);
      s.setMessage({ kind: 'info', text: `Saved “${s.graph.name}” as version ${result.version}.` });
    } catch (e) {
      const d = describeError(e);
      s.setMessage({ kind: 'error', text: `Could not save: ${d.message}${d.fix ? ` Fix: ${d.fix}` : ''}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Composer actions">
      <button type="button" onClick={onShowPresets}>
        Presets
      </button>
      <button
        type="button"
        onClick={() => {
          if (
            store.getState().graph.nodes.length <= 1 ||
            window.confirm('Start a new empty model? (Undo brings the old one back.)')
          )
            store.getState().load(emptyGraph(), { keepHistory: true, saved: null });
        }}
      >
        New
      </button>
      <button
        type="button"
        onClick={() => store.getState().undo()}
        disabled={!canUndo}
        aria-keyshortcuts="Control+Z"
      >
        Undo
      </button>
      <button
        type="button"
        onClick={() => store.getState().redo()}
        disabled={!canRedo}
        aria-keyshortcuts="Control+Shift+Z"
      >
        Redo
      </button>
      <button
        type="button"
        onClick={() => store.getState().copy()}
        disabled={!hasSelection}
        aria-keyshortcuts="Control+C"
      >
        Copy
      </button>
      <button
        type="button"
        onClick={() => store.getState().paste()}
        disabled={!hasClipboard}
        aria-keyshortcuts="Control+V"
      >
        Paste
      </button>
      <button
        type="button"
        onClick={() => store.getState().removeSelected()}
        disabled={!hasSelection}
        aria-keyshortcuts="Delete"
      >
        Delete
      </button>
      <button type="button" onClick={layout}>
        Auto-layout
      </button>
      <button type="button" onClick={() => fitView({ padding: 0.15, maxZoom: 1, duration: 200 })}>
        Zoom to fit
      </button>
      <button type="button" className="primary" onClick={save} disabled={saving}>
        {saving ? 'Saving…' : saved ? `Save as version ${saved.version + 1}` : 'Save architecture'}
      </button>
      {saved ? (
        <a className="button" href={`/train?version=${encodeURIComponent(saved.versionId)}`}>
          Train version {saved.version}
        </a>
      ) : null}
      {errorCount ? <span className="field-error">Fix {errorCount} error(s) before training.</span> : null}
    </div>
  );
}
