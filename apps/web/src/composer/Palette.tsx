'use client';
import { type LayerCategory, type LayerDef, listLayerDefs } from '@bnn-studio/bnn-core';
import { useMemo, useState } from 'react';
import { useComposer } from './ComposerProvider';

export const CATEGORY_LABELS: Record<LayerCategory, string> = {
  input: 'Input',
  binary: 'Binary (quantized)',
  float: 'Float',
  normalization: 'Normalization',
  activation: 'Activations',
  pooling: 'Pooling',
  merge: 'Merge',
  shape: 'Shape',
  head: 'Heads',
  regularization: 'Regularization',
};

const ORDER: LayerCategory[] = [
  'binary',
  'float',
  'normalization',
  'activation',
  'pooling',
  'merge',
  'shape',
  'head',
  'regularization',
  'input',
];

export const LAYER_MIME = 'application/x-bnn-layer';

/** Grouped, searchable list of every bnn-core layer. Drag an item onto the canvas, or press Enter to add it
 * below the selected layer (connected to it). */
export function Palette() {
  const [q, setQ] = useState('');
  const addLayer = useComposer((s) => s.addLayer);
  const selected = useComposer((s) => s.selectedNodes);
  const defs = useMemo(() => listLayerDefs(), []);
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const match = (d: LayerDef) =>
      !needle ||
      d.type.toLowerCase().includes(needle) ||
      d.label.toLowerCase().includes(needle) ||
      d.help.toLowerCase().includes(needle) ||
      d.category.includes(needle);
    return ORDER.map((c) => ({ category: c, defs: defs.filter((d) => d.category === c && match(d)) })).filter(
      (g) => g.defs.length > 0,
    );
  }, [defs, q]);
  const from = selected.length === 1 ? selected[0]! : null;
  return (
    <aside className="palette" aria-label="Layer palette">
      <h2>Layers</h2>
      <label htmlFor="palette-search">Search layers</label>
      <input
        id="palette-search"
        type="search"
        value={q}
        placeholder="conv, dense, pool…"
        onChange={(e) => setQ(e.target.value)}
      />
      <p className="help">
        Drag onto the canvas, or focus a layer and press Enter to add it{from ? ` after ${from}` : ''}.
      </p>
      {groups.length === 0 ? <p className="muted">No layer matches “{q}”.</p> : null}
      {groups.map((g) => (
        <section key={g.category} aria-label={CATEGORY_LABELS[g.category]}>
          <h3>{CATEGORY_LABELS[g.category]}</h3>
          {g.category === 'binary' ? (
            <p className="help">
              Added fully binary: ste_sign on input and kernel, weight_clip, one-padding. A layer&apos;s
              properties switch it to Larq&apos;s defaults.
            </p>
          ) : null}
          <ul className="palette-list">
            {g.defs.map((d) => (
              <li key={d.type}>
                <button
                  type="button"
                  className={`palette-item cat-${d.category}`}
                  draggable
                  data-layer-type={d.type}
                  title={d.help}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(LAYER_MIME, d.type);
                    e.dataTransfer.setData('text/plain', d.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => addLayer(d.type, { connectFrom: from })}
                >
                  {d.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
