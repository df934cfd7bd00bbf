'use client';
import { formatSummary } from '@bnn-studio/bnn-core';
import { useMemo, useRef } from 'react';
import { BudgetBars } from '../components/BudgetBars';
import { formatBytes, formatCount, TARGET_IDS, TARGETS, type TargetId } from '../lib/targets';
import { useComposer } from './ComposerProvider';
import { DatasetCheck } from './DatasetCheck';

/** Larq-style summary of the model plus flash/SRAM budget bars for the chosen target. */
export function SummaryPanel() {
  const analysis = useComposer((s) => s.analysis);
  const analysisError = useComposer((s) => s.analysisError);
  const issues = useComposer((s) => s.issues);
  const target = useComposer((s) => s.target);
  const setTarget = useComposer((s) => s.setTarget);
  const tableDialog = useRef<HTMLDialogElement>(null);
  const summary = useMemo(() => {
    if (!analysis) return '';
    try {
      return formatSummary(analysis);
    } catch (e) {
      return `Summary unavailable: ${(e as Error).message}`;
    }
  }, [analysis]);
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  const t = analysis?.totals;
  return (
    <section className="summary-panel" aria-label="Model summary">
      <div className="summary-head">
        <h2>Summary</h2>
        <p className={errors ? 'field-error' : 'status-ok'} data-testid="issue-count" aria-live="polite">
          {errors ? `${errors} error(s)` : 'No errors'}
          {warnings ? `, ${warnings} warning(s)` : ''}
        </p>
      </div>
      {analysisError ? <p className="field-error">{analysisError}</p> : null}
      {t ? (
        <dl className="totals">
          <dt>Parameters</dt>
          <dd>{formatCount(t.totalParams)}</dd>
          <dt>Packed weights</dt>
          <dd data-testid="packed-size">{formatBytes(t.packedBytes)}</dd>
          <dt>Model size (Larq)</dt>
          <dd>{formatBytes(t.modelSizeBytes)}</dd>
          <dt>float32 equivalent</dt>
          <dd>{formatBytes(t.float32EquivalentBytes)}</dd>
          <dt>Compression</dt>
          <dd>
            {t.compressionRatio > 0
              ? `${t.compressionRatio.toFixed(3)} (${(1 / t.compressionRatio).toFixed(1)}× smaller)`
              : '—'}
          </dd>
          <dt>MACs</dt>
          <dd>{formatCount(t.totalMacs)}</dd>
          <dt>Binary MACs</dt>
          <dd>{(t.binaryMacShare * 100).toFixed(1)}%</dd>
          <dt>Arena (est.)</dt>
          <dd>{formatBytes(t.arenaBytes)}</dd>
        </dl>
      ) : null}
      <DatasetCheck />
      <label htmlFor="target-select">Target device</label>
      <select id="target-select" value={target} onChange={(e) => setTarget(e.target.value as TargetId)}>
        {TARGET_IDS.map((id) => (
          <option key={id} value={id}>
            {TARGETS[id].label}
          </option>
        ))}
      </select>
      {t ? <BudgetBars target={target} weightBytes={t.packedBytes} arenaBytes={t.arenaBytes} /> : null}
      <details>
        <summary>Layer table (Larq-style)</summary>
        <button type="button" onClick={() => tableDialog.current?.showModal()}>
          Open the layer table wide
        </button>
        <pre className="summary" data-testid="larq-summary">
          {summary}
        </pre>
      </details>
      <dialog ref={tableDialog} className="layer-table" aria-label="Layer table (Larq-style)">
        <div className="summary-head">
          <h2>Layer table</h2>
          <button type="button" onClick={() => tableDialog.current?.close()}>
            Close
          </button>
        </div>
        <pre className="summary" data-testid="larq-summary-wide">
          {summary}
        </pre>
      </dialog>
    </section>
  );
}
