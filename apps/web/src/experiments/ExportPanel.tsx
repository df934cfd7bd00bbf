'use client';
import Link from 'next/link';
import { useState } from 'react';
import { ApiError, describeError } from '../lib/api';
import { artifactUrl, type ExportResult, type ExportTarget, exportRun } from '../lib/studio-api';
import { formatBytes, formatCount, formatMs } from '../lib/targets';

export const EXPORT_TARGETS: Array<{ id: ExportTarget; label: string; help: string }> = [
  { id: 'bnn', label: 'Packed model (.bnn)', help: 'The bit-packed model the studio and the kernels run.' },
  { id: 'tflite-arm', label: '.tflite (LCE, Arm)', help: 'Larq Compute Engine ops for Arm CPUs / Cortex-M.' },
  { id: 'tflite-xcore', label: '.tflite (xcore)', help: 'TFLite flavour for the XMOS xformer flow.' },
  {
    id: 'stm32l4',
    label: 'STM32L4 bundle',
    help: 'C runtime, model, golden self-check; builds with arm-none-eabi-gcc.',
  },
  { id: 'xcore', label: 'xcore.ai bundle', help: 'C runtime and model for one xcore.ai tile.' },
];

type Outcome =
  | { kind: 'ok'; result: ExportResult }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'error'; error: unknown };

/** The bundle's latency estimate (manifest `latency`), when the report carries one. */
function LatencyLine({ report }: { report: Record<string, unknown> }) {
  const l = report.latency as
    | {
        estimatedInstructions?: number;
        estimatedMs?: number;
        target?: string;
        clockHz?: number;
        cyclesPerInstruction?: number;
        basis?: string;
      }
    | undefined;
  if (!l || typeof l.estimatedMs !== 'number' || typeof l.estimatedInstructions !== 'number') return null;
  return (
    <p className="latency-report" data-testid="latency-report" title={l.basis}>
      Latency (estimate): <strong>{formatMs(l.estimatedMs)}</strong> per inference on {l.target} —{' '}
      {formatCount(l.estimatedInstructions)} instructions at {l.cyclesPerInstruction} cycles/instruction,{' '}
      {(l.clockHz ?? 0) / 1e6} MHz. The bundle&apos;s <code>make qemu-test</code> prints the exact instruction
      count.
    </p>
  );
}

function MemoryReport({
  report,
  composerHref,
}: {
  report: Record<string, unknown>;
  composerHref(node: string): string;
}) {
  return (
    <>
      <LatencyLine report={report} />
      <MemoryTable report={report} composerHref={composerHref} />
    </>
  );
}

function MemoryTable({
  report,
  composerHref,
}: {
  report: Record<string, unknown>;
  composerHref(node: string): string;
}) {
  const memory = report.memory as Record<string, number> | undefined;
  const layers = (
    report.model as
      | { layers?: Array<{ index: number; op: string; sourceNode: string; constBytes: number }> }
      | undefined
  )?.layers;
  if (!memory) {
    return (
      <dl className="totals">
        {Object.entries(report)
          .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
          .map(([k, v]) => (
            <div key={k} className="kv">
              <dt>{k}</dt>
              <dd>{typeof v === 'number' && /bytes/i.test(k) ? formatBytes(v) : String(v)}</dd>
            </div>
          ))}
      </dl>
    );
  }
  const rows: Array<[string, number, number | undefined]> = [
    ['Flash', memory.flashBytes ?? 0, memory.flashLimitBytes],
    ['RAM', memory.ramBytes ?? 0, memory.ramLimitBytes],
  ];
  return (
    <div className="memory-report" data-testid="memory-report">
      <h4>Memory report</h4>
      <table>
        <tbody>
          {rows.map(([label, used, limit]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num">{formatBytes(used)}</td>
              <td className="num">
                {limit ? `of ${formatBytes(limit)} (${((used / limit) * 100).toFixed(1)}%)` : ''}
              </td>
            </tr>
          ))}
          {Object.entries(memory)
            .filter(([k]) => !['flashBytes', 'ramBytes', 'flashLimitBytes', 'ramLimitBytes'].includes(k))
            .map(([k, v]) => (
              <tr key={k}>
                <th scope="row">
                  {k
                    .replace(/Bytes$/, '')
                    .replace(/([A-Z])/g, ' $1')
                    .toLowerCase()}
                </th>
                <td className="num">{formatBytes(v)}</td>
                <td />
              </tr>
            ))}
        </tbody>
      </table>
      {layers?.length ? (
        <details>
          <summary>Per-layer constants ({layers.length} ops)</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Op</th>
                <th scope="col">Layer</th>
                <th scope="col" className="num">
                  Constants
                </th>
              </tr>
            </thead>
            <tbody>
              {layers.map((l) => (
                <tr key={l.index}>
                  <td>{l.index}</td>
                  <td>{l.op}</td>
                  <td>
                    <Link href={composerHref(l.sourceNode)}>{l.sourceNode}</Link>
                  </td>
                  <td className="num">{formatBytes(l.constBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}

/** Starts the browser's download of an artifact, as a click on its Download link would. */
function downloadArtifact(id: string, filename: string): void {
  const a = document.createElement('a');
  a.href = artifactUrl(id);
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** One button per export target; shows the artifact and its report, or the refusal with a link to the node. */
export function ExportPanel({
  runId,
  architectureVersionId,
  enabled,
}: {
  runId: string;
  architectureVersionId?: string | null;
  enabled: boolean;
}) {
  const [busy, setBusy] = useState<ExportTarget | null>(null);
  const [outcomes, setOutcomes] = useState<Partial<Record<ExportTarget, Outcome>>>({});
  const composerHref = (node: string) =>
    `/composer?${architectureVersionId ? `version=${encodeURIComponent(architectureVersionId)}&` : ''}node=${encodeURIComponent(node)}`;
  const run = async (target: ExportTarget) => {
    setBusy(target);
    try {
      const result = await exportRun(runId, target);
      setOutcomes((o) => ({ ...o, [target]: { kind: 'ok', result } }));
      // One click: the build is downloaded as soon as it exists (the Download link stays for re-downloads).
      downloadArtifact(result.artifact.id, result.artifact.filename);
    } catch (e) {
      const refused = e instanceof ApiError && (e.code === 'export_refused' || e.status === 422);
      setOutcomes((o) => ({
        ...o,
        [target]: refused ? { kind: 'refused', error: e as ApiError } : { kind: 'error', error: e },
      }));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="exports" aria-label="Export">
      <h2>Export</h2>
      {!enabled ? (
        <p className="muted">Exports are available once the run has finished with trained weights.</p>
      ) : null}
      <ul className="export-list">
        {EXPORT_TARGETS.map((t) => {
          const o = outcomes[t.id];
          return (
            <li key={t.id} className="export-item" data-target={t.id}>
              <button
                type="button"
                className="primary"
                disabled={!enabled || busy !== null}
                onClick={() => run(t.id)}
              >
                {busy === t.id ? `Building ${t.label}…` : `Export ${t.label} and download`}
              </button>
              <span className="help"> {t.help}</span>
              {o?.kind === 'ok' ? (
                <div className="export-result" data-testid={`export-result-${t.id}`}>
                  <a
                    className="button"
                    href={artifactUrl(o.result.artifact.id)}
                    download={o.result.artifact.filename}
                  >
                    Download {o.result.artifact.filename}
                  </a>{' '}
                  <span className="status-ok" data-testid={`export-downloaded-${t.id}`}>
                    Built and downloaded.
                  </span>{' '}
                  <span className="help">
                    {formatBytes(o.result.artifact.bytes)} · sha256 {o.result.artifact.sha256.slice(0, 16)}…
                  </span>
                  {o.result.report && typeof o.result.report === 'object' ? (
                    <MemoryReport report={o.result.report} composerHref={composerHref} />
                  ) : null}
                </div>
              ) : null}
              {o?.kind === 'refused' ? (
                <div className="error-note" role="alert" data-testid={`export-refused-${t.id}`}>
                  <strong>Export refused:</strong> {o.error.message}
                  {o.error.fix ? <p className="fix">Fix: {o.error.fix}</p> : null}
                  {typeof o.error.details?.nodeId === 'string' ? (
                    <p>
                      <Link href={composerHref(o.error.details.nodeId)}>
                        Open layer {o.error.details.nodeId} in the composer
                      </Link>
                      {typeof o.error.details.rule === 'string' ? ` (rule: ${o.error.details.rule})` : ''}
                    </p>
                  ) : null}
                </div>
              ) : null}
              {o?.kind === 'error' ? (
                <div className="error-note" role="alert">
                  {describeError(o.error).message}
                  {describeError(o.error).fix ? (
                    <p className="fix">Fix: {describeError(o.error).fix}</p>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
