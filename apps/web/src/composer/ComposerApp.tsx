'use client';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../lib/api';
import { getArchitectureVersion } from '../lib/studio-api';
import { autoLayout, layoutFailure } from './auto-layout';
import { Canvas } from './Canvas';
import { ComposerProvider, useComposer, useComposerStore } from './ComposerProvider';
import { loadDraft, saveDraft } from './drafts';
import { Palette } from './Palette';
import { PresetsGallery } from './PresetsGallery';
import { PropertiesPanel } from './PropertiesPanel';
import { SummaryPanel } from './SummaryPanel';
import { Toolbar } from './Toolbar';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Loads the draft (or ?version= from the API), keeps it saved to IndexedDB, and wires keyboard shortcuts. */
function useDraftAndShortcuts(): { ready: boolean } {
  const store = useComposerStore();
  const params = useSearchParams();
  const [ready, setReady] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let cancelled = false;
    const versionId = params.get('version');
    const focus = params.get('node');
    (async () => {
      try {
        if (versionId) {
          const { graph, saved } = await getArchitectureVersion(versionId);
          if (!cancelled) store.getState().load(graph, { saved });
        } else {
          const draft = await loadDraft();
          if (draft && !cancelled) {
            store.getState().load(draft.graph, { saved: draft.saved });
            store.getState().setTarget(draft.target);
          }
        }
      } catch (e) {
        store
          .getState()
          .setMessage({ kind: 'error', text: `Could not open the model: ${describeError(e).message}` });
      }
      if (focus && !cancelled) {
        store.getState().select([focus]);
        store
          .getState()
          .setMessage({ kind: 'error', text: `Showing layer ${focus}, named by the exporter.` });
      }
      if (!cancelled) setReady(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [store, params]);

  useEffect(() => {
    if (!ready) return;
    // <html data-draft="pending|saved">: lets tests (and curious users) see that the draft is on disk.
    const mark = (state: 'pending' | 'saved') => {
      document.documentElement.dataset.draft = state;
    };
    const flush = () => {
      pending.current = null;
      const s = store.getState();
      saveDraft({ graph: s.graph, saved: s.saved, target: s.target }).then(
        () => pending.current === null && mark('saved'),
        (e) =>
          s.setMessage({
            kind: 'error',
            text: `Could not keep the draft in this browser: ${(e as Error).message}`,
          }),
      );
    };
    const unsub = store.subscribe((s, prev) => {
      if (s.graph === prev.graph && s.saved === prev.saved && s.target === prev.target) return;
      if (pending.current) clearTimeout(pending.current);
      mark('pending');
      pending.current = setTimeout(flush, 150);
    });
    window.addEventListener('pagehide', flush);
    return () => {
      unsub();
      window.removeEventListener('pagehide', flush);
      // Leaving the composer in-app (e.g. to Train): write what is pending now rather than dropping it.
      if (pending.current) {
        clearTimeout(pending.current);
        flush();
      }
    };
  }, [store, ready]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const s = store.getState();
      const k = e.key.toLowerCase();
      if (mod && k === 'z' && !e.shiftKey) {
        e.preventDefault();
        s.undo();
      } else if (mod && ((k === 'z' && e.shiftKey) || k === 'y')) {
        e.preventDefault();
        s.redo();
      } else if (mod && k === 'c') {
        s.copy();
      } else if (mod && k === 'v') {
        e.preventDefault();
        s.paste();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  return { ready };
}

function StatusLine() {
  const message = useComposer((s) => s.message);
  return (
    <p
      className={`status-line ${message?.kind === 'error' ? 'field-error' : 'muted'}`}
      role="status"
      aria-live="polite"
      data-testid="composer-status"
    >
      {message?.text ?? 'Ready.'}
    </p>
  );
}

/** Graphs that arrive without canvas positions (presets, API versions) are laid out, then framed. */
function useLayoutUnplaced() {
  const store = useComposerStore();
  const graph = useComposer((s) => s.graph);
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (graph.nodes.every((n) => n.position)) return;
    let cancelled = false;
    autoLayout(graph).then(
      (positions) => {
        if (cancelled || store.getState().graph !== graph) return;
        store.getState().placeNodes(positions);
        setTimeout(() => fitView({ padding: 0.15, maxZoom: 1 }), 50);
      },
      (e: unknown) => {
        if (!cancelled) store.getState().setMessage({ kind: 'error', text: layoutFailure(e) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [graph, store, fitView]);
}

/** ?node=<id> (e.g. from an exporter's refusal) frames that layer once the graph is on the canvas. */
function useFocusNode(ready: boolean) {
  const focus = useSearchParams().get('node');
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (!ready || !focus) return;
    const t = setTimeout(
      () => fitView({ nodes: [{ id: focus }], maxZoom: 1.2, padding: 0.4, duration: 200 }),
      400,
    );
    return () => clearTimeout(t);
  }, [ready, focus, fitView]);
}

/** Frames a restored draft once it is on the canvas (a fresh model starts at the top-left at 100 %). */
function useFrameRestored(ready: boolean) {
  const store = useComposerStore();
  const { fitView } = useReactFlow();
  const focus = useSearchParams().get('node');
  useEffect(() => {
    if (!ready || focus || store.getState().graph.nodes.length < 2) return;
    const t = setTimeout(() => fitView({ padding: 0.15, maxZoom: 1 }), 100);
    return () => clearTimeout(t);
  }, [ready, focus, store, fitView]);
}

function ComposerLayout() {
  const { ready } = useDraftAndShortcuts();
  useFrameRestored(ready);
  useLayoutUnplaced();
  useFocusNode(ready);
  const [showPresets, setShowPresets] = useState(false);
  return (
    <div className="composer" data-ready={ready ? 'true' : 'false'} data-testid="composer">
      <h1 className="visually-hidden">Composer</h1>
      <Toolbar onShowPresets={() => setShowPresets((v) => !v)} />
      <StatusLine />
      {showPresets ? <PresetsGallery onClose={() => setShowPresets(false)} /> : null}
      <div className="composer-grid">
        <Palette />
        <Canvas />
        <div className="side">
          <PropertiesPanel />
          <SummaryPanel />
        </div>
      </div>
    </div>
  );
}

export function ComposerApp() {
  return (
    <ComposerProvider>
      <ReactFlowProvider>
        <ComposerLayout />
      </ReactFlowProvider>
    </ComposerProvider>
  );
}
