'use client';
import { memo, useEffect, useRef } from 'react';
import type { EpochMetrics } from '../train/protocol';
import type { BatchPoint } from '../train/training-store';
import { type LivePoint, type LiveSeries, plotRange, seriesPoints } from './live-chart-scale';

/**
 * Live training charts, drawn on a canvas: one redraw is a few hundred canvas calls in one animation frame (well
 * under a millisecond), where a recharts chart costs tens of milliseconds of React/SVG work per update and made
 * the page's main-thread tasks exceed 50 ms while a run streamed in. The run page keeps recharts for the final,
 * interactive view.
 */

interface ChartSpec {
  id: string;
  title: string;
  series: LiveSeries[];
  percent?: boolean;
}

const LOSS: ChartSpec = {
  id: 'loss',
  title: 'Loss',
  series: [
    { key: 'batch', label: 'per batch', color: '#8fa8e8', thin: true },
    { key: 'loss', label: 'train', color: '#1f4fd1' },
    { key: 'valLoss', label: 'val', color: '#b00020', dashed: true },
  ],
};
const ACCURACY: ChartSpec = {
  id: 'accuracy',
  title: 'Accuracy',
  percent: true,
  series: [
    { key: 'accuracy', label: 'train', color: '#1f4fd1' },
    { key: 'valAccuracy', label: 'val', color: '#b00020', dashed: true },
  ],
};
const FLIPS: ChartSpec = {
  id: 'flips',
  title: 'Flip ratio',
  series: [{ key: 'flipRatio', label: 'flips', color: '#6b2fb8' }],
};

const HEIGHT = 180;
const PAD = { left: 52, right: 10, top: 8, bottom: 22 };

function formatValue(v: number, percent?: boolean): string {
  if (percent) return `${(v * 100).toFixed(1)}%`;
  if (v === 0) return '0';
  if (Math.abs(v) < 0.01) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

function draw(
  canvas: HTMLCanvasElement,
  spec: ChartSpec,
  lines: { s: LiveSeries; pts: LivePoint[] }[],
): void {
  const width = canvas.clientWidth;
  if (width === 0) return;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(HEIGHT * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(HEIGHT * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, HEIGHT);
  const r = plotRange(lines.flatMap((l) => l.pts));
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + ((x - r.x0) / (r.x1 - r.x0)) * plotW;
  const py = (y: number) => PAD.top + (1 - (y - r.y0) / (r.y1 - r.y0)) * plotH;

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#d5d9e0';
  ctx.fillStyle = '#4a5160';
  ctx.setLineDash([3, 3]);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const y of r.yTicks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, py(y));
    ctx.lineTo(width - PAD.right, py(y));
    ctx.stroke();
    ctx.fillText(formatValue(y, spec.percent), PAD.left - 4, py(y));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const x of r.xTicks) {
    ctx.beginPath();
    ctx.moveTo(px(x), PAD.top);
    ctx.lineTo(px(x), PAD.top + plotH);
    ctx.stroke();
    ctx.fillText(String(x), px(x), PAD.top + plotH + 4);
  }
  ctx.fillText('epoch', PAD.left + plotW / 2, PAD.top + plotH + 4);

  for (const { s, pts } of lines) {
    if (pts.length === 0) continue;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.thin ? 1 : 2;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(px(pts[0]!.x), py(pts[0]!.y));
    for (const p of pts.slice(1)) ctx.lineTo(px(p.x), py(p.y));
    ctx.stroke();
    // Dots on per-epoch points; a dense per-batch line gets one only while it is a single point.
    const radius = s.thin ? (pts.length === 1 ? 2 : 0) : 3;
    if (radius)
      for (const p of pts) {
        ctx.beginPath();
        ctx.arc(px(p.x), py(p.y), radius, 0, 2 * Math.PI);
        ctx.fill();
      }
  }
  ctx.setLineDash([]);
}

const LiveChart = memo(function LiveChart({
  spec,
  epochs,
  batchLoss,
}: {
  spec: ChartSpec;
  epochs: EpochMetrics[];
  batchLoss?: BatchPoint[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lines = spec.series
    .map((s) => ({ s, pts: seriesPoints(s.key, epochs, batchLoss) }))
    .filter((l) => l.pts.length > 0);
  const latest = useRef(lines);
  latest.current = lines;
  const frame = useRef(0);

  // Draw in the next animation frame, coalescing every update that lands before it into one redraw.
  const schedule = useRef(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (canvas.current) draw(canvas.current, spec, latest.current);
    });
  });
  useEffect(() => {
    schedule.current();
  });
  useEffect(() => {
    const el = canvas.current;
    const redraw = schedule.current;
    const ro = typeof ResizeObserver === 'undefined' || !el ? null : new ResizeObserver(() => redraw());
    if (el) ro?.observe(el);
    return () => {
      ro?.disconnect();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, []);

  const last = epochs.at(-1);
  const summary = last
    ? spec.series
        .filter((s) => s.key !== 'batch')
        .map((s) => {
          const v = last[s.key as keyof EpochMetrics];
          return typeof v === 'number' && Number.isFinite(v)
            ? `${s.label} ${spec.percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(4)}`
            : null;
        })
        .filter(Boolean)
        .join(', ')
    : '';
  const batchPoints = lines.find((l) => l.s.key === 'batch')?.pts.length ?? 0;
  const epochPoints = lines.filter((l) => l.s.key !== 'batch').reduce((n, l) => n + l.pts.length, 0);
  return (
    <figure
      className="chart"
      data-testid={`live-chart-${spec.id}`}
      data-epoch-points={epochPoints}
      data-batch-points={batchPoints}
    >
      <figcaption>
        {spec.title}
        {summary ? `: ${summary}` : ''}
      </figcaption>
      {lines.length === 0 ? <p className="muted chart-empty">Waiting for the first epoch…</p> : null}
      <canvas
        ref={canvas}
        className="live-chart"
        style={{ width: '100%', height: HEIGHT }}
        role="img"
        aria-label={`${spec.title} per epoch${summary ? `, latest ${summary}` : ', no data yet'}`}
      />
      <p className="live-legend">
        {lines.map((l) => (
          <span key={l.s.key}>
            <span
              className="live-swatch"
              style={{ borderTopColor: l.s.color, borderTopStyle: l.s.dashed ? 'dashed' : 'solid' }}
            />
            {l.s.label}
          </span>
        ))}
      </p>
    </figure>
  );
});

/** Loss (train/val per epoch and the per-batch training loss), accuracy (train/val) and flip ratio, live. */
export const LiveCharts = memo(function LiveCharts({
  epochs,
  batchLoss,
}: {
  epochs: EpochMetrics[];
  batchLoss: BatchPoint[];
}) {
  return (
    <div className="charts" data-testid="metric-charts">
      <LiveChart spec={LOSS} epochs={epochs} batchLoss={batchLoss} />
      <LiveChart spec={ACCURACY} epochs={epochs} />
      <LiveChart spec={FLIPS} epochs={epochs} />
    </div>
  );
});
