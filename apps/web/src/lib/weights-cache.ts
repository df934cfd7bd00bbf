/**
 * Weights of runs trained in this browser, kept in IndexedDB (serializeWeights bytes by run id), so the
 * playground can run them without downloading them again.
 */
import { createStore, get, set } from 'idb-keyval';

const store = () => createStore('bnn-studio-weights', 'runs');

export async function cacheRunWeights(runId: string, bytes: Uint8Array): Promise<void> {
  await set(runId, bytes, store());
}

export async function cachedRunWeights(runId: string): Promise<Uint8Array | null> {
  return ((await get(runId, store())) as Uint8Array | undefined) ?? null;
}
