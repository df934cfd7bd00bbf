'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { ErrorNote } from '../components/ErrorNote';
import { listRuns, type RunSummary, runAccuracy, runPackedBytes } from '../lib/studio-api';
import { formatBytes, TARGET_IDS, TARGETS, type TargetId } from '../lib/targets';
import { ImportModelButton } from './ImportModelButton';
import { RunsScatter, type ScatterX } from './RunsScatter';
import { useRunLatencies } from './run-latency';
import { createRunsStore, MAX_COMPARE, type RunsActions, type RunsState, type SortKey } from './runs-store';
import { seedGroups } from './seed-groups';

const Ctx = createContext<ReturnType<typeof createRunsStore> | null>(null);
function useRuns<T>(sel: (s: RunsState & RunsActions) => T): T {
  const s = useContext(Ctx);
  if (!s) throw new Error('web: useRuns outside its provider');
  return useStore(s, sel);
}
function RunsProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createRunsStore());
  return <Ctx.Provider value={store}>{children}</Ctx.Provider>;
}

function sortValue(r: RunSummary, key: SortKey): string | number {
  switch (key) {
    case 'accuracy':
      return runAccuracy(r) ?? -1;
    case 'packedBytes':
      return runPackedBytes(r) ?? Number.POSITIVE_INFINITY;
    case 'name':
      return (r.name ?? r.id).toLowerCase();
    case 'status':
      return r.status;
    default:
      return r.createdAt ?? '';
  }
}

export function sortRuns(runs: RunSummary[], key: SortKey, order: 'asc' | 'desc'): RunSummary[] {
  const dir = order === 'asc' ? 1 : -1;
  return runs.slice().sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    return (va < vb ? -1 : va > vb ? 1 : 0) * dir;
  });
}

const COLUMNS: Array<{ key: SortKey; label: string; num?: boolean }> = [
  { key: 'name', label: 'Run' },
  { key: 'status', label: 'Status' },
  { key: 'accuracy', label: 'Accuracy', num: true },
  { key: 'packedBytes', label: 'Packed size', num: true },
  { key: 'createdAt', label: 'Created' },
];

function Dashboard() {
  const router = useRouter();
  const s = useRuns((x) => x);
  const [notice, setNotice] = useState<string | null>(null);
  const [searchText, setSearchText] = useState('');

  const setQuery = s.setQuery;
  useEffect(() => {
    const t = setTimeout(() => setQuery({ q: searchText }), 250);
    return () => clearTimeout(t);
  }, [searchText, setQuery]);

  const { q, status, page, pageSize, setLoading, setResult, setError } = s;
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    listRuns({ q, status, page, pageSize }).then(
      (r) => !cancelled && setResult(r.runs, r.total),
      (e) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [q, status, page, pageSize, setLoading, setResult, setError]);

  const sorted = useMemo(() => sortRuns(s.runs, s.sort, s.order), [s.runs, s.sort, s.order]);
  const [plotX, setPlotX] = useState<ScatterX>('size');
  const latencies = useRunLatencies(s.runs, s.target, plotX === 'latency');
  const points = s.runs
    .map((r) => ({
      id: r.id,
      name: r.name ?? r.id,
      size: plotX === 'latency' ? (latencies.get(r.id) ?? Number.NaN) : (runPackedBytes(r) ?? Number.NaN),
      accuracy: runAccuracy(r) ?? Number.NaN,
    }))
    .filter((p) => Number.isFinite(p.size) && Number.isFinite(p.accuracy));
  const open = (id: string) => router.push(`/experiments/run?id=${encodeURIComponent(id)}`);
  const groups = useMemo(() => seedGroups(s.runs), [s.runs]);

  return (
    <div className="page experiments">
      <h1>Experiments</h1>
      <ErrorNote title="Runs" error={s.error} />
      <div className="toolbar">
        <ImportModelButton />
        <label htmlFor="run-search" className="inline-label">
          Search
        </label>
        <input
          id="run-search"
          type="search"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          placeholder="name, dataset, preset…"
        />
        <label htmlFor="run-status" className="inline-label">
          Status
        </label>
        <select id="run-status" value={s.status} onChange={(e) => s.setQuery({ status: e.target.value })}>
          <option value="">Any</option>
          {['queued', 'running', 'completed', 'failed', 'cancelled'].map((st) => (
            <option key={st} value={st}>
              {st}
            </option>
          ))}
        </select>
        <label htmlFor="dash-target" className="inline-label">
          Budget
        </label>
        <select
          id="dash-target"
          value={s.target}
          onChange={(e) => s.setQuery({ target: e.target.value as TargetId, page: s.page })}
        >
          {TARGET_IDS.map((id) => (
            <option key={id} value={id}>
              {TARGETS[id].label}
            </option>
          ))}
        </select>
        <label htmlFor="plot-x" className="inline-label">
          Plot against
        </label>
        <select id="plot-x" value={plotX} onChange={(e) => setPlotX(e.target.value as ScatterX)}>
          <option value="size">Packed size</option>
          <option value="latency">Estimated latency</option>
        </select>
        <button
          type="button"
          className="primary"
          disabled={s.selected.length < 2}
          onClick={() =>
            router.push(`/experiments/compare?ids=${s.selected.map(encodeURIComponent).join(',')}`)
          }
        >
          Compare {s.selected.length ? `(${s.selected.length})` : ''}
        </button>
        <span className="help">Tick 2–{MAX_COMPARE} runs to compare them.</span>
      </div>
      {notice ? (
        <p className="field-error" role="status">
          {notice}
        </p>
      ) : null}
      <RunsScatter points={points} target={s.target} onOpen={open} x={plotX} />
      {groups.length ? (
        <table className="runs-table seed-groups" data-testid="seed-groups">
          <caption>Seed groups (same model, dataset and epochs; runs named “… seed N”)</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Dataset</th>
              <th scope="col">Seeds</th>
              <th scope="col" className="num">
                Accuracy, mean ± sd
              </th>
              <th scope="col" className="num">
                Per seed
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <td>{g.name || '—'}</td>
                <td>{g.datasetId}</td>
                <td>{g.seeds.join(', ')}</td>
                <td className="num">
                  {(g.mean * 100).toFixed(2)} ± {(g.sd * 100).toFixed(2)} %
                </td>
                <td className="num">{g.accuracies.map((a) => (a * 100).toFixed(2)).join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <table className="runs-table" data-testid="runs-table">
        <caption className="visually-hidden">Training runs</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Compare</span>
            </th>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.num ? 'num' : undefined}
                aria-sort={s.sort === c.key ? (s.order === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" className="sort-button" onClick={() => s.toggleSort(c.key)}>
                  {c.label}
                  {s.sort === c.key ? (s.order === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const acc = runAccuracy(r);
            const size = runPackedBytes(r);
            return (
              <tr key={r.id} data-run-id={r.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${r.name ?? r.id}`}
                    checked={s.selected.includes(r.id)}
                    onChange={() =>
                      setNotice(
                        s.toggleSelected(r.id) ? null : `Compare at most ${MAX_COMPARE} runs at a time.`,
                      )
                    }
                  />
                </td>
                <td>
                  <Link href={`/experiments/run?id=${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</Link>
                </td>
                <td>
                  <span className={`status status-${r.status}`}>{r.status}</span>
                </td>
                <td className="num">{acc !== null ? `${(acc * 100).toFixed(2)}%` : '—'}</td>
                <td className="num">{size !== null ? formatBytes(size) : '—'}</td>
                <td>{r.createdAt ? new Date(r.createdAt).toLocaleString() : '—'}</td>
                <td>{r.location ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!s.loading && s.runs.length === 0 && !s.error ? (
        <p className="muted">
          No runs yet. <Link href="/train">Train a model</Link> and it appears here.
        </p>
      ) : null}
      {s.loading ? <p className="muted">Loading runs…</p> : null}
      {s.total > s.pageSize ? (
        <div className="toolbar">
          <button type="button" disabled={s.page <= 1} onClick={() => s.setQuery({ page: s.page - 1 })}>
            Previous page
          </button>
          <span>
            Page {s.page} of {Math.ceil(s.total / s.pageSize)}
          </span>
          <button
            type="button"
            disabled={s.page * s.pageSize >= s.total}
            onClick={() => s.setQuery({ page: s.page + 1 })}
          >
            Next page
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function ExperimentsApp() {
  return (
    <RunsProvider>
      <Dashboard />
    </RunsProvider>
  );
}
