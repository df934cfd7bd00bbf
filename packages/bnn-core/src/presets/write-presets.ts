// Writes presets/<id>.json from the preset builders: `npm run presets -w @bnn-studio/bnn-core`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESET_SOURCES } from './builders.js';

export function presetJson(id: string): string {
  const p = PRESET_SOURCES.find((s) => s.id === id);
  if (!p) throw new Error(`write-presets: unknown preset '${id}'`);
  return `${JSON.stringify(p.build(), null, 2)}\n`;
}

export const PRESETS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'presets');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(PRESETS_DIR, { recursive: true });
  for (const p of PRESET_SOURCES) writeFileSync(join(PRESETS_DIR, `${p.id}.json`), presetJson(p.id));
  console.log(`wrote ${PRESET_SOURCES.length} presets to ${PRESETS_DIR}`);
}
