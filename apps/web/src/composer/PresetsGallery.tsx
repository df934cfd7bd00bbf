'use client';
import { getPreset, listPresets } from '@bnn-studio/bnn-core';
import { useMemo } from 'react';
import { useComposer } from './ComposerProvider';

/** Starting points from bnn-core's presets (Larq Zoo-style architectures). */
export function PresetsGallery({ onClose }: { onClose(): void }) {
  const load = useComposer((s) => s.load);
  const setMessage = useComposer((s) => s.setMessage);
  const presets = useMemo(() => {
    try {
      return listPresets();
    } catch {
      return [];
    }
  }, []);
  return (
    <section className="presets" aria-label="Presets">
      <div className="summary-head">
        <h2>Presets</h2>
        <button type="button" onClick={onClose}>
          Close presets
        </button>
      </div>
      {presets.length === 0 ? <p className="muted">No presets available.</p> : null}
      <ul className="cards">
        {presets.map((p) => (
          <li key={p.id} className="card">
            <h3>{p.name}</h3>
            <p>{p.description}</p>
            <p className="help">
              Input [{p.inputShape.join('×')}]
              {p.documentedAccuracy
                ? ` · ${(p.documentedAccuracy.accuracy * 100).toFixed(1)}%${p.documentedAccuracy.sd !== undefined ? ` ± ${(p.documentedAccuracy.sd * 100).toFixed(1)}` : ''} on ${p.documentedAccuracy.dataset} after ${p.documentedAccuracy.epochs} epoch(s)${p.documentedAccuracy.seeds.length > 1 ? ` (mean of ${p.documentedAccuracy.seeds.length} seeds)` : ' (one seed)'}`
                : ''}
            </p>
            <button
              type="button"
              className="primary"
              onClick={() => {
                load(getPreset(p.id), { keepHistory: true, saved: null });
                setMessage({ kind: 'info', text: `Loaded preset ${p.name}.` });
                onClose();
              }}
            >
              Open {p.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
