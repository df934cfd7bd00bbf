import { describe, expect, it } from 'vitest';
import { createRunsStore, MAX_COMPARE } from './runs-store';

describe('runs store', () => {
  it('toggles sort order and resets the page on a new query', () => {
    const s = createRunsStore();
    s.getState().setQuery({ page: 3 });
    s.getState().setQuery({ q: 'quick' });
    expect(s.getState().page).toBe(1);
    s.getState().toggleSort('accuracy');
    expect(s.getState()).toMatchObject({ sort: 'accuracy', order: 'desc' });
    s.getState().toggleSort('accuracy');
    expect(s.getState().order).toBe('asc');
  });
  it('selects at most four runs to compare', () => {
    const s = createRunsStore();
    for (let i = 0; i < MAX_COMPARE; i++) expect(s.getState().toggleSelected(`r${i}`)).toBe(true);
    expect(s.getState().toggleSelected('r9')).toBe(false);
    s.getState().toggleSelected('r0');
    expect(s.getState().selected).toEqual(['r1', 'r2', 'r3']);
  });
});
