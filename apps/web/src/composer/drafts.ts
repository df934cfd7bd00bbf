/** Drafts of the composer kept in IndexedDB, so a reload (or a crash) loses nothing. */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { parseGraph } from '@bnn-studio/bnn-core';
import { del, get, set } from 'idb-keyval';
import type { TargetId } from '../lib/targets';
import type { SavedArchitecture } from './composer-store';

export const DRAFT_KEY = 'bnn-studio:composer-draft';

export interface Draft {
  graph: GraphSpec;
  saved: SavedArchitecture | null;
  target: TargetId;
  updatedAt: number;
}

export async function loadDraft(): Promise<Draft | null> {
  const raw = (await get(DRAFT_KEY)) as Draft | undefined;
  if (!raw?.graph) return null;
  const parsed = parseGraph(raw.graph);
  if (!parsed.ok) return null;
  return { ...raw, graph: parsed.graph };
}

export async function saveDraft(draft: Omit<Draft, 'updatedAt'>): Promise<void> {
  await set(DRAFT_KEY, { ...draft, updatedAt: Date.now() });
}

export async function clearDraft(): Promise<void> {
  await del(DRAFT_KEY);
}
