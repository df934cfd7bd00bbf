'use client';
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes, formatMs, TARGETS, type TargetId } from '../lib/targets';
import { paretoFrontier } from './pareto';
import { sizeAxis } from './scatter-domain';

export interface ScatterPoint {
  id: string;
  name: string;
  /** The x value: packed bytes (`x: 'size'`) or estimated milliseconds (`x: 'latency'`). */
  size: number;
  accuracy: number;
}

/** What the x axis shows: packed size (KiB) or the latency estimate on the target (ms); both log scale. */
export type ScatterX = 'size' | 'latency';

/**
 * Accuracy against packed size (KiB) or estimated latency (ms) on a log scale, the Pareto frontier (smaller and
 * more accurate) and the target's budget (weight memory, or the latency budget).
 */
export function RunsScatter({
  points,
  target,
  onOpen,
  x = 'size',
}: {
  points: ScatterPoint[];
  target: TargetId;
  onOpen(id: string): void;
  x?: ScatterX;
}) {
  const frontier = paretoFrontier(points);
  const t = TARGETS[target];
  const latency = x === 'latency';
  // x values in the plotted unit: KiB or ms
  const scale = latency ? 1 : 1 / 1024;
  const budgetX = latency ? t.latencyBudgetMs : (t.flashBytes ?? t.sramBytes) / 1024;
  const data = points.map((p) => ({ ...p, kib: p.size * scale, pct: p.accuracy * 100 }));
  const front = frontier.map((p) => ({ kib: p.size * scale, pct: p.accuracy * 100 }));
  const axis = sizeAxis(
    data.map((d) => d.kib),
    budgetX,
  );
  const [minKiB, maxKiB] = axis.domain;
  const budgetText = latency
    ? `latency budget ${formatMs(t.latencyBudgetMs)}`
    : `${t.flashBytes ? 'flash' : 'SRAM'} budget ${formatBytes(t.flashBytes ?? t.sramBytes)}`;
  const xName = latency ? 'Latency (est.)' : 'Packed size';
  const fmtX = (v: number) => (latency ? formatMs(v) : formatBytes(v));
  return (
    <figure
      className="scatter"
      aria-label={latency ? 'Accuracy against estimated latency' : 'Accuracy against packed model size'}
      data-testid="runs-scatter"
      data-x={x}
    >
      <figcaption data-budget-edge={axis.budget.edge}>
        {latency ? 'Accuracy vs estimated latency' : 'Accuracy vs packed size'} — {frontier.length} run(s) on
        the Pareto frontier; dashed line: {t.label} {budgetText}.
        {latency
          ? ' Latency: the studio estimate of one inference of the run’s architecture (an estimate).'
          : ''}{' '}
        Click a point to open its run.
      </figcaption>
      {points.length === 0 ? (
        <p className="muted">
          {latency
            ? 'No finished runs with an accuracy and a latency estimate yet.'
            : 'No finished runs with an accuracy and a size yet.'}
        </p>
      ) : (
        <ResponsiveContainer width="100%" height={300}>
          <ComposedChart margin={{ top: 10, right: 20, bottom: 20, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d5d9e0" />
            <XAxis
              type="number"
              dataKey="kib"
              scale="log"
              domain={[minKiB, maxKiB]}
              allowDataOverflow
              name={xName}
              unit={latency ? ' ms' : ' KiB'}
              tickFormatter={(v: number) =>
                v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(1)
              }
              label={{
                value: latency ? `estimated latency on ${t.label} (ms, log)` : 'packed size (KiB, log)',
                position: 'insideBottom',
                offset: -10,
              }}
            />
            <YAxis type="number" dataKey="pct" domain={[0, 100]} name="Accuracy" unit="%" width={50} />
            <Tooltip
              formatter={(v, n) =>
                typeof v === 'number'
                  ? [n === xName ? `${v.toFixed(2)}${latency ? ' ms' : ' KiB'}` : `${v.toFixed(2)}%`, n]
                  : [String(v), n]
              }
            />
            <Legend verticalAlign="top" />
            <ReferenceLine
              x={axis.budget.at}
              stroke="#b00020"
              strokeDasharray="6 4"
              strokeWidth={axis.budget.edge === 'none' ? 1 : 3}
              label={{
                value:
                  axis.budget.edge === 'right'
                    ? `${budgetText} →`
                    : axis.budget.edge === 'left'
                      ? `← ${budgetText}`
                      : 'budget',
                fill: '#b00020',
                position: axis.budget.edge === 'left' ? 'insideTopLeft' : 'insideTopRight',
              }}
            />
            <Line
              data={front}
              dataKey="pct"
              name="Pareto frontier"
              stroke="#17663a"
              dot={false}
              isAnimationActive={false}
              type="stepAfter"
            />
            <Scatter
              data={data}
              name="Runs"
              fill="#1f4fd1"
              isAnimationActive={false}
              cursor="pointer"
              onClick={(d: unknown) => {
                const id =
                  (d as { id?: string; payload?: { id?: string } }).payload?.id ?? (d as { id?: string }).id;
                if (id) onOpen(id);
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      )}
      {points.length ? (
        <ul className="visually-hidden">
          {points.map((p) => (
            <li key={p.id}>
              <a href={`/experiments/run?id=${encodeURIComponent(p.id)}`}>
                {p.name}: {(p.accuracy * 100).toFixed(1)}% at {fmtX(p.size)}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
