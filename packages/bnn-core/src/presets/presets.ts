import type { GraphSpec } from '../spec/graph-types.js';
import { PRESET_SOURCES } from './builders.js';
import { DOCUMENTED_ACCURACY, type DocumentedAccuracy } from './documented-accuracy.js';
import type { TrainRecipe } from './recipes.js';

export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  inputShape: number[];
  /** How the preset is trained for its documented accuracy; a preset trained with defaults uses it. */
  recipe: TrainRecipe;
  /**
   * Test accuracy measured here (`npm run bench`), absent until measured; `firstLast` says whether it was measured
   * on the graph as shipped (int8 first/last layers) or on its float first/last version.
   */
  documentedAccuracy?: DocumentedAccuracy;
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
      recipe: structuredClone(p.recipe),
    };
    const acc = DOCUMENTED_ACCURACY[p.id];
    if (acc) info.documentedAccuracy = structuredClone(acc);
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

/**
 * The training recipe of a preset id (a fresh copy), or null for an unknown id. Graphs built from a preset carry
 * the id in `meta.preset`, so `presetRecipe(String(graph.meta?.preset))` finds the recipe of an opened preset.
 */
export function presetRecipe(id: string | null | undefined): TrainRecipe | null {
  const p = PRESET_SOURCES.find((s) => s.id === id);
  return p ? structuredClone(p.recipe) : null;
}
