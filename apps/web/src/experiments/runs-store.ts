/** Dashboard state: query (search, status filter, sort), the loaded page of runs, and the compare selection. */
import { createStore } from 'zustand/vanilla';
import type { RunSummary } from '../lib/studio-api';
import type { TargetId } from '../lib/targets';

export type SortKey = 'createdAt' | 'name' | 'status' | 'accuracy' | 'packedBytes';

export interface RunsState {
  q: string;
  status: string;
  sort: SortKey;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
  runs: RunSummary[];
  total: number;
  loading: boolean;
  error: unknown;
  selected: string[];
  target: TargetId;
}

export interface RunsActions {
  setQuery(q: Partial<Pick<RunsState, 'q' | 'status' | 'page' | 'target'>>): void;
  toggleSort(key: SortKey): void;
  setResult(runs: RunSummary[], total: number): void;
  setLoading(loading: boolean): void;
  setError(error: unknown): void;
  /** Selects up to 4 runs for comparison; returns false when the limit is reached. */
  toggleSelected(id: string): boolean;
  clearSelected(): void;
}

export const MAX_COMPARE = 4;

export function createRunsStore() {
  return createStore<RunsState & RunsActions>()((set, get) => ({
    q: '',
    status: '',
    sort: 'createdAt',
    order: 'desc',
    page: 1,
    pageSize: 50,
    runs: [],
    total: 0,
    loading: false,
    error: null,
    selected: [],
    target: 'stm32l4r9',
    setQuery(q) {
      set({ ...q, ...('page' in q ? {} : { page: 1 }) });
    },
    toggleSort(key) {
      const { sort, order } = get();
      set(
        sort === key
          ? { order: order === 'asc' ? 'desc' : 'asc' }
          : { sort: key, order: key === 'name' ? 'asc' : 'desc' },
      );
    },
    setResult(runs, total) {
      set({ runs, total, loading: false, error: null });
    },
    setLoading(loading) {
      set({ loading });
    },
    setError(error) {
      set({ error, loading: false });
    },
    toggleSelected(id) {
      const { selected } = get();
      if (selected.includes(id)) {
        set({ selected: selected.filter((s) => s !== id) });
        return true;
      }
      if (selected.length >= MAX_COMPARE) return false;
      set({ selected: [...selected, id] });
      return true;
    },
    clearSelected() {
      set({ selected: [] });
    },
  }));
}
