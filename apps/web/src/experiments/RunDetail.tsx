'use client';
import type { ImportedComposer, RunDistillation, RunPruning } from '@bnn-studio/api/contract';
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

/** What an imported run keeps in its options (apps/api services/imports). */
interface ImportedInfo {
  filename: string;
  operators: number;
  io: { input: { type: string } };
  approximations: { operatorIndex: number; op: string; message: string }[];
  /** Absent on runs imported before the composer mapping existed (they do not map). */
  composer?: ImportedComposer;
}

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
  const imported =
    run.location === 'imported' ? ((run.options as { imported?: ImportedInfo }).imported ?? null) : null;
  const opensInComposer = imported?.composer?.maps === true;
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
        <dd>
          {run.location === 'imported'
            ? `elsewhere — imported from ${imported?.filename ?? 'a .tflite'} (${imported?.operators ?? '?'} operators, ${imported?.io.input.type ?? 'float32'} input)`
            : run.location === 'browser'
              ? 'in the browser'
              : 'on the server'}
        </dd>
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
      {run.distillation ? <DistillationFacts d={run.distillation} accuracy={acc} /> : null}
      {run.results?.pruning ? <PruningFacts p={run.results.pruning} accuracy={acc} /> : null}
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
        {run.architectureVersionId && (run.location !== 'imported' || opensInComposer) ? (
          <Link
            className="button"
            data-testid="open-in-composer"
            href={`/composer?version=${encodeURIComponent(run.architectureVersionId)}`}
          >
            {run.location === 'imported' ? 'Open in composer' : 'Open architecture in the composer'}
          </Link>
        ) : null}
      </div>
      {run.location === 'imported' ? (
        <p className="help" data-testid="imported-note">
          {opensInComposer
            ? 'This model was imported, and its layers map onto studio layers: it opens in the composer to be edited or trained again (its imported weights are this run’s weights). '
            : `This model was imported. ${imported?.composer && !imported.composer.maps ? imported.composer.reason : 'Its layers (folded BatchNorms, thresholds, int8 parameters) do not map onto studio layers, so it does not open in the composer and cannot be retrained.'} `}
          It runs in the playground, exports to every target below, and predicts with{' '}
          <code>bnn-studio predict {run.id} --input samples.json</code>.
          {imported?.approximations.length
            ? ` Approximated: ${imported.approximations.map((a) => `operator ${a.operatorIndex} (${a.op}): ${a.message}`).join(' ')}`
            : ''}
        </p>
      ) : null}
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

const pct = (a: number | null | undefined) => (typeof a === 'number' ? `${(a * 100).toFixed(2)}%` : '—');
const runLink = (id: string, text: string) => (
  <Link href={`/experiments/run?id=${encodeURIComponent(id)}`} prefetch={false}>
    {text}
  </Link>
);

/** A distilled run: its teacher (linked, with accuracy) and the gain over the same recipe and seed trained alone. */
function DistillationFacts({ d, accuracy }: { d: RunDistillation; accuracy: number | null }) {
  const alone = d.withoutDistillation;
  return (
    <section aria-label="Distillation" data-testid="run-distillation">
      <h2>Distillation</h2>
      <dl className="totals run-facts">
        <dt>Teacher</dt>
        <dd data-testid="teacher-run">
          {runLink(d.teacher.id, d.teacher.name)}
          {d.teacher.floatTwin ? ' (float twin)' : ''} · {d.teacher.status}
        </dd>
        <dt>Teacher accuracy</dt>
        <dd data-testid="teacher-accuracy">{pct(d.teacher.finalAccuracy)}</dd>
        <dt>With distillation</dt>
        <dd data-testid="distilled-accuracy">{pct(accuracy)}</dd>
        <dt>Without distillation</dt>
        <dd data-testid="undistilled-accuracy">
          {alone ? (
            <>
              {pct(alone.finalAccuracy)} ({runLink(alone.runId, alone.runId)})
            </>
          ) : (
            'no run of the same architecture, dataset, recipe and seed without a teacher yet'
          )}
        </dd>
        {d.gainPoints !== null ? (
          <>
            <dt>Gain</dt>
            <dd data-testid="distillation-gain">
              {d.gainPoints >= 0 ? '+' : ''}
              {d.gainPoints.toFixed(2)} points
            </dd>
          </>
        ) : null}
        <dt>Settings</dt>
        <dd>
          T = {d.temperature ?? '—'}, α = {d.alpha ?? '—'}, warm-up {d.warmupEpochs ?? 0} epoch(s)
        </dd>
      </dl>
      {!alone ? (
        <p className="help">
          Train this model again with the same settings and seed but no teacher to see what distillation
          gained.
        </p>
      ) : null}
    </section>
  );
}

/** A pruned run: what was removed, the accuracy before pruning and right after it, and the version it trained. */
function PruningFacts({ p, accuracy }: { p: RunPruning; accuracy: number | null }) {
  return (
    <section aria-label="Pruning" data-testid="run-pruning">
      <h2>Pruning</h2>
      <dl className="totals run-facts">
        <dt>Binary MACs</dt>
        <dd data-testid="pruned-macs">
          {formatCount(p.binaryMacsBefore)} → {formatCount(p.binaryMacsAfter)} (−
          {(100 * p.binaryMacsRemoved).toFixed(1)}%)
        </dd>
        <dt>Packed weights</dt>
        <dd>
          {formatBytes(p.packedBytesBefore)} → {formatBytes(p.packedBytesAfter)}
        </dd>
        <dt>Channels</dt>
        <dd>
          {p.layers.map((l) => `${l.producers.join(' + ')}: ${l.before} → ${l.after}`).join('; ') || '—'}
        </dd>
        {p.removedBlocks.length ? (
          <>
            <dt>Residual blocks removed</dt>
            <dd>{p.removedBlocks.join(', ')}</dd>
          </>
        ) : null}
        <dt>Accuracy before pruning</dt>
        <dd>{pct(p.accuracyBeforePruning)}</dd>
        <dt>Right after pruning</dt>
        <dd>{pct(p.accuracyBeforeFineTune)}</dd>
        <dt>After {p.fineTuneEpochs} fine-tuning epoch(s)</dt>
        <dd data-testid="pruned-accuracy">{pct(accuracy)}</dd>
      </dl>
    </section>
  );
}
