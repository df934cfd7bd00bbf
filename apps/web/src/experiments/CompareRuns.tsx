'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorNote } from '../components/ErrorNote';
import { runAccuracy, runPackedBytes } from '../lib/studio-api';
import { formatBytes } from '../lib/targets';
import { loadRunData, type RunData } from './run-data';

const COLORS = ['#1f4fd1', '#b00020', '#17663a', '#6b2fb8'];

function flatten(obj: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  } else out[prefix] = JSON.stringify(obj);
  return out;
}

/** 2–4 runs side by side: final metrics, size, config differences and overlaid validation curves. */
export function CompareRuns() {
  const ids = (useSearchParams().get('ids') ?? '').split(',').filter(Boolean).slice(0, 4);
  const [runs, setRuns] = useState<RunData[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = ids.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: ids are derived from key
  useEffect(() => {
    if (ids.length < 2) return;
    Promise.all(ids.map(loadRunData)).then(setRuns, setError);
  }, [key]);
  if (ids.length < 2)
    return (
      <p className="page">
        Pick 2–4 runs on the <Link href="/experiments">dashboard</Link> to compare.
      </p>
    );
  if (error)
    return (
      <div className="page">
        <ErrorNote title="Compare" error={error} />
      </div>
    );
  if (!runs) return <p className="page muted">Loading {ids.length} runs…</p>;
  const configs = runs.map((r) => flatten(r.run.config ?? {}));
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].sort();
  const chart = (metric: 'valAccuracy' | 'accuracy' | 'loss' | 'valLoss') =>
    [...new Set(runs.flatMap((r) => r.epochs.map((x) => x.epoch)))]
      .sort((a, b) => a - b)
      .map((e) => {
        const row: Record<string, number> = { epoch: e };
        runs.forEach((r, i) => {
          const v = r.epochs.find((x) => x.epoch === e)?.[metric];
          if (typeof v === 'number' && Number.isFinite(v)) row[`r${i}`] = v;
        });
        return row;
      });
  const label = (r: RunData) => r.run.name ?? r.run.id;
  return (
    <div className="page compare" data-testid="compare">
      <p>
        <Link href="/experiments">← Experiments</Link>
      </p>
      <h1>Compare {runs.length} runs</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            {runs.map((r, i) => (
              <th key={r.run.id} scope="col" style={{ borderTop: `4px solid ${COLORS[i]}` }}>
                <Link href={`/experiments/run?id=${encodeURIComponent(r.run.id)}`}>{label(r)}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Status</th>
            {runs.map((r) => (
              <td key={r.run.id}>{r.run.status}</td>
            ))}
          </tr>
          <tr>
            <th scope="row">Accuracy</th>
            {runs.map((r) => {
              const a = runAccuracy(r.run);
              return <td key={r.run.id}>{a !== null ? `${(a * 100).toFixed(2)}%` : '—'}</td>;
            })}
          </tr>
          <tr>
            <th scope="row">Packed size</th>
            {runs.map((r) => {
              const s = runPackedBytes(r.run);
              return <td key={r.run.id}>{s !== null ? formatBytes(s) : '—'}</td>;
            })}
          </tr>
          <tr>
            <th scope="row">Architecture</th>
            {runs.map((r) => (
              <td key={r.run.id}>{r.graph ? `${r.graph.name} (${r.graph.nodes.length} layers)` : '—'}</td>
            ))}
          </tr>
          {keys.map((k) => {
            const vals = configs.map((c) => c[k] ?? '—');
            const differs = new Set(vals).size > 1;
            return (
              <tr key={k} className={differs ? 'differs' : undefined}>
                <th scope="row">
                  {k}
                  {differs ? <span className="visually-hidden"> (differs)</span> : null}
                </th>
                {vals.map((v, i) => (
                  <td key={runs[i]!.run.id}>{differs ? <strong>{v}</strong> : v}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {(['valAccuracy', 'loss'] as const).map((m) => (
        <figure key={m} className="chart" aria-label={`${m} per epoch`}>
          <figcaption>{m === 'valAccuracy' ? 'Validation accuracy' : 'Training loss'} per epoch</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={chart(m)}>
              <CartesianGrid strokeDasharray="3 3" stroke="#d5d9e0" />
              <XAxis dataKey="epoch" allowDecimals={false} />
              <YAxis width={50} />
              <Tooltip />
              <Legend />
              {runs.map((r, i) => (
                <Line
                  key={r.run.id}
                  dataKey={`r${i}`}
                  name={label(r)}
                  stroke={COLORS[i]}
                  dot={{ r: 3 }}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      ))}
    </div>
  );
}
