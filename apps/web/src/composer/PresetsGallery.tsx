'use client';
import { documentedAccuracyNote, getPreset, listPresets } from '@bnn-studio/bnn-core';
import { useEffect, useMemo, useState } from 'react';
import { estimateDeployment } from '../lib/deploy-estimate';
import { formatMs, TARGETS } from '../lib/targets';
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
  // Estimated STM32L4R9 latency per preset, one preset per timer tick so the gallery opens at once.
  const [latency, setLatency] = useState<Record<string, number | null>>({});
  useEffect(() => {
    let cancelled = false;
    let i = 0;
    const next = () => {
      if (cancelled || i >= presets.length) return;
      const p = presets[i++]!;
      const r = estimateDeployment(getPreset(p.id));
      setLatency((l) => ({ ...l, [p.id]: r.ok ? r.estimate.latency.stm32l4r9.ms : null }));
      timer = setTimeout(next, 0);
    };
    let timer = setTimeout(next, 0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [presets]);
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
              {p.documentedAccuracy ? (
                <span data-testid={`preset-accuracy-${p.id}`}>
                  {` · ${(p.documentedAccuracy.accuracy * 100).toFixed(1)}%${p.documentedAccuracy.sd !== undefined ? ` ± ${(p.documentedAccuracy.sd * 100).toFixed(1)}` : ''} on ${p.documentedAccuracy.dataset} after ${p.documentedAccuracy.epochs} epoch(s)${p.documentedAccuracy.seeds.length > 1 ? ` (mean of ${p.documentedAccuracy.seeds.length} seeds)` : ' (one seed)'}; ${documentedAccuracyNote(p.documentedAccuracy)}`}
                </span>
              ) : (
                ' · no accuracy measured here'
              )}
              {typeof latency[p.id] === 'number' ? (
                <span data-testid={`preset-latency-${p.id}`}>
                  {' '}
                  · ~{formatMs(latency[p.id]!)} on {TARGETS.stm32l4r9.label} (estimate)
                </span>
              ) : null}
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
