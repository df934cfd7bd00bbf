import type { GraphSpec } from '../spec/graph-types.js';
import { PRESET_SOURCES } from './builders.js';
import { DOCUMENTED_ACCURACY } from './documented-accuracy.js';

export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  inputShape: number[];
  /** Test accuracy measured here (`npm run bench`), absent until measured. */
  documentedAccuracy?: { accuracy: number; dataset: string; epochs: number; measuredAt: string };
}

/** All presets, in palette order. */
export function listPresets(): PresetInfo[] {
  return PRESET_SOURCES.map((p) => {
    const graph = p.build();
    const input = graph.nodes.find((n) => n.type === 'Input');
    const info: PresetInfo = {
      id: p.id,
      name: p.name,
      description: p.description,
      inputShape: ((input?.params.shape as number[] | undefined) ?? []).slice(),
    };
    const acc = DOCUMENTED_ACCURACY[p.id];
    if (acc) info.documentedAccuracy = { ...acc };
    return info;
  });
}

/** A fresh copy of a preset graph (identical to `presets/<id>.json`); throws naming the id and the known ones. */
export function getPreset(id: string): GraphSpec {
  const p = PRESET_SOURCES.find((s) => s.id === id);
  if (!p) {
    throw new Error(
      `bnn-core getPreset: unknown preset '${id}'. Known presets: ${PRESET_SOURCES.map((s) => s.id).join(', ')}.`,
    );
  }
  return p.build();
}
