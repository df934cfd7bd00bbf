'use client';
import { formatSummary, inferGraph } from '@bnn-studio/bnn-core';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { ConfusionMatrix } from '../components/ConfusionMatrix';
import { ErrorNote } from '../components/ErrorNote';
import { MetricCharts } from '../components/MetricCharts';
import { runAccuracy, runPackedBytes } from '../lib/studio-api';
import { formatBytes, formatCount } from '../lib/targets';
import { runConfusion } from '../train/controllers';
import { ExportPanel } from './ExportPanel';
import { loadRunData, type RunData } from './run-data';

export function RunDetail() {
  const id = useSearchParams().get('id');
  const [data, setData] = useState<RunData | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!id) return;
    loadRunData(id).then(setData, setError);
  }, [id]);
  const analysis = useMemo(() => {
    if (!data?.graph) return null;
    try {
      const a = inferGraph(data.graph);
      return { a, text: formatSummary(a) };
    } catch {
      return null;
    }
  }, [data?.graph]);
  if (!id)
    return (
      <p className="page">
        No run selected. Open one from the <Link href="/experiments">dashboard</Link>.
      </p>
    );
  if (error)
    return (
      <div className="page">
        <ErrorNote title="Run" error={error} />
      </div>
    );
  if (!data) return <p className="page muted">Loading run {id}…</p>;
  const { run, epochs, graph } = data;
  const acc = runAccuracy(run);
  const size = runPackedBytes(run) ?? analysis?.a.totals.packedBytes ?? null;
  const conf = runConfusion(run);
  const live = run.status === 'queued' || run.status === 'running';
  return (
    <div className="page run-detail" data-testid="run-detail">
      <p>
        <Link href="/experiments">← Experiments</Link>
      </p>
      <h1>{run.name ?? run.id}</h1>
      <dl className="totals run-facts">
        <dt>Status</dt>
        <dd data-testid="run-status">{run.status}</dd>
        <dt>Trained</dt>
        <dd>{run.location === 'browser' ? 'in the browser' : 'on the server'}</dd>
        <dt>Dataset</dt>
        <dd>
          {run.datasetId ? (
            <Link href={`/datasets/view?id=${encodeURIComponent(run.datasetId)}`}>{run.datasetId}</Link>
          ) : (
            '—'
          )}
        </dd>
        <dt>Accuracy</dt>
        <dd data-testid="run-accuracy">{acc !== null ? `${(acc * 100).toFixed(2)}%` : '—'}</dd>
        <dt>Packed size</dt>
        <dd>{size !== null ? formatBytes(size) : '—'}</dd>
        <dt>Created</dt>
        <dd>{run.createdAt ? new Date(run.createdAt).toLocaleString() : '—'}</dd>
        {typeof run.durationMs === 'number' ? (
          <>
            <dt>Duration</dt>
            <dd>{(run.durationMs / 1000).toFixed(1)} s</dd>
          </>
        ) : null}
      </dl>
      {run.error ? <ErrorNote title="Run failed" error={new Error(String(run.error))} /> : null}
      <div className="toolbar">
        {live ? (
          <Link className="button primary" href={`/train?run=${encodeURIComponent(run.id)}`}>
            Watch live
          </Link>
        ) : null}
        {run.status === 'completed' ? (
          <Link className="button primary" href={`/playground?run=${encodeURIComponent(run.id)}`}>
            Try it in the playground
          </Link>
        ) : null}
        {run.architectureVersionId ? (
          <Link
            className="button"
            href={`/composer?version=${encodeURIComponent(run.architectureVersionId)}`}
          >
            Open architecture in the composer
          </Link>
        ) : null}
      </div>
      <h2>Curves</h2>
      <MetricCharts epochs={epochs} />
      {conf ? <ConfusionMatrix matrix={conf.matrix} labels={conf.labels} /> : null}
      <ExportPanel
        runId={run.id}
        architectureVersionId={run.architectureVersionId}
        enabled={run.status === 'completed'}
      />
      <h2>Summary</h2>
      {analysis ? (
        <>
          <p>
            {formatCount(analysis.a.totals.totalParams)} parameters ·{' '}
            {formatBytes(analysis.a.totals.packedBytes)} packed · arena{' '}
            {formatBytes(analysis.a.totals.arenaBytes)} ·{' '}
            {(analysis.a.totals.binaryMacShare * 100).toFixed(1)}% binary MACs
          </p>
          <pre className="summary">{analysis.text}</pre>
        </>
      ) : (
        <p className="muted">Architecture not available.</p>
      )}
      <h2>Config</h2>
      <pre className="summary" data-testid="run-config">
        {JSON.stringify(run.config ?? {}, null, 2)}
      </pre>
      {graph ? (
        <details>
          <summary>Architecture JSON</summary>
          <pre className="summary">{JSON.stringify(graph, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}
