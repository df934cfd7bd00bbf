'use client';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ErrorNote } from '../components/ErrorNote';
import {
  cancelSearch,
  createSearch,
  type Dataset,
  getSearch,
  listDatasets,
  listSearches,
  resumeSearch,
  type SearchDetail,
  type SearchSummary,
} from '../lib/studio-api';
import { formatBytes } from '../lib/targets';
import {
  candidateRows,
  chartPoints,
  defaultSpaceText,
  FAMILY_CHOICES,
  presetsOf,
  type SearchForm,
  searchBody,
} from './search-view';

const INITIAL: SearchForm = {
  datasetId: 'mnist',
  target: 'stm32l4r9',
  weightsKiB: '16',
  flashKiB: '',
  ramKiB: '',
  latencyMs: '',
  mode: 'trials',
  amount: '9',
  family: 'mnist-trunk',
  from: '',
  space: defaultSpaceText('mnist-trunk'),
  trainSamples: '',
};

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);
const bytes = (x: number | null) => (x === null ? '—' : formatBytes(x));

/** The start form: dataset, target, budgets, trials or minutes, the editable search space. */
function StartForm({ datasets, onStarted }: { datasets: Dataset[]; onStarted(s: SearchDetail): void }) {
  const [f, setF] = useState<SearchForm>(INITIAL);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof SearchForm>(k: K, v: SearchForm[K]) => setF((o) => ({ ...o, [k]: v }));
  const start = async () => {
    const r = searchBody(f);
    if (!r.ok) return setError(new Error(r.error));
    setError(null);
    setBusy(true);
    try {
      onStarted(await createSearch(r.body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="autosize-form"
      aria-label="Start a search"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <label>
        Dataset{' '}
        <select value={f.datasetId} onChange={(e) => set('datasetId', e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Target{' '}
        <select value={f.target} onChange={(e) => set('target', e.target.value as SearchForm['target'])}>
          <option value="stm32l4r9">STM32L4R9</option>
          <option value="xcore">xcore.ai</option>
        </select>
      </label>
      <fieldset>
        <legend>Budget (empty: no limit)</legend>
        <label>
          Weights (KiB){' '}
          <input value={f.weightsKiB} onChange={(e) => set('weightsKiB', e.target.value)} size={6} />
        </label>{' '}
        <label>
          Flash (KiB) <input value={f.flashKiB} onChange={(e) => set('flashKiB', e.target.value)} size={6} />
        </label>{' '}
        <label>
          RAM (KiB) <input value={f.ramKiB} onChange={(e) => set('ramKiB', e.target.value)} size={6} />
        </label>{' '}
        <label>
          Latency (ms){' '}
          <input value={f.latencyMs} onChange={(e) => set('latencyMs', e.target.value)} size={6} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Search limit</legend>
        <label>
          <input type="radio" checked={f.mode === 'trials'} onChange={() => set('mode', 'trials')} />{' '}
          Candidates
        </label>{' '}
        <label>
          <input type="radio" checked={f.mode === 'minutes'} onChange={() => set('mode', 'minutes')} />{' '}
          Minutes
        </label>{' '}
        <input aria-label="Limit" value={f.amount} onChange={(e) => set('amount', e.target.value)} size={5} />{' '}
        <label>
          Start from{' '}
          <select value={f.from} onChange={(e) => set('from', e.target.value)}>
            <option value="">—</option>
            {presetsOf(f.family).map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Samples per candidate{' '}
          <input
            value={f.trainSamples}
            onChange={(e) => set('trainSamples', e.target.value)}
            size={7}
            placeholder="all"
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Architecture family</legend>
        <label>
          Family{' '}
          <select
            value={f.family}
            onChange={(e) => {
              const family = e.target.value as SearchForm['family'];
              // A new family: its own default space and presets.
              setF((o) => ({ ...o, family, from: '', space: defaultSpaceText(family) }));
            }}
          >
            {FAMILY_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id}
              </option>
            ))}
          </select>
        </label>{' '}
        <span className="muted" data-testid="family-summary">
          {FAMILY_CHOICES.find((c) => c.id === f.family)?.summary}
        </span>
      </fieldset>
      <details>
        <summary>Search space (editable)</summary>
        <p className="muted">
          Width multipliers per stage (mnist-trunk: the first conv, then the binary convs; quicknet: the stem,
          then one per section), depths (binary convs; quicknet: residual blocks per section), hidden units,
          first/last layer precision, input quantizers, prune fractions, learning rates, and the
          successive-halving schedule (max/min epochs, η). Changing the family resets the space to its
          defaults.
        </p>
        <textarea
          aria-label="Search space"
          value={f.space}
          onChange={(e) => set('space', e.target.value)}
          rows={14}
          cols={70}
          spellCheck={false}
        />
      </details>
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Start search'}
      </button>
      <ErrorNote title="Search" error={error} />
    </form>
  );
}

/** Accuracy vs flash of each candidate, the front, the best marked. */
function SearchChart({ s }: { s: SearchDetail }) {
  const { all, front, best } = chartPoints(s);
  if (!all.length) return <p className="muted">No finished candidate yet.</p>;
  return (
    <figure
      className="scatter"
      data-testid="search-chart"
      aria-label="Accuracy against flash of the candidates"
    >
      <figcaption>
        Test accuracy vs flash (packed weights where flash is not estimated): {front.length} candidate(s) on
        the Pareto front; the star is the best under budget (chosen on validation accuracy).
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart margin={{ top: 10, right: 20, bottom: 20, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#d5d9e0" />
          <XAxis type="number" dataKey="kib" name="Flash" unit=" KiB" domain={['auto', 'auto']} />
          <YAxis type="number" dataKey="pct" name="Accuracy" unit="%" width={50} domain={['auto', 100]} />
          <Tooltip />
          <Legend verticalAlign="top" />
          <Line
            data={front}
            dataKey="pct"
            name="Pareto front"
            stroke="#17663a"
            dot={false}
            isAnimationActive={false}
            type="stepAfter"
          />
          <Scatter data={all} name="Candidates" fill="#4b6cb7" isAnimationActive={false} />
          {best ? (
            <Scatter data={[best]} name="Best" fill="#b00020" shape="star" isAnimationActive={false} />
          ) : null}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** One search, live over SSE: status, cancel/resume, the chart and the candidate table. */
function SearchView({ id, onStatus }: { id: string; onStatus(status: string): void }) {
  const [s, setS] = useState<SearchDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  // A resumed search streams again: the effect re-subscribes when the search starts running.
  const running = s?.status === 'running';
  // biome-ignore lint/correctness/useExhaustiveDependencies: `running` re-subscribes a resumed search's stream
  useEffect(() => {
    let closed = false;
    getSearch(id).then((d) => !closed && setS(d), setError);
    const es = new EventSource(`/api/searches/${encodeURIComponent(id)}/events`, { withCredentials: true });
    es.addEventListener('search', (e) => {
      try {
        setS(JSON.parse((e as MessageEvent<string>).data) as SearchDetail);
      } catch {
        // a malformed event is ignored; the next one carries the whole state
      }
    });
    es.onerror = () => es.close();
    return () => {
      closed = true;
      es.close();
    };
  }, [id, running]);
  const status = s?.status;
  useEffect(() => {
    if (status) onStatus(status);
  }, [status, onStatus]);
  const act = async (fn: (id: string) => Promise<SearchDetail>) => {
    setError(null);
    try {
      setS(await fn(id));
    } catch (err) {
      setError(err);
    }
  };
  if (!s) return <ErrorNote title="Search" error={error} />;
  const rows = candidateRows(s);
  return (
    <section className="search-view" data-testid="search-view" data-status={s.status}>
      <h2>{s.name}</h2>
      <p>
        <strong data-testid="search-status">{s.status}</strong>
        {s.reason ? ` (${s.reason})` : ''} · {s.started} trained{s.trials !== null ? ` of ${s.trials}` : ''} ·{' '}
        {s.rejected} rejected over budget · {(s.elapsedMs / 60000).toFixed(1)}
        {s.minutes !== null ? ` of ${s.minutes}` : ''} min · rungs {s.rungs.join(' → ')} epochs · budget{' '}
        {Object.entries(s.budget)
          .map(([k, v]) =>
            k === 'latencyMs' ? `latency ${v} ms` : `${k.replace('Bytes', '')} ${formatBytes(Number(v))}`,
          )
          .join(', ')}{' '}
        {s.status === 'running' ? (
          <button type="button" onClick={() => void act(cancelSearch)}>
            Cancel
          </button>
        ) : null}
        {s.status === 'cancelled' ? (
          <button type="button" onClick={() => void act(resumeSearch)}>
            Resume
          </button>
        ) : null}
      </p>
      <ErrorNote title="Search" error={error} />
      {s.best ? (
        <p data-testid="search-best">
          Best under budget:{' '}
          <Link href={`/experiments/run?id=${encodeURIComponent(s.best.runId)}`} prefetch={false}>
            run {s.best.runId}
          </Link>{' '}
          — test {pct(s.best.accuracy)} (validation {pct(s.best.valAccuracy)}), weights{' '}
          {bytes(s.best.packedBytes)}, flash {bytes(s.best.flashBytes)}, RAM {bytes(s.best.ramBytes)}
          {s.best.latencyMs !== null ? `, ${s.best.latencyMs.toFixed(1)} ms` : ''} (open it to export)
        </p>
      ) : null}
      <SearchChart s={s} />
      <table className="runs-table" data-testid="search-candidates">
        <thead>
          <tr>
            <th>Candidate</th>
            <th>Weights</th>
            <th>Flash</th>
            <th>RAM</th>
            <th>Latency</th>
            <th>Rung</th>
            <th>Run</th>
            <th>Validation</th>
            <th>Test</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              data-testid="candidate-row"
              data-status={r.runStatus ?? r.status}
              className={r.best ? 'best' : undefined}
            >
              <td>
                {r.best ? '★ ' : ''}
                {r.key.replace(/^mnist-trunk\//, '')}
                {r.onFront ? ' (front)' : ''}
              </td>
              <td>{bytes(r.packedBytes)}</td>
              <td>{bytes(r.flashBytes)}</td>
              <td>{bytes(r.ramBytes)}</td>
              <td>{r.latencyMs === null ? '—' : `${r.latencyMs.toFixed(1)} ms`}</td>
              {r.status === 'rejected' ? (
                <td colSpan={4} className="muted">
                  rejected before training: {r.reason}
                </td>
              ) : (
                <>
                  <td>{r.rung === null ? '—' : `${r.refit ? 'refit' : r.rung} (${r.epochs} ep)`}</td>
                  <td>
                    {r.runId ? (
                      <Link href={`/experiments/run?id=${encodeURIComponent(r.runId)}`} prefetch={false}>
                        {r.runStatus}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{pct(r.valAccuracy)}</td>
                  <td>{pct(r.accuracy)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The Auto-size page: start a search, pick one of the searches, watch it live. */
export function AutoSizeApp() {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [searches, setSearches] = useState<SearchSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(() => {
    listSearches().then(setSearches, setError);
  }, []);
  useEffect(() => {
    listDatasets().then(setDatasets, setError);
    refresh();
  }, [refresh]);
  return (
    <main className="page autosize">
      <h1>Auto-size</h1>
      <p className="muted">
        Searches binarized architectures (widths, depth, first/last precision, quantizers, pruning, learning
        rate) for the best accuracy within a target&apos;s flash, RAM and latency. Candidates over budget are
        never trained; the others train as ordinary runs, weak ones stopped early (successive halving over
        epochs).
      </p>
      <ErrorNote title="Auto-size" error={error} />
      <StartForm
        datasets={datasets}
        onStarted={(s) => {
          setSelected(s.id);
          refresh();
        }}
      />
      {searches.length ? (
        <nav aria-label="Searches">
          <h2>Searches</h2>
          <ul>
            {searches.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  onClick={() => setSelected(s.id)}
                  aria-current={s.id === selected ? 'true' : undefined}
                >
                  {s.name}
                </button>{' '}
                <span className="muted">
                  {s.status} · {s.started} trained · best {pct(s.best?.accuracy ?? null)}
                </span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {selected ? <SearchView key={selected} id={selected} onStatus={refresh} /> : null}
    </main>
  );
}
