'use client';
import { formatSummary } from '@bnn-studio/bnn-core';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { BudgetBars } from '../components/BudgetBars';
import { estimateDeployment } from '../lib/deploy-estimate';
import {
  deployBudgetUse,
  formatBytes,
  formatCount,
  formatMs,
  TARGET_IDS,
  TARGETS,
  type TargetId,
} from '../lib/targets';
import { useComposer } from './ComposerProvider';
import { DatasetCheck } from './DatasetCheck';

/** Larq-style summary of the model plus flash/SRAM/latency budget bars for the chosen target. */
export function SummaryPanel() {
  const analysis = useComposer((s) => s.analysis);
  // Lowering for the deployment estimate runs in a deferred render, so typing in a field stays responsive.
  const graph = useDeferredValue(useComposer((s) => s.graph));
  const deployment = useMemo(() => estimateDeployment(graph), [graph]);
  const [budgetMs, setBudgetMs] = useState<Partial<Record<TargetId, number>>>({});
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
  const latencyBudgetMs = budgetMs[target] ?? TARGETS[target].latencyBudgetMs;
  const est = deployment.ok ? deployment.estimate : null;
  const latency = est?.latency[target];
  const perNode = latency
    ? Object.entries(latency.byNode)
        .map(([node, v]) => ({ node, ...v }))
        .sort((a, b) => b.instructions - a.instructions)
    : [];
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
          <dd data-testid="arena-size">{formatBytes(est ? est.memory.arenaBytes : t.arenaBytes)}</dd>
          {est ? (
            <>
              <dt>Firmware flash</dt>
              <dd
                data-testid="firmware-flash"
                title="Model constant data + the code of the runtime kernels it links (fitted to STM32L4R9 device builds; the bundle's figure)"
              >
                {formatBytes(est.memory.flashBytes)}
              </dd>
              <dt>Firmware RAM</dt>
              <dd
                data-testid="firmware-ram"
                title="Arena + runtime .data/.bss + the linker's 8 KiB stack reserve (the bundle's figure)"
              >
                {formatBytes(est.memory.ramBytes)}
              </dd>
            </>
          ) : null}
          {latency ? (
            <>
              <dt>Latency (est.)</dt>
              <dd data-testid="latency-total" title={latency.target.basis}>
                {formatMs(latency.ms)} · {formatCount(latency.instructions)} instructions
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {!deployment.ok && t ? (
        <p className="help" data-testid="deploy-estimate-note">
          {deployment.error}
        </p>
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
      {latency ? (
        <>
          <label htmlFor="latency-budget">Latency budget (ms)</label>
          <input
            id="latency-budget"
            type="number"
            min={0.001}
            step="any"
            value={latencyBudgetMs}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isFinite(v) && v > 0) setBudgetMs((b) => ({ ...b, [target]: v }));
            }}
          />
        </>
      ) : null}
      {t ? (
        <BudgetBars
          target={target}
          weightBytes={t.packedBytes}
          arenaBytes={t.arenaBytes}
          {...(est && latency
            ? { rows: deployBudgetUse(target, est.memory, latency.ms, latencyBudgetMs) }
            : {})}
        />
      ) : null}
      {latency ? (
        <details>
          <summary>Latency per node ({latency.target.label})</summary>
          <p className="help" data-testid="latency-basis">
            {latency.target.cyclesPerInstruction} cycles per instruction at {latency.target.clockHz / 1e6} MHz
            — an estimate. {latency.target.basis}
          </p>
          <table className="latency-table" data-testid="latency-per-node">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col" className="num">
                  Instructions
                </th>
                <th scope="col" className="num">
                  ms
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {perNode.map((n) => (
                <tr key={n.node}>
                  <td>{n.node}</td>
                  <td className="num">{formatCount(n.instructions)}</td>
                  <td className="num">{formatMs(n.ms)}</td>
                  <td className="num">
                    {latency.instructions
                      ? ((100 * n.instructions) / latency.instructions).toFixed(1)
                      : '0.0'}
                    %
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
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
