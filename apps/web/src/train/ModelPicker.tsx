'use client';
import { listPresets } from '@bnn-studio/bnn-core';
import { useEffect, useMemo, useState } from 'react';
import { type ArchitectureListItem, listArchitectures } from '../lib/studio-api';

/** Where the Train page's model comes from: the composer draft, a saved architecture version, or a preset. */
export type ModelSource =
  | { kind: 'draft' }
  | { kind: 'version'; id: string }
  | { kind: 'preset'; id: string };

export function sourceKey(s: ModelSource): string {
  return s.kind === 'draft' ? 'draft' : `${s.kind}:${s.id}`;
}

export function parseSourceKey(key: string): ModelSource {
  if (key.startsWith('version:')) return { kind: 'version', id: key.slice(8) };
  if (key.startsWith('preset:')) return { kind: 'preset', id: key.slice(7) };
  return { kind: 'draft' };
}

/** A select of every model the page can train: the draft, saved architectures (latest version) and presets. */
export function ModelPicker({
  value,
  onChange,
}: {
  value: ModelSource;
  onChange(source: ModelSource): void;
}) {
  const [archs, setArchs] = useState<ArchitectureListItem[]>([]);
  const presets = useMemo(() => {
    try {
      return listPresets();
    } catch {
      return [];
    }
  }, []);
  useEffect(() => {
    listArchitectures().then(setArchs, () => undefined);
  }, []);
  const key = sourceKey(value);
  const known =
    key === 'draft' ||
    archs.some((a) => a.latestVersion && `version:${a.latestVersion.id}` === key) ||
    presets.some((p) => `preset:${p.id}` === key);
  return (
    <p className="model-picker">
      <label htmlFor="train-model">Model to train</label>
      <select id="train-model" value={key} onChange={(e) => onChange(parseSourceKey(e.target.value))}>
        <option value="draft">Composer draft</option>
        {!known && value.kind === 'version' ? <option value={key}>Saved version {value.id}</option> : null}
        {archs.length ? (
          <optgroup label="Saved architectures">
            {archs
              .filter((a) => a.latestVersion)
              .map((a) => (
                <option key={a.id} value={`version:${a.latestVersion!.id}`}>
                  {a.name} (version {a.latestVersion!.version})
                </option>
              ))}
          </optgroup>
        ) : null}
        <optgroup label="Presets">
          {presets.map((p) => (
            <option key={p.id} value={`preset:${p.id}`}>
              {p.name}
            </option>
          ))}
        </optgroup>
      </select>
    </p>
  );
}
